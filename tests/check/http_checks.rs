//! HTTP checks against a loopback server whose answer changes over time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde_json::json;
use trinetes::check::{self, CheckContext};
use trinetes::lesson::checks;
use trinetes::lesson::{Check, CheckKind, Span};

/// A server whose /v1/info says `starting: true` for the first `starting_for` calls.
async fn trino_like(starting_for: usize) -> (String, tokio::task::JoinHandle<()>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new()
        .route(
            "/v1/info",
            get(move |State(calls): State<Arc<AtomicUsize>>| async move {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                Json(json!({"coordinator": true, "starting": n < starting_for}))
            }),
        )
        .with_state(calls);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    (url, server)
}

fn http_check(url: String, field: &str, equals: serde_json::Value, timeout: Duration) -> Check {
    Check {
        kind: CheckKind::Http(checks::Http {
            url,
            status: 200,
            json_field: Some(field.to_string()),
            equals: Some(equals),
        }),
        timeout,
        hint: "wait for Trino to finish starting".to_string(),
        span: Span::default(),
    }
}

#[tokio::test]
async fn http_check_passes_once_the_field_turns() {
    let (url, server) = trino_like(3).await;
    let check = http_check(
        format!("{url}/v1/info"),
        "starting",
        json!(false),
        Duration::from_secs(10),
    );
    let outcome = check::run(&CheckContext::default(), &check).await;
    server.abort();
    match outcome {
        check::CheckOutcome::Passed { seen, .. } => {
            assert!(seen.ends_with("starting is false"), "{seen}")
        }
        other => panic!("expected a pass, got {other:?}"),
    }
}

#[tokio::test]
async fn http_check_times_out_with_last_seen_and_hint() {
    let (url, server) = trino_like(usize::MAX).await;
    let check = http_check(
        format!("{url}/v1/info"),
        "starting",
        json!(false),
        Duration::from_millis(800),
    );
    let outcome = check::run(&CheckContext::default(), &check).await;
    server.abort();
    match outcome {
        check::CheckOutcome::Failed { error, hint, .. } => {
            let last_seen = error.to_string();
            assert!(
                last_seen.starts_with("timed out after 800ms"),
                "{last_seen}"
            );
            assert!(
                last_seen.contains("starting is true, want false"),
                "{last_seen}"
            );
            assert_eq!(hint, "wait for Trino to finish starting");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn http_check_reports_a_refused_connection() {
    // Bind then drop a listener to get a loopback port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let check = http_check(
        format!("http://127.0.0.1:{port}/v1/info"),
        "coordinator",
        json!(true),
        Duration::from_millis(600),
    );
    let outcome = check::run(&CheckContext::default(), &check).await;
    match outcome {
        check::CheckOutcome::Failed { error, .. } => {
            let last_seen = error.to_string();
            assert!(last_seen.contains("failed"), "{last_seen}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn kube_check_without_a_cluster_fails_clearly() {
    let check = Check {
        kind: CheckKind::NodesReady(checks::NodesReady { count: 2 }),
        timeout: Duration::from_secs(1),
        hint: "create the cluster first".to_string(),
        span: Span::default(),
    };
    let outcome = check::run(&CheckContext::default(), &check).await;
    match outcome {
        check::CheckOutcome::Failed { error, hint, .. } => {
            assert_eq!(error, check::CheckError::NoCluster);
            assert_eq!(
                error.to_string(),
                "no Kubernetes cluster is configured for this backend"
            );
            assert_eq!(hint, "create the cluster first");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}
