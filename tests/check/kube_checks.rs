//! Kubernetes checks against the simulator's API server, with objects written
//! straight into its store so each test controls exactly what the watch sees.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use trinetes::backend::portforward;
use trinetes::check::{self, CheckContext, CheckError, CheckOutcome};
use trinetes::lesson::checks;
use trinetes::lesson::{Check, CheckKind, Span};
use trinetes::sim::clock::Clock;
use trinetes::sim::network::RouterPortHandler;
use trinetes::sim::server::ApiServer;
use trinetes::sim::store::Store;

struct Sim {
    store: Store,
    server: ApiServer,
    ctx: CheckContext,
}

async fn sim() -> Sim {
    let store = Store::new(Clock::real(1.0));
    let server = ApiServer::start(store.clone(), None)
        .await
        .expect("server starts");
    let client = check::client_for_url(&server.url()).expect("client");
    Sim {
        store,
        server,
        ctx: CheckContext {
            kube: Some(client),
            ..CheckContext::default()
        },
    }
}

fn node(name: &str, ready: bool) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name},
        "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}
    })
}

fn pod(name: &str, labels: Value, phase: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}]}]},
        "status": {"phase": phase}
    })
}

fn check(kind: CheckKind, timeout: Duration) -> Check {
    Check {
        kind,
        timeout,
        hint: "look at kubectl get nodes".to_string(),
        span: Span::default(),
    }
}

#[tokio::test]
async fn nodes_ready_resolves_as_soon_as_the_second_node_turns_ready() {
    let sim = sim().await;
    sim.store
        .create("Node", node("ip-192-168-2-123.ec2.internal", true))
        .expect("node");
    let store = sim.store.clone();
    let writer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        store
            .create("Node", node("ip-192-168-55-167.ec2.internal", true))
            .expect("node");
    });
    let c = check(
        CheckKind::NodesReady(checks::NodesReady { count: 2 }),
        Duration::from_secs(20),
    );
    let outcome = check::run(&sim.ctx, &c).await;
    writer.await.expect("writer");
    match outcome {
        CheckOutcome::Passed { seen, elapsed } => {
            assert_eq!(seen, "2 of 2 node(s) Ready (want 2)");
            assert!(
                elapsed < Duration::from_secs(20),
                "resolved by the watch, not the timeout"
            );
        }
        other => panic!("expected a pass, got {other:?}"),
    }
    sim.server.shutdown().await;
}

#[tokio::test]
async fn a_timed_out_check_reports_the_last_state_and_the_hint() {
    let sim = sim().await;
    sim.store
        .create("Node", node("ip-192-168-2-123.ec2.internal", false))
        .expect("node");
    let c = check(
        CheckKind::NodesReady(checks::NodesReady { count: 2 }),
        Duration::from_millis(1500),
    );
    match check::run(&sim.ctx, &c).await {
        CheckOutcome::Failed { error, hint, .. } => {
            assert_eq!(
                error,
                CheckError::TimedOut {
                    after: Duration::from_millis(1500),
                    last_seen: "0 of 1 node(s) Ready (want 2)".to_string(),
                }
            );
            assert_eq!(
                error.to_string(),
                "timed out after 1s; last seen: 0 of 1 node(s) Ready (want 2)"
            );
            assert_eq!(hint, "look at kubectl get nodes");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    sim.server.shutdown().await;
}

#[tokio::test]
async fn pods_and_absent_checks_follow_creates_and_deletes() {
    let sim = sim().await;
    let labels = json!({"app": "trino", "component": "worker"});
    sim.store
        .create("Pod", pod("worker-a", labels.clone(), "Running"))
        .expect("pod");
    sim.store
        .create("Pod", pod("worker-b", labels.clone(), "Running"))
        .expect("pod");
    sim.store
        .create("Pod", pod("other", json!({"app": "nginx"}), "Running"))
        .expect("pod");
    let two_running = check(
        CheckKind::Pods(checks::Pods {
            selector: "app=trino,component=worker".to_string(),
            namespace: None,
            count: Some(2),
            phase: Some("Running".to_string()),
            reason: None,
            min_restarts: None,
        }),
        Duration::from_secs(10),
    );
    assert!(check::run(&sim.ctx, &two_running).await.passed());

    let absent = check(
        CheckKind::Absent(checks::Absent {
            resource: "pod".to_string(),
            name: None,
            selector: Some("app=trino".to_string()),
            namespace: Some("default".to_string()),
            region: None,
        }),
        Duration::from_secs(20),
    );
    let store = sim.store.clone();
    let deleter = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        store
            .delete("Pod", Some("default"), "worker-a")
            .expect("delete a");
        store
            .delete("Pod", Some("default"), "worker-b")
            .expect("delete b");
    });
    match check::run(&sim.ctx, &absent).await {
        CheckOutcome::Passed { seen, .. } => {
            assert_eq!(seen, "no pod matching \"app=trino\" left")
        }
        other => panic!("expected a pass, got {other:?}"),
    }
    deleter.await.expect("deleter");
    sim.server.shutdown().await;
}

#[tokio::test]
async fn deployment_and_configmap_checks_read_the_named_object() {
    let sim = sim().await;
    sim.store
        .create(
            "ConfigMap",
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "tcb-trino-coordinator", "namespace": "default"},
                   "data": {"config.properties": "coordinator=true\n"}}),
        )
        .expect("configmap");
    let cm = check(
        CheckKind::ConfigMapKey(checks::ConfigMapKey {
            name: "tcb-trino-coordinator".to_string(),
            namespace: None,
            key: "config.properties".to_string(),
            contains: "coordinator=true".to_string(),
        }),
        Duration::from_secs(10),
    );
    assert!(check::run(&sim.ctx, &cm).await.passed());

    let missing = check(
        CheckKind::Deployment(checks::Deployment {
            name: "tcb-trino-worker".to_string(),
            namespace: None,
            ready: Some(2),
            up_to_date: None,
            available: None,
            images: Default::default(),
            revision: None,
        }),
        Duration::from_millis(800),
    );
    match check::run(&sim.ctx, &missing).await {
        CheckOutcome::Failed { error, .. } => {
            let last_seen = error.to_string();
            assert!(
                last_seen.ends_with("deployment tcb-trino-worker does not exist"),
                "{last_seen}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    sim.server.shutdown().await;
}

#[tokio::test]
async fn port_forward_to_a_service_reaches_the_pod_behind_it() {
    let sim = sim().await;
    let labels = json!({"app": "web"});
    sim.store
        .create("Pod", pod("web-1", labels.clone(), "Running"))
        .expect("pod");
    sim.store
        .create(
            "Service",
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"selector": labels, "ports": [{"port": 8080, "targetPort": "http"}]}}),
        )
        .expect("service");
    let router = axum::Router::new().route(
        "/v1/info",
        axum::routing::get(|| async { "{\"coordinator\":true}" }),
    );
    sim.store.pod_network().bind(
        "default",
        "web-1",
        80,
        Arc::new(RouterPortHandler::new(router)),
    );

    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let words: Vec<String> = format!("kubectl port-forward svc/web {free}:8080")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let args = portforward::parse_args(&words).expect("args");
    let client = sim.ctx.kube.clone().expect("client");
    let forward = portforward::start(client, "default", &args)
        .await
        .expect("forward starts");
    assert_eq!(forward.pod(), "web-1");

    let check_info = check(
        CheckKind::Http(checks::Http {
            url: format!("http://{}/v1/info", forward.local),
            status: 200,
            json_field: Some("coordinator".to_string()),
            equals: Some(json!(true)),
        }),
        Duration::from_secs(10),
    );
    // Two checks in a row: each opens its own connection and so its own stream.
    assert!(check::run(&sim.ctx, &check_info).await.passed());
    assert!(check::run(&sim.ctx, &check_info).await.passed());
    let local = forward.local;
    forward.stop().await;
    assert!(
        tokio::net::TcpStream::connect(local).await.is_err(),
        "the listener must be closed after stop"
    );
    sim.server.shutdown().await;
}

/// Binds an HTTP server on port 80 of `pod` that answers with the pod's name.
fn serve_name(sim: &Sim, pod: &'static str) {
    let router = axum::Router::new().route("/", axum::routing::get(move || async move { pod }));
    sim.store
        .pod_network()
        .bind("default", pod, 80, Arc::new(RouterPortHandler::new(router)));
}

/// One HTTP request through the forward with a plain TCP client; the body,
/// or `None` when the forward closed the connection without an answer.
async fn get_through(local: std::net::SocketAddr) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(local)
        .await
        .expect("the forward listens");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .expect("send");
    let mut reply = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut reply))
        .await
        .expect("the reply ends within 10 s")
        .ok()?;
    let reply = String::from_utf8_lossy(&reply).to_string();
    reply
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
}

fn forward_args(command: &str) -> portforward::PortForwardArgs {
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let words: Vec<String> = format!("kubectl port-forward {command}")
        .replace("FREE", &free.to_string())
        .split_whitespace()
        .map(str::to_string)
        .collect();
    portforward::parse_args(&words).expect("args")
}

#[tokio::test]
async fn a_forward_to_a_service_follows_it_to_the_pod_that_replaced_the_old_one() {
    let sim = sim().await;
    let labels = json!({"app": "web"});
    sim.store
        .create("Pod", pod("web-1", labels.clone(), "Running"))
        .expect("pod");
    sim.store
        .create(
            "Service",
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "namespace": "default"},
                   "spec": {"selector": labels, "ports": [{"port": 8080, "targetPort": "http"}]}}),
        )
        .expect("service");
    serve_name(&sim, "web-1");
    let client = sim.ctx.kube.clone().expect("client");
    let forward = portforward::start(client, "default", &forward_args("svc/web FREE:8080"))
        .await
        .expect("forward starts");
    assert_eq!(get_through(forward.local).await.as_deref(), Some("web-1"));

    sim.store
        .delete("Pod", Some("default"), "web-1")
        .expect("delete");
    sim.store
        .create("Pod", pod("web-2", labels, "Running"))
        .expect("pod");
    serve_name(&sim, "web-2");
    assert_eq!(get_through(forward.local).await.as_deref(), Some("web-2"));
    assert_eq!(forward.pod(), "web-2");
    assert_eq!(forward.status().problem, None);
    forward.stop().await;
    sim.server.shutdown().await;
}

#[tokio::test]
async fn a_forward_to_a_pod_that_is_gone_says_so() {
    let sim = sim().await;
    sim.store
        .create("Pod", pod("web-1", json!({"app": "web"}), "Running"))
        .expect("pod");
    serve_name(&sim, "web-1");
    let client = sim.ctx.kube.clone().expect("client");
    let forward = portforward::start(client, "default", &forward_args("pod/web-1 FREE:80"))
        .await
        .expect("forward starts");
    assert_eq!(get_through(forward.local).await.as_deref(), Some("web-1"));
    assert_eq!(forward.status().problem, None);

    sim.store
        .delete("Pod", Some("default"), "web-1")
        .expect("delete");
    assert_eq!(get_through(forward.local).await, None);
    assert_eq!(get_through(forward.local).await, None);
    let status = forward.status();
    assert_eq!(status.problem.as_deref(), Some("pod web-1 is gone"));
    assert!(
        status.label().ends_with("→ pod/web-1 (pod web-1 is gone)"),
        "{}",
        status.label()
    );
    forward.stop().await;
    sim.server.shutdown().await;
}

/// A pod as the kubelet reports it: one container in `state` with `restarts`.
fn trino_pod(state: Value, restarts: i32) -> Value {
    let mut pod = pod(
        "tcb-trino-coordinator-6f7d9c-aaaaa",
        json!({"app": "trino", "component": "coordinator"}),
        "Running",
    );
    pod["status"]["containerStatuses"] = json!([{
        "name": "trino-coordinator", "image": "docker.io/trinodb/trino:latest", "imageID": "",
        "ready": false, "restartCount": restarts, "state": state
    }]);
    pod
}

#[tokio::test]
async fn a_pods_check_waits_for_a_crash_loop_with_restarts() {
    let sim = sim().await;
    sim.store
        .create(
            "Pod",
            trino_pod(json!({"waiting": {"reason": "ContainerCreating"}}), 0),
        )
        .expect("pod");
    let store = sim.store.clone();
    let kubelet = tokio::spawn(async move {
        // The first crash: CrashLoopBackOff, but not restarted yet.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let looping = json!({"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 10s"}});
        store
            .update_status("Pod", trino_pod(looping.clone(), 0))
            .expect("first crash");
        tokio::time::sleep(Duration::from_millis(300)).await;
        store
            .update_status("Pod", trino_pod(looping, 1))
            .expect("second crash");
    });
    let crash_loop = check(
        CheckKind::Pods(checks::Pods {
            selector: "app=trino,component=coordinator".to_string(),
            namespace: None,
            count: Some(1),
            phase: None,
            reason: Some("CrashLoopBackOff".to_string()),
            min_restarts: Some(1),
        }),
        Duration::from_secs(20),
    );
    let outcome = check::run(&sim.ctx, &crash_loop).await;
    kubelet.await.expect("kubelet");
    match outcome {
        CheckOutcome::Passed { seen, .. } => assert_eq!(
            seen,
            "1 pod(s) match \"app=trino,component=coordinator\" (phases: Running; status: CrashLoopBackOff with 1 restart)"
        ),
        other => panic!("expected a pass, got {other:?}"),
    }

    // Restarted once, but never twice: the check reports what it saw last.
    let twice = check(
        CheckKind::Pods(checks::Pods {
            selector: "app=trino,component=coordinator".to_string(),
            namespace: None,
            count: Some(1),
            phase: None,
            reason: Some("CrashLoopBackOff".to_string()),
            min_restarts: Some(2),
        }),
        Duration::from_millis(1500),
    );
    match check::run(&sim.ctx, &twice).await {
        CheckOutcome::Failed { error, .. } => assert_eq!(
            error.to_string(),
            "timed out after 1s; last seen: 1 pod(s) match \"app=trino,component=coordinator\" (phases: Running; status: CrashLoopBackOff with 1 restart)"
        ),
        other => panic!("expected a failure, got {other:?}"),
    }
    sim.server.shutdown().await;
}

fn absent(resource: &str, name: &str) -> Check {
    check(
        CheckKind::Absent(checks::Absent {
            resource: resource.to_string(),
            name: Some(name.to_string()),
            selector: None,
            namespace: None,
            region: None,
        }),
        Duration::from_secs(10),
    )
}

#[tokio::test]
async fn absent_watches_every_object_kind_of_the_table_such_as_a_secret() {
    let sim = sim().await;
    sim.store
        .create(
            "Secret",
            json!({"apiVersion": "v1", "kind": "Secret",
                   "metadata": {"name": "db-password", "namespace": "default"},
                   "data": {"password": "aHVudGVyMg=="}}),
        )
        .expect("secret");
    let store = sim.store.clone();
    let deleter = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        store
            .delete("Secret", Some("default"), "db-password")
            .expect("delete");
    });
    match check::run(&sim.ctx, &absent("secret", "db-password")).await {
        CheckOutcome::Passed { seen, .. } => assert_eq!(seen, "no secret/db-password left"),
        other => panic!("expected a pass, got {other:?}"),
    }
    deleter.await.expect("deleter");

    // Every kind a lesson may name is one the checker can watch.
    for kind in trinetes::lesson::OBJECT_KINDS {
        match check::run(&sim.ctx, &absent(kind.name, "nothing-by-this-name")).await {
            CheckOutcome::Passed { seen, .. } => {
                assert_eq!(seen, format!("no {}/nothing-by-this-name left", kind.name))
            }
            other => panic!("{}: expected a pass, got {other:?}", kind.name),
        }
    }
    sim.server.shutdown().await;
}
