//! The simulated Trino HTTP API: answers through tower, a real HTTP client on a
//! loopback listener, and the pod network's port handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde_json::Value;
use tower::ServiceExt;
use trinetes::sim::trino::{TrinoNode, trino_router};
use trinetes::sim::{Clock, PodNetwork, RouterPortHandler};

fn start() -> Timestamp {
    "2021-12-16T18:05:03Z".parse().expect("valid timestamp")
}

fn node(clock: &Clock, coordinator: bool, workers: Arc<AtomicUsize>) -> TrinoNode {
    TrinoNode {
        node_id: "tcb-trino-coordinator-5d8f7c9b4-x2x7q".into(),
        address: "192.168.12.7".into(),
        version: "355".into(),
        environment: "production".into(),
        coordinator,
        started_at: clock.now(),
        startup: Duration::from_secs(15),
        clock: clock.clone(),
        workers: Arc::new(move || workers.load(Ordering::SeqCst)),
    }
}

async fn get(router: &axum::Router, path: &str) -> (StatusCode, Option<String>, String) {
    let response = router
        .clone()
        .oneshot(
            Request::get(path)
                .body(Body::empty())
                .expect("valid request"),
        )
        .await
        .expect("router is infallible");
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().expect("ascii").to_string());
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        location,
        String::from_utf8(body.to_vec()).expect("utf-8"),
    )
}

async fn info(router: &axum::Router) -> Value {
    let (status, _, body) = get(router, "/v1/info").await;
    assert_eq!(status, StatusCode::OK);
    serde_json::from_str(&body).expect("JSON")
}

#[tokio::test]
async fn info_reports_starting_until_the_startup_delay_has_passed() {
    let clock = Clock::manual(start());
    let router = trino_router(node(&clock, true, Arc::default()));
    let first = info(&router).await;
    assert_eq!(first["nodeVersion"]["version"], "355");
    assert_eq!(first["environment"], "production");
    assert_eq!(first["coordinator"], true);
    assert_eq!(first["starting"], true);
    assert_eq!(first["uptime"], "0.00ns");
    let (_, _, state) = get(&router, "/v1/info/state").await;
    assert_eq!(state, "\"INACTIVE\"");

    clock.advance(Duration::from_secs(14));
    assert_eq!(info(&router).await["starting"], true);
    clock.advance(Duration::from_millis(59_800));
    let later = info(&router).await;
    assert_eq!(later["starting"], false);
    assert_eq!(later["uptime"], "1.23m");
    let (_, _, state) = get(&router, "/v1/info/state").await;
    assert_eq!(state, "\"ACTIVE\"");
}

#[tokio::test]
async fn status_names_the_node() {
    let clock = Clock::manual(start());
    let router = trino_router(node(&clock, false, Arc::default()));
    let (status, _, body) = get(&router, "/v1/status").await;
    assert_eq!(status, StatusCode::OK);
    let status: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(status["nodeId"], "tcb-trino-coordinator-5d8f7c9b4-x2x7q");
    assert_eq!(status["coordinator"], false);
    assert_eq!(status["internalAddress"], "192.168.12.7");
}

#[tokio::test]
async fn the_coordinator_serves_a_ui_that_counts_workers() {
    let clock = Clock::manual(start());
    let workers = Arc::new(AtomicUsize::new(2));
    let router = trino_router(node(&clock, true, workers.clone()));
    let (status, location, _) = get(&router, "/").await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location.as_deref(), Some("/ui/"));
    let (status, _, page) = get(&router, "/ui/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("simulated by trinetes"), "{page}");
    assert!(page.contains("tcb-trino-coordinator-5d8f7c9b4-x2x7q"));
    assert!(
        page.contains("<td class=\"n\" id=\"active-workers\">2</td>"),
        "{page}"
    );
    workers.store(3, Ordering::SeqCst);
    let (_, _, page) = get(&router, "/ui/").await;
    assert!(page.contains("<td class=\"n\" id=\"active-workers\">3</td>"));
    let (_, _, cluster) = get(&router, "/v1/cluster").await;
    let cluster: Value = serde_json::from_str(&cluster).expect("JSON");
    assert_eq!(cluster["activeWorkers"], 3);
}

#[tokio::test]
async fn workers_serve_no_ui() {
    let clock = Clock::manual(start());
    let router = trino_router(node(&clock, false, Arc::default()));
    assert_eq!(get(&router, "/ui/").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&router, "/v1/cluster").await.0, StatusCode::NOT_FOUND);
    assert_eq!(info(&router).await["coordinator"], false);
}

#[tokio::test]
async fn a_real_http_client_reads_info_over_loopback() {
    let clock = Clock::manual(start());
    let router = trino_router(node(&clock, true, Arc::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback listener");
    let address = listener.local_addr().expect("bound address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let info: Value = client
        .get(format!("http://{address}/v1/info"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("JSON");
    assert_eq!(info["nodeVersion"]["version"], "355");
    let root = client
        .get(format!("http://{address}/"))
        .send()
        .await
        .expect("answer");
    assert_eq!(root.headers()["location"], "/ui/");
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server stops")
        .expect("server task")
        .expect("server ran");
}

#[tokio::test]
async fn the_router_answers_through_the_pod_network() {
    let clock = Clock::manual(start());
    let network = PodNetwork::default();
    network.bind(
        "default",
        "tcb-trino-coordinator-5d8f7c9b4-x2x7q",
        8080,
        Arc::new(RouterPortHandler::new(trino_router(node(
            &clock,
            true,
            Arc::default(),
        )))),
    );
    let stream = network
        .connect("default", "tcb-trino-coordinator-5d8f7c9b4-x2x7q", 8080)
        .expect("port bound");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    let driver = tokio::spawn(connection);
    let response = sender
        .send_request(
            Request::get("/v1/info")
                .header("host", "localhost")
                .body(http_body_util::Empty::<bytes::Bytes>::new())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let info: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(info["starting"], true);
    drop(sender);
    let _ = tokio::time::timeout(Duration::from_secs(10), driver).await;
}
