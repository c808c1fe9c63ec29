//! The same EKS calls, through the project's client, against moto_server
//! (a third-party AWS emulator) and against the simulator: the fields the
//! project reads must agree.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::support::eks::{MotoServer, REGION, start_sim};
use regex::Regex;
use trinetes::aws::{ClusterInfo, EksClient, NewCluster, NewNodegroup, NodegroupInfo};

const ROLE: &str = "arn:aws:iam::123456789012:role/eks-service-role";

/// Lets transitions finish: a no-op for moto (it answers ACTIVE at once),
/// a big clock jump for the simulator.
type Settle<'a> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + 'a>> + 'a>;

/// What the project reads, after each call of the scenario.
#[derive(Debug)]
struct Observed {
    created: ClusterInfo,
    active: ClusterInfo,
    listed: Vec<String>,
    duplicate_cluster_error: Option<String>,
    nodegroup_created: NodegroupInfo,
    nodegroup_active: NodegroupInfo,
    nodegroups_listed: Vec<String>,
    duplicate_nodegroup_error: Option<String>,
    delete_busy_cluster_error: Option<String>,
    nodegroup_after_delete: Option<NodegroupInfo>,
    cluster_after_delete: Option<ClusterInfo>,
    listed_after_delete: Vec<String>,
    missing_cluster: Option<ClusterInfo>,
    missing_nodegroup: Option<NodegroupInfo>,
    delete_missing_error: Option<String>,
}

async fn scenario(client: &EksClient, settle: Settle<'_>) -> Observed {
    let subnets = vec!["subnet-0a".to_string(), "subnet-0b".to_string()];
    let new_cluster = NewCluster {
        name: "tcb-cluster",
        version: "1.32",
        role_arn: ROLE,
        subnet_ids: &subnets,
    };
    let created = client
        .create_cluster(&new_cluster)
        .await
        .expect("create cluster");
    let duplicate_cluster_error = client
        .create_cluster(&new_cluster)
        .await
        .err()
        .and_then(|e| e.code().map(String::from));
    settle().await;
    let active = client
        .describe_cluster("tcb-cluster")
        .await
        .expect("describe cluster")
        .expect("the cluster exists");
    let listed = client.list_clusters().await.expect("list clusters");

    let new_nodegroup = NewNodegroup {
        cluster: "tcb-cluster",
        name: "k8s-tcb-cluster",
        instance_type: "t2.large",
        min_size: 2,
        max_size: 2,
        desired_size: 2,
        node_role: ROLE,
        subnet_ids: &subnets,
    };
    let nodegroup_created = client
        .create_nodegroup(&new_nodegroup)
        .await
        .expect("create nodegroup");
    let duplicate_nodegroup_error = client
        .create_nodegroup(&new_nodegroup)
        .await
        .err()
        .and_then(|e| e.code().map(String::from));
    settle().await;
    let nodegroup_active = client
        .describe_nodegroup("tcb-cluster", "k8s-tcb-cluster")
        .await
        .expect("describe nodegroup")
        .expect("the nodegroup exists");
    let nodegroups_listed = client
        .list_nodegroups("tcb-cluster")
        .await
        .expect("list nodegroups");

    let delete_busy_cluster_error = client
        .delete_cluster("tcb-cluster")
        .await
        .err()
        .and_then(|e| e.code().map(String::from));
    client
        .delete_nodegroup("tcb-cluster", "k8s-tcb-cluster")
        .await
        .expect("delete nodegroup");
    settle().await;
    let nodegroup_after_delete = client
        .describe_nodegroup("tcb-cluster", "k8s-tcb-cluster")
        .await
        .expect("describe deleted nodegroup");
    client
        .delete_cluster("tcb-cluster")
        .await
        .expect("delete cluster");
    settle().await;
    let cluster_after_delete = client
        .describe_cluster("tcb-cluster")
        .await
        .expect("describe deleted cluster");
    let listed_after_delete = client.list_clusters().await.expect("list clusters");

    Observed {
        created,
        active,
        listed,
        duplicate_cluster_error,
        nodegroup_created,
        nodegroup_active,
        nodegroups_listed,
        duplicate_nodegroup_error,
        delete_busy_cluster_error,
        nodegroup_after_delete,
        cluster_after_delete,
        listed_after_delete,
        missing_cluster: client
            .describe_cluster("missing")
            .await
            .expect("describe missing"),
        missing_nodegroup: client
            .describe_nodegroup("missing", "ng")
            .await
            .expect("describe missing nodegroup"),
        delete_missing_error: client
            .delete_cluster("missing")
            .await
            .err()
            .and_then(|e| e.code().map(String::from)),
    }
}

fn assert_shapes(o: &Observed, who: &str) {
    let cluster_arn = Regex::new(r"^arn:aws:eks:us-east-1:\d{12}:cluster/tcb-cluster$").unwrap();
    let nodegroup_arn = Regex::new(
        r"^arn:aws:eks:us-east-1:\d{12}:nodegroup/tcb-cluster/k8s-tcb-cluster/[0-9a-f-]{36}$",
    )
    .unwrap();
    assert!(
        cluster_arn.is_match(&o.created.arn),
        "{who}: {}",
        o.created.arn
    );
    assert!(
        nodegroup_arn.is_match(&o.nodegroup_created.arn),
        "{who}: {}",
        o.nodegroup_created.arn
    );
    assert!(
        o.active.endpoint.starts_with("https://"),
        "{who}: {}",
        o.active.endpoint
    );
}

/// The part of an observation both services must agree on.
fn comparable(o: &Observed) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        (
            o.created.name.clone(),
            o.created.version.clone(),
            o.created.arn.clone(),
            o.active.status.clone(),
            o.listed.clone(),
            o.duplicate_cluster_error.clone(),
        ),
        (
            o.nodegroup_created.name.clone(),
            o.nodegroup_created.cluster.clone(),
            o.nodegroup_created.instance_types.clone(),
            (
                o.nodegroup_created.min_size,
                o.nodegroup_created.max_size,
                o.nodegroup_created.desired_size,
            ),
            o.nodegroup_active.status.clone(),
            o.nodegroups_listed.clone(),
            o.duplicate_nodegroup_error.clone(),
        ),
        (
            o.delete_busy_cluster_error.clone(),
            o.nodegroup_after_delete.is_none(),
            o.cluster_after_delete.is_none(),
            o.listed_after_delete.clone(),
            o.missing_cluster.is_none(),
            o.missing_nodegroup.is_none(),
            o.delete_missing_error.clone(),
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_answers_like_moto() {
    let moto = tokio::task::spawn_blocking(MotoServer::start)
        .await
        .expect("moto start task");
    let moto_client = EksClient::for_endpoint(&moto.url(), REGION);
    let from_moto = scenario(&moto_client, Box::new(|| Box::pin(async {}))).await;

    let (server, clock) = start_sim().await;
    let sim_client = EksClient::for_endpoint(&server.url(), REGION);
    let settle_clock = clock.clone();
    let from_sim = scenario(
        &sim_client,
        Box::new(move || {
            let clock = settle_clock.clone();
            Box::pin(async move { clock.advance(Duration::from_secs(3600)) })
        }),
    )
    .await;

    assert_shapes(&from_moto, "moto");
    assert_shapes(&from_sim, "simulator");
    assert_eq!(comparable(&from_sim), comparable(&from_moto));

    // And the values are the ones the scenario asked for.
    assert_eq!(from_sim.active.status, "ACTIVE");
    assert_eq!(from_sim.nodegroup_active.status, "ACTIVE");
    assert_eq!(
        from_sim.delete_busy_cluster_error.as_deref(),
        Some("ResourceInUseException")
    );
    assert_eq!(
        from_sim.delete_missing_error.as_deref(),
        Some("ResourceNotFoundException")
    );
    assert!(from_sim.cluster_after_delete.is_none());
    // Unlike moto, the simulator takes time: CREATING before settling.
    assert_eq!(from_sim.created.status, "CREATING");
    server.shutdown().await;
}
