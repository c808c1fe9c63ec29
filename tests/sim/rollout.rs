//! The machine's kubectl against the simulated cluster with its controllers:
//! rollout status, describe, history, undo, logs and scale, compared with
//! snapshots after masking what varies (ages, hashes, suffixes, IPs).

use crate::support::cluster::{Cluster, assert_snapshot};

const WEB: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deployment_rolls_out_updates_rolls_back_and_scales_with_kubectl() {
    let sim = Cluster::start().await;

    let manifest = sim.dir.path().join("web.yaml");
    std::fs::write(&manifest, WEB).unwrap();
    let out = sim
        .kubectl(&["apply", "-f", manifest.to_str().unwrap()])
        .await;
    assert_eq!(out, "deployment.apps/web created\n");
    let out = sim
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(
        out.ends_with("deployment \"web\" successfully rolled out\n"),
        "{out}"
    );
    assert_snapshot(
        "rollout_describe_deployment",
        &sim.kubectl(&["describe", "deployment", "web"]).await,
    );

    let out = sim
        .kubectl(&["set", "image", "deployment/web", "web=nginx:1.28"])
        .await;
    assert_eq!(out, "deployment.apps/web image updated\n");
    let out = sim
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(
        out.ends_with("deployment \"web\" successfully rolled out\n"),
        "{out}"
    );
    let images = sim
        .kubectl(&[
            "get",
            "pods",
            "-l",
            "app=web",
            "-o",
            "jsonpath={.items[*].spec.containers[0].image}",
        ])
        .await;
    assert_eq!(images, "nginx:1.28 nginx:1.28 nginx:1.28");
    assert_snapshot(
        "rollout_history",
        &sim.kubectl(&["rollout", "history", "deployment/web"]).await,
    );

    let out = sim.kubectl(&["rollout", "undo", "deployment/web"]).await;
    assert_eq!(out, "deployment.apps/web rolled back\n");
    let out = sim
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(
        out.ends_with("deployment \"web\" successfully rolled out\n"),
        "{out}"
    );
    let image = sim.kubectl(&["get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}"]).await;
    assert_eq!(image, "nginx:1.27 3");
    assert_snapshot(
        "rollout_history_after_undo",
        &sim.kubectl(&["rollout", "history", "deployment/web"]).await,
    );

    assert_snapshot(
        "rollout_logs",
        &sim.kubectl(&["logs", "deployment/web"]).await,
    );

    let out = sim
        .kubectl(&["scale", "deployment", "web", "--replicas=5"])
        .await;
    assert_eq!(out, "deployment.apps/web scaled\n");
    let out = sim
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=60s"])
        .await;
    assert!(
        out.ends_with("deployment \"web\" successfully rolled out\n"),
        "{out}"
    );
    assert_snapshot(
        "rollout_scaled",
        &sim.kubectl(&["get", "deployment", "web"]).await,
    );
    let pods = sim
        .kubectl(&["get", "pods", "-l", "app=web", "--no-headers"])
        .await;
    assert_eq!(
        pods.lines()
            .filter(|l| l.contains(" 1/1 ") && l.contains("Running"))
            .count(),
        5,
        "{pods}"
    );

    sim.stop().await;
}

/// Through the API server, a requested NodePort that another Service holds
/// is refused as kubectl shows a 422 Invalid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_sees_a_taken_node_port_refused() {
    let sim = Cluster::start().await;
    let service = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 80\n    nodePort: 30080\n"
        )
    };
    let first = sim.dir.path().join("first.yaml");
    let second = sim.dir.path().join("second.yaml");
    std::fs::write(&first, service("first")).unwrap();
    std::fs::write(&second, service("second")).unwrap();
    let out = sim
        .kubectl(&["create", "-f", first.to_str().unwrap()])
        .await;
    assert_eq!(out, "service/first created\n");
    let (code, _, stderr) = sim
        .kubectl_status(&["create", "-f", second.to_str().unwrap()])
        .await;
    assert_ne!(code, 0);
    assert!(
        stderr.contains("The Service \"second\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"),
        "{stderr}"
    );
    sim.stop().await;
}
