//! The real `aws` CLI against the simulated EKS endpoint, pointed there by
//! `AWS_ENDPOINT_URL_EKS`, with test credentials in the environment.

use std::time::Duration;

use crate::support::eks::{REGION, require_tool, start_sim};
use trinetes::sim::eks::CreateClusterRequest;

struct CliOutput {
    success: bool,
    stdout: String,
    stderr: String,
}

async fn aws(endpoint: &str, config_dir: &std::path::Path, args: &[&str]) -> CliOutput {
    let program = require_tool("aws", "install awscli (pip install awscli)");
    let empty = config_dir.join("empty");
    std::fs::write(&empty, "").expect("write an empty AWS config file");
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .args(["--output", "json"])
        .env("AWS_ENDPOINT_URL_EKS", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", REGION)
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(120), command.output())
        .await
        .expect("the aws CLI finishes within 120 s")
        .expect("the aws CLI runs");
    CliOutput {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_lists_and_describes_simulated_clusters() {
    let (server, clock) = start_sim().await;
    let config_dir = tempfile::tempdir().expect("a temp dir");
    let state = server.state();
    state
        .create_cluster(CreateClusterRequest {
            name: Some("tcb-cluster".into()),
            version: Some("1.32".into()),
            role_arn: Some("arn:aws:iam::123456789012:role/eks".into()),
            resources_vpc_config: Some(serde_json::json!({"subnetIds": ["subnet-0a"]})),
            ..Default::default()
        })
        .expect("create the cluster in process");
    clock.advance(state.config().durations.cluster_create);

    let listed = aws(&server.url(), config_dir.path(), &["eks", "list-clusters"]).await;
    assert!(
        listed.success,
        "aws eks list-clusters failed: {}",
        listed.stderr
    );
    let listed: serde_json::Value = serde_json::from_str(&listed.stdout).expect("JSON output");
    assert_eq!(listed["clusters"], serde_json::json!(["tcb-cluster"]));

    let described = aws(
        &server.url(),
        config_dir.path(),
        &["eks", "describe-cluster", "--name", "tcb-cluster"],
    )
    .await;
    assert!(
        described.success,
        "aws eks describe-cluster failed: {}",
        described.stderr
    );
    let described: serde_json::Value =
        serde_json::from_str(&described.stdout).expect("JSON output");
    let cluster = &described["cluster"];
    assert_eq!(cluster["name"], "tcb-cluster");
    assert_eq!(cluster["status"], "ACTIVE");
    assert_eq!(cluster["version"], "1.32");
    assert_eq!(
        cluster["arn"],
        "arn:aws:eks:us-east-1:123456789012:cluster/tcb-cluster"
    );
    assert!(cluster["certificateAuthority"]["data"].is_string());
    // aws CLI v1 prints timestamps as sent (epoch seconds), v2 as ISO 8601;
    // either way it is the (manual) clock's time at creation.
    let created = &cluster["createdAt"];
    let epoch = crate::support::eks::episode_start().as_second() as f64;
    assert!(
        created.as_f64() == Some(epoch)
            || created
                .as_str()
                .is_some_and(|d| d.starts_with("2021-12-16T01:25:17")),
        "{created}"
    );

    let missing = aws(
        &server.url(),
        config_dir.path(),
        &["eks", "describe-cluster", "--name", "test-cluster"],
    )
    .await;
    assert!(!missing.success);
    assert!(
        missing.stderr.contains("ResourceNotFoundException")
            && missing
                .stderr
                .contains("No cluster found for name: test-cluster."),
        "{}",
        missing.stderr
    );
    server.shutdown().await;
}
