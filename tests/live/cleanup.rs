//! `trinetes cleanup` against moto_server standing in for EKS, with stub
//! eksctl and helm on PATH: teardown order, verification through
//! aws-sdk-eks, a cluster that survives eksctl, and running it again.

use trinetes::aws::{EksClient, NewCluster, NewNodegroup};
use trinetes::ledger::{Ledger, Resource};

use super::stubs::{Stubs, aws_env, trinetes};
use crate::support::bin::text;
use crate::support::eks::MotoServer;

const ROLE: &str = "arn:aws:iam::123456789012:role/eks-service-role";

/// A cluster with a nodegroup in moto, as eksctl would leave it.
pub async fn make_cluster(client: &EksClient, name: &str) {
    let subnets = vec!["subnet-0a".to_string(), "subnet-0b".to_string()];
    client
        .create_cluster(&NewCluster {
            name,
            version: "1.32",
            role_arn: ROLE,
            subnet_ids: &subnets,
        })
        .await
        .expect("create the cluster in moto");
    client
        .create_nodegroup(&NewNodegroup {
            cluster: name,
            name: "ng-1",
            instance_type: "t3.large",
            min_size: 2,
            max_size: 2,
            desired_size: 2,
            node_role: ROLE,
            subnet_ids: &subnets,
        })
        .await
        .expect("create the nodegroup in moto");
}

/// eksctl that really deletes, through the aws CLI against moto: the
/// nodegroup first, then the cluster, as `eksctl delete cluster` does.
pub const DELETING_EKSCTL: &str = r#"
case "$1 $2" in
  "delete cluster")
    name=""; region=""
    while [ $# -gt 0 ]; do
      case "$1" in --name) name="$2"; shift;; --region) region="$2"; shift;; esac; shift
    done
    aws eks delete-nodegroup --endpoint-url "$AWS_ENDPOINT_URL" --region "$region" --cluster-name "$name" --nodegroup-name ng-1 >/dev/null 2>&1 || true
    aws eks delete-cluster --endpoint-url "$AWS_ENDPOINT_URL" --region "$region" --name "$name" >/dev/null || exit 1
    echo "[✔]  all cluster resources were deleted"
    ;;
  *) echo "unexpected eksctl call: $*" >&2; exit 2 ;;
esac
"#;

/// helm whose releases are files in a folder: uninstall removes the file,
/// status answers "not found" once it is gone.
pub fn file_helm(releases: &std::path::Path) -> String {
    format!(
        r#"
case "$1" in
  status) if [ -f "{dir}/$2" ]; then echo "NAME: $2"; echo "STATUS: deployed"; else echo "Error: release: not found"; exit 1; fi ;;
  uninstall) rm -f "{dir}/$2"; echo "release \"$2\" uninstalled" ;;
  *) echo "unexpected helm call: $*" >&2; exit 2 ;;
esac
"#,
        dir = releases.display()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn cleanup_removes_releases_then_the_cluster_and_verifies_with_eks() {
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let client = EksClient::for_endpoint(&moto.url(), "us-east-1");
    make_cluster(&client, "tcb-cluster").await;

    let stubs = Stubs::new(state.path());
    let releases = state.path().join("releases");
    std::fs::create_dir_all(&releases).unwrap();
    std::fs::write(releases.join("tcb"), "").unwrap();
    stubs.add("eksctl", DELETING_EKSCTL);
    stubs.add("helm", &file_helm(&releases));

    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let cluster = Resource::EksCluster {
        name: "tcb-cluster".into(),
        region: "us-east-1".into(),
    };
    let release = Resource::HelmRelease {
        name: "tcb".into(),
        namespace: "default".into(),
        context: None,
    };
    // Written in creation order; cleanup must reverse the dependency.
    ledger.record(cluster.clone(), "live").unwrap();
    ledger.record(release.clone(), "live").unwrap();

    let env = aws_env(state.path(), &moto.url());
    let st = state.path().to_path_buf();
    let path = stubs.path();
    let out = tokio::task::spawn_blocking(move || {
        trinetes(&st, &path, &env, &["cleanup", "--yes", "--wait", "5s"])
    })
    .await
    .unwrap();
    let said = text(&out);
    assert!(out.status.success(), "cleanup failed:\n{said}");
    assert!(
        said.contains("✔ Helm release tcb (namespace default) removed"),
        "{said}"
    );
    assert!(
        said.contains("✔ EKS cluster tcb-cluster (us-east-1) removed"),
        "{said}"
    );
    assert!(
        said.contains("Everything trinetes created is gone."),
        "{said}"
    );

    // The release went before the cluster.
    let calls = stubs.calls();
    let uninstall = calls
        .iter()
        .position(|c| c.starts_with("helm uninstall tcb"))
        .expect("helm uninstall ran");
    let delete = calls
        .iter()
        .position(|c| c == "eksctl delete cluster --name tcb-cluster --region us-east-1 --wait")
        .unwrap_or_else(|| panic!("eksctl delete cluster ran with name and region: {calls:?}"));
    assert!(uninstall < delete, "{calls:?}");

    // EKS itself says the cluster is gone, and the ledger agrees.
    assert_eq!(client.describe_cluster("tcb-cluster").await.unwrap(), None);
    assert!(ledger.open().unwrap().is_empty());
    assert!(
        ledger
            .entries()
            .unwrap()
            .iter()
            .all(|e| e.removed_at.is_some())
    );

    // Again: nothing left, nothing run.
    let before = stubs.calls().len();
    let env = aws_env(state.path(), &moto.url());
    let st = state.path().to_path_buf();
    let path = stubs.path();
    let again =
        tokio::task::spawn_blocking(move || trinetes(&st, &path, &env, &["cleanup", "--yes"]))
            .await
            .unwrap();
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("Nothing to clean up"),
        "{}",
        text(&again)
    );
    assert_eq!(stubs.calls().len(), before, "a second cleanup ran tools");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_that_survives_eksctl_stays_in_the_ledger_and_fails_the_cleanup() {
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let client = EksClient::for_endpoint(&moto.url(), "us-east-1");
    make_cluster(&client, "tcb-cluster").await;
    let stubs = Stubs::new(state.path());
    // eksctl says it deleted everything, but deletes nothing.
    stubs.add("eksctl", "echo '[✔]  all cluster resources were deleted'");
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let cluster = Resource::EksCluster {
        name: "tcb-cluster".into(),
        region: "us-east-1".into(),
    };
    ledger.record(cluster.clone(), "live").unwrap();

    let env = aws_env(state.path(), &moto.url());
    let st = state.path().to_path_buf();
    let path = stubs.path();
    let out = tokio::task::spawn_blocking(move || {
        trinetes(&st, &path, &env, &["cleanup", "--yes", "--wait", "2s"])
    })
    .await
    .unwrap();
    let said = text(&out);
    assert!(
        !out.status.success(),
        "a surviving cluster must fail the cleanup:\n{said}"
    );
    assert!(
        said.contains(
            "eksctl delete cluster finished, but EKS still reports tcb-cluster as ACTIVE"
        ),
        "{said}"
    );
    assert!(said.contains("1 resource is still there"), "{said}");
    let open: Vec<Resource> = ledger
        .open()
        .unwrap()
        .into_iter()
        .map(|e| e.resource)
        .collect();
    assert_eq!(open, vec![cluster]);
}

#[test]
fn a_cluster_already_gone_is_confirmed_without_running_eksctl() {
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", "echo 'must not run' >&2; exit 3");
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    ledger
        .record(
            Resource::EksCluster {
                name: "never-made".into(),
                region: "us-east-1".into(),
            },
            "live",
        )
        .unwrap();
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), &moto.url()),
        &["cleanup", "--yes"],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("never-made (us-east-1) was already gone"),
        "{said}"
    );
    assert!(stubs.calls().is_empty(), "{:?}", stubs.calls());
    assert!(ledger.open().unwrap().is_empty());
}

#[test]
fn cleanup_without_a_terminal_asks_for_yes() {
    let state = tempfile::tempdir().unwrap();
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    ledger
        .record(
            Resource::EksCluster {
                name: "tcb-cluster".into(),
                region: "us-east-1".into(),
            },
            "live",
        )
        .unwrap();
    let out = trinetes(
        state.path(),
        &std::env::var("PATH").unwrap(),
        &[],
        &["cleanup"],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("EKS cluster tcb-cluster (us-east-1)"),
        "{said}"
    );
    assert!(said.contains("(billed while it exists)"), "{said}");
    assert!(said.contains("pass --yes"), "{said}");
    assert_eq!(ledger.open().unwrap().len(), 1);
}

#[test]
fn a_learners_namespace_is_deleted_and_checked_gone() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let namespaces = state.path().join("namespaces");
    std::fs::create_dir_all(&namespaces).unwrap();
    std::fs::write(namespaces.join("learner-7"), "").unwrap();
    // kubectl whose namespaces are files: get answers NotFound once deleted.
    stubs.add(
        "kubectl",
        &format!(
            r#"
case "$1 $2" in
  "get namespace") if [ -f "{dir}/$3" ]; then echo "$3   Active   5m"; else echo "Error from server (NotFound): namespaces \"$3\" not found"; exit 1; fi ;;
  "delete namespace") rm -f "{dir}/$3"; echo "namespace \"$3\" deleted" ;;
  *) echo "unexpected kubectl call: $*" >&2; exit 2 ;;
esac
"#,
            dir = namespaces.display()
        ),
    );
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    ledger
        .record(
            Resource::Namespace {
                name: "learner-7".into(),
                context: Some("class".into()),
            },
            "context class",
        )
        .unwrap();
    let out = trinetes(state.path(), &stubs.path(), &[], &["cleanup", "--yes"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("✔ namespace learner-7 removed"), "{said}");
    assert!(!namespaces.join("learner-7").exists());
    assert!(
        stubs
            .calls()
            .iter()
            .any(|c| c.starts_with("kubectl delete namespace learner-7")
                && c.contains("--context class")),
        "{:?}",
        stubs.calls()
    );
    assert!(ledger.open().unwrap().is_empty());
}

/// With AWS out of reach, cleanup cannot know whether the cluster exists:
/// it deletes nothing, says so in words (no Rust debug dump), exits
/// non-zero and keeps the cluster in the ledger for the next run.
#[test]
fn with_aws_out_of_reach_cleanup_says_it_could_not_check_and_keeps_the_entry() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let calls = state.path().join("eksctl-calls");
    stubs.add(
        "eksctl",
        &format!("echo \"$*\" >> {}; exit 0", calls.display()),
    );
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let cluster = Resource::EksCluster {
        name: "tcb-cluster".into(),
        region: "us-east-1".into(),
    };
    ledger.record(cluster.clone(), "live").unwrap();
    // Nothing listens on port 9 of the loopback.
    let env = aws_env(state.path(), "http://127.0.0.1:9");
    let out = trinetes(state.path(), &stubs.path(), &env, &["cleanup", "--yes"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("EKS could not be asked whether it exists, so nothing was deleted"),
        "{said}"
    );
    assert!(
        said.contains("Connection refused"),
        "the cause, in words: {said}"
    );
    assert!(!said.contains("DispatchFailure("), "no debug dump: {said}");
    assert!(!calls.exists(), "eksctl was not run");
    let open = ledger.open().unwrap();
    assert!(open.iter().any(|e| e.resource == cluster), "{open:?}");
}

/// Without credentials, cleanup says that in words: what is missing and how
/// to provide it, not the SDK's provider chain as a Rust debug value.
#[test]
fn without_credentials_cleanup_names_what_is_missing() {
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    let calls = state.path().join("eksctl-calls");
    stubs.add(
        "eksctl",
        &format!("echo \"$*\" >> {}; exit 0", calls.display()),
    );
    let ledger = Ledger::in_dir(&state.path().join("trinetes"));
    let cluster = Resource::EksCluster {
        name: "tcb-cluster".into(),
        region: "us-east-1".into(),
    };
    ledger.record(cluster.clone(), "live").unwrap();
    let env: Vec<(String, String)> = aws_env(state.path(), "http://127.0.0.1:9")
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS_KEY") && !k.starts_with("AWS_SECRET"))
        .collect();
    let out = trinetes(state.path(), &stubs.path(), &env, &["cleanup", "--yes"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("no AWS credentials found"), "{said}");
    assert!(said.contains("aws configure"), "how to fix it: {said}");
    for debug in ["CredentialsNotLoaded(", "ProviderChainError", "{ source"] {
        assert!(!said.contains(debug), "no debug dump ({debug}): {said}");
    }
    assert!(!calls.exists(), "eksctl was not run");
    assert!(ledger.open().unwrap().iter().any(|e| e.resource == cluster));
}
