//! The simulated EKS endpoint through the project's aws-sdk-eks client and
//! over raw HTTP: life cycle on a manual clock, events, and AWS-shaped errors.

use std::time::Duration;

use crate::support::eks::{REGION, start_sim};
use tokio::sync::broadcast;
use trinetes::aws::{EksClient, NewCluster, NewNodegroup};
use trinetes::sim::eks::{EksErrorKind, EksEvent};

const ROLE: &str = "arn:aws:iam::123456789012:role/eksctl-tcb-cluster-ServiceRole";

fn subnets() -> Vec<String> {
    vec!["subnet-0a".into(), "subnet-0b".into()]
}

fn cluster<'a>(name: &'a str, version: &'a str, subnet_ids: &'a [String]) -> NewCluster<'a> {
    NewCluster {
        name,
        version,
        role_arn: ROLE,
        subnet_ids,
    }
}

fn nodegroup<'a>(cluster: &'a str, name: &'a str, subnet_ids: &'a [String]) -> NewNodegroup<'a> {
    NewNodegroup {
        cluster,
        name,
        instance_type: "t2.large",
        min_size: 2,
        max_size: 2,
        desired_size: 2,
        node_role: ROLE,
        subnet_ids,
    }
}

async fn next_event(rx: &mut broadcast::Receiver<EksEvent>) -> EksEvent {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an event arrives within 10 s")
        .expect("the event channel is open")
}

#[tokio::test]
async fn cluster_and_nodegroup_go_through_their_life_cycle_on_the_clock() {
    let (server, clock) = start_sim().await;
    let mut events = server.state().subscribe();
    let client = EksClient::for_endpoint(&server.url(), REGION);
    let subnets = subnets();
    let durations = server.state().config().durations;

    let created = client
        .create_cluster(&cluster("tcb-cluster", "1.32", &subnets))
        .await
        .expect("create cluster");
    assert_eq!(created.status, "CREATING");
    assert_eq!(
        created.arn,
        "arn:aws:eks:us-east-1:123456789012:cluster/tcb-cluster"
    );
    assert_eq!(created.version, "1.32");
    assert!(
        created.endpoint.starts_with("https://"),
        "{}",
        created.endpoint
    );
    assert_eq!(client.list_clusters().await.unwrap(), ["tcb-cluster"]);

    // A nodegroup needs an ACTIVE cluster.
    let err = client
        .create_nodegroup(&nodegroup("tcb-cluster", "k8s-tcb-cluster", &subnets))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidRequestException"), "{err}");

    clock.advance(durations.cluster_create - Duration::from_secs(1));
    assert_eq!(
        client
            .cluster_status("tcb-cluster")
            .await
            .unwrap()
            .as_deref(),
        Some("CREATING")
    );
    clock.advance(Duration::from_secs(1));
    assert_eq!(
        next_event(&mut events).await,
        EksEvent::ClusterActive {
            cluster: "tcb-cluster".into(),
            version: "1.32".into()
        }
    );
    assert_eq!(
        client
            .cluster_status("tcb-cluster")
            .await
            .unwrap()
            .as_deref(),
        Some("ACTIVE")
    );

    let ng = client
        .create_nodegroup(&nodegroup("tcb-cluster", "k8s-tcb-cluster", &subnets))
        .await
        .expect("create nodegroup");
    assert_eq!(ng.status, "CREATING");
    assert_eq!(ng.instance_types, ["t2.large"]);
    assert_eq!((ng.min_size, ng.max_size, ng.desired_size), (2, 2, 2));
    assert!(
        ng.arn.starts_with(
            "arn:aws:eks:us-east-1:123456789012:nodegroup/tcb-cluster/k8s-tcb-cluster/"
        )
    );
    assert_eq!(
        client.list_nodegroups("tcb-cluster").await.unwrap(),
        ["k8s-tcb-cluster"]
    );

    clock.advance(durations.nodegroup_create);
    match next_event(&mut events).await {
        EksEvent::NodegroupActive {
            cluster,
            nodegroup,
            version,
            desired,
            instance_type,
            node_names,
        } => {
            assert_eq!(version, "1.32");
            assert_eq!(
                (cluster.as_str(), nodegroup.as_str()),
                ("tcb-cluster", "k8s-tcb-cluster")
            );
            assert_eq!(desired, 2);
            assert_eq!(instance_type, "t2.large");
            assert_eq!(
                node_names,
                trinetes::sim::eks::naming::node_names("tcb-cluster", "k8s-tcb-cluster", REGION, 2)
            );
        }
        other => panic!("expected NodegroupActive, got {other:?}"),
    }
    assert_eq!(
        client
            .nodegroup_status("tcb-cluster", "k8s-tcb-cluster")
            .await
            .unwrap()
            .as_deref(),
        Some("ACTIVE")
    );

    // Nodegroups keep the cluster from being deleted.
    let err = client.delete_cluster("tcb-cluster").await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceInUseException"), "{err}");

    let deleting = client
        .delete_nodegroup("tcb-cluster", "k8s-tcb-cluster")
        .await
        .unwrap();
    assert_eq!(deleting.status, "DELETING");
    clock.advance(durations.nodegroup_delete);
    assert_eq!(
        next_event(&mut events).await,
        EksEvent::NodegroupDeleted {
            cluster: "tcb-cluster".into(),
            nodegroup: "k8s-tcb-cluster".into()
        }
    );
    assert_eq!(
        client
            .nodegroup_status("tcb-cluster", "k8s-tcb-cluster")
            .await
            .unwrap(),
        None
    );
    assert!(
        client
            .list_nodegroups("tcb-cluster")
            .await
            .unwrap()
            .is_empty()
    );

    let deleting = client.delete_cluster("tcb-cluster").await.unwrap();
    assert_eq!(deleting.status, "DELETING");
    assert_eq!(
        client
            .cluster_status("tcb-cluster")
            .await
            .unwrap()
            .as_deref(),
        Some("DELETING")
    );
    clock.advance(durations.cluster_delete);
    assert_eq!(
        next_event(&mut events).await,
        EksEvent::ClusterDeleted {
            cluster: "tcb-cluster".into()
        }
    );
    assert_eq!(client.cluster_status("tcb-cluster").await.unwrap(), None);
    assert!(client.list_clusters().await.unwrap().is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn reads_settle_due_transitions_even_before_timers_fire() {
    let (server, clock) = start_sim().await;
    let client = EksClient::for_endpoint(&server.url(), REGION);
    let subnets = subnets();
    client
        .create_cluster(&cluster("c", "1.31", &subnets))
        .await
        .unwrap();
    // One big jump: the read right after sees the settled state.
    clock.advance(Duration::from_secs(24 * 3600));
    assert_eq!(
        client.cluster_status("c").await.unwrap().as_deref(),
        Some("ACTIVE")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn errors_carry_aws_kinds() {
    let (server, _clock) = start_sim().await;
    let client = EksClient::for_endpoint(&server.url(), REGION);
    let subnets = subnets();

    let err = client
        .create_cluster(&cluster("old", "1.21", &subnets))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"), "{err}");
    assert!(
        err.to_string()
            .contains("unsupported Kubernetes version 1.21"),
        "{err}"
    );

    client
        .create_cluster(&cluster("dup", "1.32", &subnets))
        .await
        .unwrap();
    let err = client
        .create_cluster(&cluster("dup", "1.32", &subnets))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceInUseException"), "{err}");

    assert_eq!(client.describe_cluster("missing").await.unwrap(), None);
    assert_eq!(
        client.describe_nodegroup("missing", "ng").await.unwrap(),
        None
    );
    assert_eq!(client.describe_nodegroup("dup", "ng").await.unwrap(), None);
    let err = client.delete_cluster("missing").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = client.list_nodegroups("missing").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    server.shutdown().await;
}

#[tokio::test]
async fn errors_on_the_wire_are_rest_json() {
    let (server, _clock) = start_sim().await;
    let http = reqwest::Client::new();

    let response = http
        .get(format!("{}/clusters/nope", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["x-amzn-ErrorType"],
        "ResourceNotFoundException"
    );
    assert!(response.headers().contains_key("x-amzn-RequestId"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["message"], "No cluster found for name: nope.");

    let response = http
        .post(format!("{}/clusters", server.url()))
        .body(r#"{"name":"x","roleArn":"r","resourcesVpcConfig":{},"version":"1.99"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["x-amzn-ErrorType"],
        "InvalidParameterException"
    );

    let response = http
        .post(format!("{}/clusters", server.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["x-amzn-ErrorType"],
        "SerializationException"
    );

    for (method, path) in [
        (reqwest::Method::GET, "/addons"),
        (reqwest::Method::PUT, "/clusters"),
        (reqwest::Method::POST, "/clusters/x/update-config"),
    ] {
        let response = http
            .request(method.clone(), format!("{}{path}", server.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
        assert_eq!(
            response.headers()["x-amzn-ErrorType"],
            EksErrorKind::UnknownOperation.code(),
            "{method} {path}"
        );
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains(path));
    }
    server.shutdown().await;
}

#[tokio::test]
async fn list_clusters_pages_with_next_token() {
    let (server, _clock) = start_sim().await;
    let subnets = subnets();
    let client = EksClient::for_endpoint(&server.url(), REGION);
    for name in ["a", "b", "c"] {
        client
            .create_cluster(&cluster(name, "1.32", &subnets))
            .await
            .unwrap();
    }
    let http = reqwest::Client::new();
    let page: serde_json::Value = http
        .get(format!("{}/clusters?maxResults=2", server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["clusters"], serde_json::json!(["a", "b"]));
    let token = page["nextToken"].as_str().expect("a next page").to_string();
    let page: serde_json::Value = http
        .get(format!(
            "{}/clusters?maxResults=2&nextToken={token}",
            server.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["clusters"], serde_json::json!(["c"]));
    assert!(page["nextToken"].is_null());
    // The SDK's own paging sees all of them.
    assert_eq!(client.list_clusters().await.unwrap(), ["a", "b", "c"]);
    server.shutdown().await;
}

#[tokio::test]
async fn in_process_calls_and_summaries_share_the_state() {
    let (server, clock) = start_sim().await;
    let state = server.state().clone();
    state
        .create_cluster(trinetes::sim::eks::CreateClusterRequest {
            name: Some("tcb-cluster".into()),
            version: Some("1.32".into()),
            role_arn: Some(ROLE.into()),
            resources_vpc_config: Some(serde_json::json!({"subnetIds": ["subnet-0a"]})),
            ..Default::default()
        })
        .unwrap();
    clock.advance(state.config().durations.cluster_create);
    let summaries = state.summaries();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0].name, "tcb-cluster");
    assert_eq!(summaries[0].status, "ACTIVE");
    assert_eq!(summaries[0].region, REGION);
    // The HTTP side sees the in-process create.
    let client = EksClient::for_endpoint(&server.url(), REGION);
    assert_eq!(
        client
            .cluster_status("tcb-cluster")
            .await
            .unwrap()
            .as_deref(),
        Some("ACTIVE")
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_stopped_endpoint_is_unreachable() {
    let (server, _clock) = start_sim().await;
    let url = server.url();
    server.shutdown().await;
    let client = EksClient::for_endpoint(&url, REGION);
    let err = client.list_clusters().await.unwrap_err();
    assert!(
        matches!(err, trinetes::aws::AwsError::Unreachable { .. }),
        "{err:?}"
    );
}
