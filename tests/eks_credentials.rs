//! `EksClient::from_env` with no credentials anywhere gives a typed error,
//! and with credentials in the environment it reaches the endpoint named by
//! `AWS_ENDPOINT_URL_EKS`. It never contacts AWS: instance metadata is
//! disabled, the config files are empty, and the endpoint is local.
//!
//! This file holds a single test because it changes the process environment.

#[path = "support/mod.rs"]
mod support;

use support::eks::start_sim;
use trinetes::aws::{AwsError, EksClient};

const CLEARED: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
];

#[tokio::test]
async fn from_env_reports_missing_credentials_then_uses_the_environment() {
    let (server, _clock) = start_sim().await;
    let home = tempfile::tempdir().expect("a temp HOME");
    let empty = home.path().join("empty");
    std::fs::write(&empty, "").expect("write an empty file");
    // SAFETY: this test binary runs this one test, so no other thread reads
    // the environment while it changes.
    unsafe {
        for name in CLEARED {
            std::env::remove_var(name);
        }
        std::env::set_var("HOME", home.path());
        std::env::set_var("AWS_CONFIG_FILE", &empty);
        std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", &empty);
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_ENDPOINT_URL_EKS", server.url());
    }

    let err = EksClient::from_env(Some("us-east-1"))
        .await
        .expect_err("no credentials anywhere");
    assert!(matches!(err, AwsError::NoCredentials { .. }), "{err:?}");
    assert!(
        err.to_string().contains("no AWS credentials found"),
        "{err}"
    );

    // SAFETY: as above.
    unsafe {
        std::env::remove_var("AWS_REGION");
        std::env::remove_var("AWS_DEFAULT_REGION");
    }
    let err = EksClient::from_env(None)
        .await
        .expect_err("no region anywhere");
    assert!(matches!(err, AwsError::NoRegion), "{err:?}");

    // SAFETY: as above.
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "testing");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "testing");
    }
    let client = EksClient::from_env(Some("us-east-1"))
        .await
        .expect("credentials from the environment");
    assert!(
        client
            .list_clusters()
            .await
            .expect("the local endpoint answers")
            .is_empty()
    );
    assert_eq!(client.cluster_status("tcb-cluster").await.unwrap(), None);
    server.shutdown().await;
}
