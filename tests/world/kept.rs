//! The dry-run world kept across restarts: clusters, the EKS cluster eksctl
//! made, Helm releases, the kubeconfig and the ports come back; a file that
//! cannot be restored is set aside with a warning; reset starts over.

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::Api;
use kube::api::PostParams;
use tokio::sync::mpsc;
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{
    PRACTICE_CONTEXT, WORLD_FILE, World, WorldOptions, WorldOrigin, WorldOutput,
};

const CREATE: &str = "eksctl create cluster --name tcb-cluster --version 1.35 --region us-east-1 --nodegroup-name k8s-tcb-cluster --node-type t2.large --nodes 2";
const EKS_CONTEXT: &str = "learner@tcb-cluster.us-east-1.eksctl.io";

fn kept(dir: &std::path::Path) -> WorldOptions {
    WorldOptions {
        persist: true,
        ..WorldOptions::new(dir.to_path_buf(), Pace::Fast)
    }
}

async fn drain(mut rx: mpsc::Receiver<WorldOutput>) -> Vec<String> {
    let mut lines = Vec::new();
    while let Some(out) = rx.recv().await {
        if let WorldOutput::Line(l) = out {
            lines.push(l);
        }
    }
    lines
}

async fn eksctl(world: &World, line: &str) {
    let (tx, rx) = mpsc::channel(4096);
    let code = tokio::time::timeout(Duration::from_secs(60), world.eksctl(line, &tx))
        .await
        .expect("eksctl finishes within 60 s");
    drop(tx);
    let lines = drain(rx).await;
    assert_eq!(code, 0, "{line}: {lines:#?}");
}

async fn helm(world: &World, args: &str) -> Vec<String> {
    let (tx, rx) = mpsc::channel(4096);
    let words: Vec<String> = args.split_whitespace().map(String::from).collect();
    let code = world.helm(&words, &tx).await;
    drop(tx);
    let lines = drain(rx).await;
    assert_eq!(code, 0, "helm {args}: {lines:#?}");
    lines
}

fn client(url: &str) -> kube::Client {
    trinetes::check::client_for_url(url).expect("a client for the simulated API server")
}

async fn note(world: &World) {
    let url = world.practice_url().expect("practice cluster runs");
    let cm: ConfigMap = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "note"}, "data": {"left": "here"}
    }))
    .expect("config map");
    Api::<ConfigMap>::namespaced(client(&url), "default")
        .create(&PostParams::default(), &cm)
        .await
        .expect("create the config map");
}

async fn note_is_there(world: &World) -> bool {
    let url = world.practice_url().expect("practice cluster runs");
    Api::<ConfigMap>::namespaced(client(&url), "default")
        .get_opt("note")
        .await
        .expect("get the config map")
        .is_some()
}

/// Waits until the Deployment has `want` ready replicas.
async fn ready(url: &str, name: &str, want: i32) {
    let api = Api::<Deployment>::namespaced(client(url), "default");
    let mut seen = None;
    for _ in 0..300 {
        seen = api
            .get_opt(name)
            .await
            .ok()
            .flatten()
            .and_then(|d| d.status?.ready_replicas);
        if seen == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{name}: ready replicas {seen:?}, wanted {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_world_has_its_clusters_release_kubeconfig_and_ports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(kept(dir.path())).await.expect("world starts");
    assert_eq!(world.origin(), &WorldOrigin::New);
    note(&world).await;
    eksctl(&world, CREATE).await;
    helm(&world, "repo add trino https://trinodb.github.io/charts").await;
    helm(
        &world,
        "install tcb trino/trino --version 1.42.2 --set image.tag=480",
    )
    .await;
    let before = (
        world.kubeconfig_path().to_path_buf(),
        world.practice_url(),
        world.eks_url(),
        world.current_cluster_url(),
        world.exports(),
    );
    world.shutdown().await;

    let world = World::start(kept(dir.path()))
        .await
        .expect("world restarts");
    assert_eq!(world.origin(), &WorldOrigin::Restored);
    let after = (
        world.kubeconfig_path().to_path_buf(),
        world.practice_url(),
        world.eks_url(),
        world.current_cluster_url(),
        world.exports(),
    );
    assert_eq!(after, before, "same kubeconfig, same endpoints");
    assert_eq!(world.current_context().as_deref(), Some(EKS_CONTEXT));
    assert!(
        note_is_there(&world).await,
        "the practice cluster's object is gone"
    );
    let summaries = world.eks_state().summaries();
    assert_eq!(summaries.len(), 1, "{summaries:?}");
    assert_eq!(summaries[0].status, "ACTIVE");
    let list = helm(&world, "list").await;
    assert!(list.iter().any(|l| l.starts_with("tcb")), "{list:#?}");
    // The repository came back too: an upgrade finds the chart.
    helm(
        &world,
        "upgrade tcb trino/trino --version 1.42.2 --set image.tag=480",
    )
    .await;
    let eks_url = world.current_cluster_url().expect("the EKS cluster runs");
    ready(&eks_url, "tcb-trino-coordinator", 1).await;
    ready(&eks_url, "tcb-trino-worker", 2).await;
    world.shutdown().await;
}

#[tokio::test]
async fn the_world_is_saved_while_it_runs_not_only_at_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(kept(dir.path())).await.expect("world starts");
    note(&world).await;
    let file = dir.path().join(WORLD_FILE);
    let mut saved = String::new();
    for _ in 0..50 {
        saved = std::fs::read_to_string(&file).unwrap_or_default();
        if saved.contains("\"note\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(saved.contains("\"note\""), "not saved within 5 s");
    // What a killed process leaves behind restores on its own.
    let copy = tempfile::tempdir().expect("temp dir");
    std::fs::write(copy.path().join(WORLD_FILE), &saved).expect("copy");
    let restored = World::start(kept(copy.path())).await.expect("restores");
    assert_eq!(restored.origin(), &WorldOrigin::Restored);
    assert!(note_is_there(&restored).await);
    assert_eq!(
        restored.current_context().as_deref(),
        Some(PRACTICE_CONTEXT)
    );
    assert_ne!(
        restored.practice_url(),
        world.practice_url(),
        "the old port is taken, so another one is used"
    );
    restored.shutdown().await;
    world.shutdown().await;
}

#[tokio::test]
async fn a_world_that_cannot_be_restored_is_set_aside_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join(WORLD_FILE),
        "{\"format\": 1, \"clusters\": [",
    )
    .expect("write");
    let world = World::start(kept(dir.path()))
        .await
        .expect("a new world starts");
    let WorldOrigin::Discarded { warning, kept_as } = world.origin().clone() else {
        panic!("not set aside: {:?}", world.origin());
    };
    assert!(warning.contains("could not be restored"), "{warning}");
    assert!(
        warning.contains(&kept_as.display().to_string()),
        "{warning}"
    );
    assert_eq!(
        std::fs::read_to_string(&kept_as).expect("the bad file is kept"),
        "{\"format\": 1, \"clusters\": ["
    );
    assert_eq!(world.current_context().as_deref(), Some(PRACTICE_CONTEXT));
    assert!(!note_is_there(&world).await);
    world.shutdown().await;
}

#[tokio::test]
async fn reset_starts_over_on_the_same_port() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(kept(dir.path())).await.expect("world starts");
    note(&world).await;
    eksctl(&world, CREATE).await;
    let practice = world.practice_url();
    world.reset().await.expect("reset");
    assert!(world.eks_state().summaries().is_empty());
    assert_eq!(world.contexts().len(), 1);
    assert_eq!(world.current_context().as_deref(), Some(PRACTICE_CONTEXT));
    assert_eq!(world.practice_url(), practice);
    assert!(!note_is_there(&world).await);
    world.shutdown().await;
    let world = World::start(kept(dir.path()))
        .await
        .expect("world restarts");
    assert!(
        world.eks_state().summaries().is_empty(),
        "the reset was saved"
    );
    world.shutdown().await;
}

/// The pod's first container's restart count, once the kubelet has given
/// the pod an address (it has taken the pod up since the world started).
async fn restart_count(url: &str, name: &str) -> i32 {
    let api = Api::<Pod>::namespaced(client(url), "default");
    for _ in 0..400 {
        let pod = api.get_opt(name).await.ok().flatten();
        let status = pod.and_then(|p| p.status);
        if let Some(status) = status.filter(|s| s.pod_ip.is_some()) {
            return status
                .container_statuses
                .and_then(|cs| cs.first().map(|c| c.restart_count))
                .unwrap_or(0);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{name} never had an address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_pod_keeps_its_restart_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(kept(dir.path())).await.expect("world starts");
    let url = world.practice_url().expect("practice cluster runs");
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "crasher"},
        "spec": {"containers": [{"name": "main", "image": "busybox",
                                 "command": ["sh", "-c", "echo hi; exit 3"]}]}
    }))
    .expect("pod");
    let api = Api::<Pod>::namespaced(client(&url), "default");
    api.create(&PostParams::default(), &pod)
        .await
        .expect("create the pod");
    let mut before = 0;
    for _ in 0..400 {
        before = restart_count(&url, "crasher").await;
        if before >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(before >= 2, "the container restarted {before} times");
    world.shutdown().await;

    let world = World::start(kept(dir.path()))
        .await
        .expect("world restarts");
    assert_eq!(world.origin(), &WorldOrigin::Restored);
    let after = restart_count(&url, "crasher").await;
    assert!(
        after >= before,
        "RESTARTS went from {before} to {after} when the world came back"
    );
    world.shutdown().await;
}
