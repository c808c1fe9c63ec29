//! `trinetes doctor`: with every tool missing, and with tools present
//! (stubs for eksctl and helm, the machine's kubectl and aws CLI, moto for
//! EKS and STS).

use trinetes::aws::{EksClient, NewCluster};
use trinetes::ledger::{Ledger, Resource};

use super::stubs::{Stubs, aws_env, trinetes};
use crate::support::bin::text;
use crate::support::eks::{MotoServer, require_tool};

#[test]
fn doctor_names_each_missing_tool_with_its_fix_and_fails() {
    let state = tempfile::tempdir().unwrap();
    let empty = state.path().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = trinetes(
        state.path(),
        &empty.to_string_lossy(),
        &[],
        &["doctor", "--backend", "live"],
    );
    let said = text(&out);
    assert!(
        !out.status.success(),
        "missing tools must fail the doctor:\n{said}"
    );
    for tool in ["eksctl", "kubectl", "helm", "aws"] {
        assert!(
            said.contains(&format!("✘ {tool}")),
            "no failed row for {tool}:\n{said}"
        );
    }
    assert!(said.contains("not found on PATH"), "{said}");
    assert!(
        said.contains("→ install eksctl: https://eksctl.io/installation/"),
        "{said}"
    );
    assert!(said.contains("Not ready"), "{said}");
}

#[test]
fn on_dry_run_a_missing_kubectl_is_optional() {
    let state = tempfile::tempdir().unwrap();
    let empty = state.path().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out = trinetes(state.path(), &empty.to_string_lossy(), &[], &["doctor"]);
    let said = text(&out);
    assert!(
        out.status.success(),
        "dry-run needs nothing installed:\n{said}"
    );
    assert!(
        said.contains("kubectl") && said.contains("(optional)"),
        "{said}"
    );
    assert!(
        said.contains("trinetes answers kubectl steps itself"),
        "{said}"
    );
    assert!(said.contains("Ready."), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_with_tools_and_credentials_shows_versions_identity_and_clusters() {
    require_tool("kubectl", "install kubectl 1.32");
    require_tool("aws", "install the aws CLI (pip install awscli)");
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", "echo 0.230.0");
    stubs.add("helm", "echo v3.17.2+gcc0bbbd");

    // One cluster trinetes made (in its ledger), one it did not.
    let client = EksClient::for_endpoint(&moto.url(), "us-east-1");
    let subnets = vec!["subnet-0a".to_string()];
    for name in ["tcb-cluster", "someone-elses"] {
        client
            .create_cluster(&NewCluster {
                name,
                version: "1.32",
                role_arn: "arn:aws:iam::123456789012:role/eks",
                subnet_ids: &subnets,
            })
            .await
            .unwrap();
    }
    Ledger::in_dir(&state.path().join("trinetes"))
        .record(
            Resource::EksCluster {
                name: "tcb-cluster".into(),
                region: "us-east-1".into(),
            },
            "live",
        )
        .unwrap();

    let env = aws_env(state.path(), &moto.url());
    let st = state.path().to_path_buf();
    let path = stubs.path();
    let out = tokio::task::spawn_blocking(move || {
        trinetes(
            &st,
            &path,
            &env,
            &["doctor", "--backend", "live", "--profile", "current"],
        )
    })
    .await
    .unwrap();
    let said = text(&out);
    assert!(
        out.status.success(),
        "everything required is there:\n{said}"
    );
    assert!(said.contains("✔ eksctl"), "{said}");
    assert!(
        said.contains("✔ helm") && said.contains("v3.17.2 (minimum 3.0.0)"),
        "{said}"
    );
    assert!(said.contains("✔ kubectl") && said.contains("v1."), "{said}");
    assert!(said.contains("✔ aws"), "{said}");
    assert!(said.contains("✔ AWS credentials"), "{said}");
    // moto's fixed test account.
    assert!(said.contains("arn:aws:sts::123456789012:"), "{said}");
    assert!(said.contains("tcb-cluster (created by trinetes)"), "{said}");
    assert!(
        said.contains("someone-elses (not created by trinetes)"),
        "{said}"
    );
    assert!(said.contains("Ready."), "{said}");
}

#[test]
fn an_eksctl_older_than_the_profile_needs_fails_with_the_minimum() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add_plain("eksctl", "echo 0.10.0");
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &[],
        &["doctor", "--backend", "live"],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("✘ eksctl") && said.contains("0.10.0 (needs"),
        "{said}"
    );
    assert!(said.contains("→ upgrade eksctl"), "{said}");
}

/// With the network down, the doctor cannot ask AWS who the learner is.
/// That is not a verdict on the credentials, and it does not block: the
/// step that needs AWS fails the same way, and the safety net can then
/// offer to go on on dry-run.
#[test]
fn an_unreachable_aws_is_a_warning_not_rejected_credentials() {
    require_tool("aws", "install the aws CLI (pip install awscli)");
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", "echo 0.230.0");
    stubs.add("helm", "echo v3.17.2+gcc0bbbd");
    // Nothing listens on port 9 of the loopback.
    let env = aws_env(state.path(), "http://127.0.0.1:9");
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &env,
        &["doctor", "--backend", "live", "--profile", "current"],
    );
    let said = text(&out);
    let row = said
        .lines()
        .find(|l| l.contains("caller identity"))
        .unwrap_or_default();
    assert!(
        row.contains("AWS could not be reached (an unreachable endpoint)"),
        "{said}"
    );
    assert!(!row.starts_with('✘'), "a warning, not a failure: {said}");
    assert!(!said.contains("were not accepted"), "{said}");
}

/// The context backend without any kubeconfig: the row names the file as
/// it is (not kube's quoted Debug form) and says to make a cluster, not to
/// pick one of contexts that do not exist.
#[test]
fn the_context_backend_without_a_kubeconfig_says_there_is_none() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &[],
        &["doctor", "--backend", "context"],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("✘ kube context"), "{said}");
    assert!(!said.contains("'\""), "no doubled quotes: {said}");
    assert!(
        said.contains("there is no kubeconfig: create a cluster"),
        "{said}"
    );
    assert!(!said.contains("pick a context"), "{said}");
}
