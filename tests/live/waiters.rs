//! aws-sdk-eks's waiters (ClusterActive, ClusterDeleted) with short maximum
//! waits, against moto_server and against the simulated EKS endpoint on a
//! manual clock (a cluster that stays CREATING until the clock moves).

use std::time::Duration;

use trinetes::aws::{EksClient, NewCluster, Waited};

use super::cleanup::make_cluster;
use crate::support::eks::{MotoServer, REGION, start_sim};

const SHORT: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread")]
async fn against_moto_active_is_reached_and_deleted_only_once_it_is_gone() {
    let moto = MotoServer::start();
    let client = EksClient::for_endpoint(&moto.url(), REGION);
    make_cluster(&client, "tcb-cluster").await;

    assert_eq!(
        client
            .wait_cluster_active("tcb-cluster", SHORT)
            .await
            .unwrap(),
        Waited::Reached
    );
    // ACTIVE while waiting for deletion: nothing is deleting it, and the
    // waiter says so at once rather than waiting out its time (what
    // cleanup meets when eksctl "succeeded" and the cluster is still there).
    assert_eq!(
        client
            .wait_cluster_deleted("tcb-cluster", SHORT)
            .await
            .unwrap(),
        Waited::CannotReach {
            status: Some("ACTIVE".into())
        }
    );

    client
        .sdk()
        .delete_nodegroup()
        .cluster_name("tcb-cluster")
        .nodegroup_name("ng-1")
        .send()
        .await
        .expect("moto deletes the nodegroup");
    client
        .delete_cluster("tcb-cluster")
        .await
        .expect("moto deletes the cluster");
    assert_eq!(
        client
            .wait_cluster_deleted("tcb-cluster", SHORT)
            .await
            .unwrap(),
        Waited::Reached
    );
    // A cluster that never existed is "deleted" too; waiting for it to be
    // active is an error that names it.
    assert_eq!(
        client
            .wait_cluster_deleted("never-made", SHORT)
            .await
            .unwrap(),
        Waited::Reached
    );
    let err = client
        .wait_cluster_active("never-made", SHORT)
        .await
        .expect_err("no such cluster");
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_still_creating_runs_out_the_short_wait_then_is_reached() {
    let (server, clock) = start_sim().await;
    let client = EksClient::for_endpoint(&server.url(), REGION);
    let subnets = vec!["subnet-0a".to_string(), "subnet-0b".to_string()];
    client
        .create_cluster(&NewCluster {
            name: "tcb-cluster",
            version: "1.32",
            role_arn: "arn:aws:iam::123456789012:role/eks-service-role",
            subnet_ids: &subnets,
        })
        .await
        .expect("create cluster");

    assert_eq!(
        client
            .wait_cluster_active("tcb-cluster", SHORT)
            .await
            .unwrap(),
        Waited::OutOfTime {
            status: Some("CREATING".into())
        }
    );
    // CREATING while waiting for deletion cannot lead there.
    assert_eq!(
        client
            .wait_cluster_deleted("tcb-cluster", SHORT)
            .await
            .unwrap(),
        Waited::CannotReach {
            status: Some("CREATING".into())
        }
    );
    clock.advance(server.state().config().durations.cluster_create);
    assert_eq!(
        client
            .wait_cluster_active("tcb-cluster", SHORT)
            .await
            .unwrap(),
        Waited::Reached
    );
}

const CHECKED_LESSON: &str = r#"---
id: make-cluster
title: Make a cluster
summary: One billable step with an EKS status check.
minutes: 1
backends: [live]
order: 1
---

# Make a cluster

```sh step id=create
eksctl create cluster --name tcb-test --region us-east-1 --nodes 2 --node-type t2.large
```

```toml step-config
title = "Create the EKS cluster"
timeout = "2m"
billable = true

[[check]]
kind = "eks-cluster"
name = "tcb-test"
region = "us-east-1"
status = "ACTIVE"
timeout = "1m"
hint = "eksctl's output says why the cluster is not there."
"#;

/// `trinetes run` of CHECKED_LESSON on the live backend against moto, with
/// this stub eksctl.
fn run_checked(eksctl: &str) -> (std::process::Output, tempfile::TempDir, MotoServer) {
    use super::stubs::{Stubs, aws_env, trinetes};
    let moto = MotoServer::start();
    let state = tempfile::tempdir().unwrap();
    let stubs = Stubs::new(state.path());
    stubs.add("eksctl", eksctl);
    let dir = state.path().join("lessons");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("make-cluster.md"), CHECKED_LESSON).unwrap();
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &aws_env(state.path(), &moto.url()),
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &dir.to_string_lossy(),
            "--lesson",
            "make-cluster",
            "--confirm-billable",
            "tcb-test",
        ],
    );
    (out, state, moto)
}

#[test]
fn the_live_status_check_waits_with_the_waiter_and_a_missing_cluster_fails_at_once() {
    use crate::support::bin::text;
    // eksctl that creates the cluster (moto makes it ACTIVE at once).
    let (out, _state, _moto) = run_checked(
        "aws eks create-cluster --endpoint-url \"$AWS_ENDPOINT_URL\" --region us-east-1 --name tcb-test \
           --role-arn arn:aws:iam::123456789012:role/eks --resources-vpc-config subnetIds=subnet-0a >/dev/null\n\
         echo 'EKS cluster \"tcb-test\" in \"us-east-1\" region is ready'",
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("EKS cluster tcb-test is ACTIVE"), "{said}");

    // eksctl that says it worked and made nothing: the check does not wait
    // out its minute for a cluster that is not there.
    let (out, _state, _moto) = run_checked("echo 'all EKS cluster resources have been created'");
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("EKS cluster tcb-test does not exist"),
        "{said}"
    );
    assert!(!said.contains("ran past its timeout"), "{said}");
    assert!(!said.contains("timed out after"), "{said}");
}
