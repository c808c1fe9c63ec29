//! kube-rs against the simulated cluster with its controllers: a
//! Deployment created through the API becomes available, as
//! `await_condition` sees it, and deleting it garbage-collects its pods.

use std::time::Duration;

use crate::support::cluster::Cluster;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{DeleteParams, ListParams, PostParams};
use kube::runtime::wait::{await_condition, conditions};
use kube::{Api, Client};

fn deployment() -> Deployment {
    serde_json::from_value(serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "hello"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "hello"}},
            "template": {
                "metadata": {"labels": {"app": "hello"}},
                "spec": {"containers": [{"name": "hello", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}
            }
        }
    }))
    .expect("a valid Deployment")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn await_condition_sees_a_deployment_complete_and_pods_go_with_it() {
    let sim = Cluster::start().await;
    let config = kube::Config::new(sim.cluster.url().parse().expect("server url"));
    let client = Client::try_from(config).expect("client");
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client, "default");

    deployments
        .create(&PostParams::default(), &deployment())
        .await
        .expect("create");
    let done = tokio::time::timeout(
        Duration::from_secs(60),
        await_condition(
            deployments.clone(),
            "hello",
            conditions::is_deployment_completed(),
        ),
    )
    .await
    .expect("the Deployment completes within 60 s")
    .expect("the watch works")
    .expect("the Deployment exists");
    let status = done.status.expect("a status");
    assert_eq!(
        (status.ready_replicas, status.available_replicas),
        (Some(2), Some(2))
    );

    let listed = pods
        .list(&ListParams::default().labels("app=hello"))
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 2);
    for pod in &listed.items {
        assert_eq!(
            pod.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Running")
        );
    }

    deployments
        .delete("hello", &DeleteParams::default())
        .await
        .expect("delete");
    let mut remaining = usize::MAX;
    for _ in 0..300 {
        remaining = pods
            .list(&ListParams::default().labels("app=hello"))
            .await
            .expect("list")
            .items
            .len();
        if remaining == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        remaining, 0,
        "the Deployment's pods were not garbage-collected"
    );
    sim.stop().await;
}

/// The kubelet binds container ports with the image's runtime: through
/// kube-rs port-forward, the default runtime answers HTTP with the pod name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_reaches_the_default_runtime_web_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = Cluster::start().await;
    let config = kube::Config::new(sim.cluster.url().parse().expect("server url"));
    let client = Client::try_from(config).expect("client");
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client, "default");
    deployments
        .create(&PostParams::default(), &deployment())
        .await
        .expect("create");
    tokio::time::timeout(
        Duration::from_secs(60),
        await_condition(
            deployments.clone(),
            "hello",
            conditions::is_deployment_completed(),
        ),
    )
    .await
    .expect("the Deployment completes within 60 s")
    .expect("the watch works");
    let listed = pods
        .list(&ListParams::default().labels("app=hello"))
        .await
        .expect("list");
    let name = listed.items[0].metadata.name.clone().expect("a name");

    let mut forwarder = pods.portforward(&name, &[80]).await.expect("port-forward");
    let mut stream = forwarder.take_stream(80).expect("a stream for port 80");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("send");
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut reply))
        .await
        .expect("the reply ends within 10 s")
        .expect("read");
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
    assert!(reply.contains(&format!("hello from {name}")), "{reply}");
    drop(stream);
    forwarder.abort();
    sim.stop().await;
}
