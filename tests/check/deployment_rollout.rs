//! The `deployment` check's images and revision, watched through the
//! simulator's API server: it waits for `set image` to reach the pod
//! template and the controller to observe it, and says what it saw when the
//! image never changes.

use std::time::Duration;

use serde_json::{Value, json};
use trinetes::check::{self, CheckContext, CheckOutcome};
use trinetes::lesson::checks;
use trinetes::lesson::{Check, CheckKind, Span};
use trinetes::sim::clock::Clock;
use trinetes::sim::server::ApiServer;
use trinetes::sim::store::Store;

fn web(image: &str, revision: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default",
            "annotations": {"deployment.kubernetes.io/revision": revision}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": image}]}}}
    })
}

/// Writes the status a settled controller would: every count at 3, and the
/// current generation observed.
fn settle(store: &Store) {
    let mut dep = store
        .get("Deployment", Some("default"), "web")
        .expect("the deployment exists");
    let generation = dep["metadata"]["generation"].clone();
    if let Some(meta) = dep["metadata"].as_object_mut() {
        meta.remove("resourceVersion");
    }
    dep["status"] = json!({"observedGeneration": generation, "replicas": 3,
        "readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3});
    store.update_status("Deployment", dep).expect("status");
}

fn rolled_to(image: &str, revision: u64, timeout: Duration) -> Check {
    Check {
        kind: CheckKind::Deployment(checks::Deployment {
            name: "web".into(),
            namespace: None,
            ready: Some(3),
            up_to_date: Some(3),
            available: Some(3),
            images: [("nginx".to_string(), image.to_string())].into(),
            revision: Some(revision),
        }),
        timeout,
        hint: "run `kubectl set image` again".into(),
        span: Span::default(),
    }
}

async fn server(store: &Store) -> (ApiServer, CheckContext) {
    let server = ApiServer::start(store.clone(), None)
        .await
        .expect("server starts");
    let client = check::client_for_url(&server.url()).expect("client");
    let ctx = CheckContext {
        kube: Some(client),
        ..CheckContext::default()
    };
    (server, ctx)
}

#[tokio::test]
async fn the_check_passes_once_the_new_image_is_rolled_out_at_its_revision() {
    let store = Store::new(Clock::real(1.0));
    store
        .create("Deployment", web("nginx:1.20", "1"))
        .expect("deployment");
    settle(&store);
    let (server, ctx) = server(&store).await;
    let writer_store = store.clone();
    let writer = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut dep = writer_store
            .get("Deployment", Some("default"), "web")
            .expect("exists");
        dep["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.21");
        dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = json!("2");
        writer_store.update("Deployment", dep).expect("set image");
        // The spec changed, the status still counts the old generation.
        tokio::time::sleep(Duration::from_millis(200)).await;
        settle(&writer_store);
    });
    let outcome = check::run(&ctx, &rolled_to("nginx:1.21", 2, Duration::from_secs(20))).await;
    writer.await.expect("writer");
    assert!(outcome.passed(), "{outcome:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn without_set_image_the_check_fails_saying_which_image_runs() {
    let store = Store::new(Clock::real(1.0));
    store
        .create("Deployment", web("nginx:1.20", "1"))
        .expect("deployment");
    settle(&store);
    let (server, ctx) = server(&store).await;
    match check::run(
        &ctx,
        &rolled_to("nginx:1.21", 2, Duration::from_millis(800)),
    )
    .await
    {
        CheckOutcome::Failed { error, .. } => {
            let seen = error.to_string();
            assert!(
                seen.ends_with(
                    "deployment web: 3/3 ready, 3 up-to-date, 3 available; images nginx=nginx:1.20; revision 1"
                ),
                "{seen}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    server.shutdown().await;
}
