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
