//! What the simulated API server fills in when objects are written, seen
//! through the machine's kubectl as on a real cluster, and how its scheduler
//! spreads replicas over the nodes.

use crate::support::apiserver::{Sim, filters};
use crate::support::cluster::Cluster;
use crate::support::snapshot::assert_filtered;

/// A pod as the episode writes its Trino containers: a named port and an
/// HTTP readiness probe that set none of the probe's timings.
const POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: coordinator
  labels:
    app: trino
spec:
  containers:
  - name: trino
    image: trinodb/trino:476
    ports:
    - name: http
      containerPort: 8080
    readinessProbe:
      httpGet:
        path: /v1/info
        port: http
  - name: sidecar
    image: busybox
    livenessProbe:
      exec:
        command: [cat, /tmp/healthy]
      periodSeconds: 5
";

const DEPLOYMENT_AND_SERVICE: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 2
  selector:
    matchLabels:
      app: worker
  template:
    metadata:
      labels:
        app: worker
    spec:
      containers:
      - name: trino
        image: trinodb/trino:latest
        ports:
        - containerPort: 8080
        livenessProbe:
          httpGet:
            port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: worker
spec:
  selector:
    app: worker
  ports:
  - name: http
    port: 8080
";

/// Masks the server's port, uids, times and resource versions.
fn yaml_filters(sim: &Sim) -> Vec<(String, String)> {
    let mut f = filters(sim);
    f.push((
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z".to_string(),
        "<TIME>".to_string(),
    ));
    f.push((
        r#"resourceVersion: "\d+""#.to_string(),
        r#"resourceVersion: "<RV>""#.to_string(),
    ));
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_reads_back_objects_defaulted_as_a_real_server_writes_them() {
    let sim = Sim::start().await;
    let pod = sim.write("pod.yaml", POD);
    let out = sim
        .kubectl_ok(&["apply", "-f", pod.to_str().expect("utf-8 path")])
        .await;
    assert_eq!(out, "pod/coordinator created\n");
    let manifests = sim.write("worker.yaml", DEPLOYMENT_AND_SERVICE);
    sim.kubectl_ok(&["create", "-f", manifests.to_str().expect("utf-8 path")])
        .await;
    let f = yaml_filters(&sim);
    assert_filtered(
        "defaults_pod_yaml",
        &sim.kubectl_ok(&["get", "pod", "coordinator", "-o", "yaml"])
            .await,
        &f,
    );
    assert_filtered(
        "defaults_deployment_yaml",
        &sim.kubectl_ok(&["get", "deployment", "worker", "-o", "yaml"])
            .await,
        &f,
    );
    assert_filtered(
        "defaults_service_yaml",
        &sim.kubectl_ok(&["get", "service", "worker", "-o", "yaml"])
            .await,
        &f,
    );

    let described = sim.kubectl_ok(&["describe", "pod", "coordinator"]).await;
    let probe = |label: &str| {
        described
            .lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .map(str::trim)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        probe("Readiness:"),
        "http-get http://:http/v1/info delay=0s timeout=1s period=10s #success=1 #failure=3",
        "{described}"
    );
    assert_eq!(
        probe("Liveness:"),
        "exec [cat /tmp/healthy] delay=0s timeout=1s period=5s #success=1 #failure=3",
        "{described}"
    );
    sim.stop().await;
}

/// The NODE column of `kubectl get pods -o wide`, one entry per pod.
fn node_column(wide: &str) -> Vec<String> {
    let mut lines = wide.lines();
    let header = lines.next().unwrap_or_default();
    let start = header.find("NODE ").expect("a NODE column");
    lines
        .map(|l| {
            l.get(start..)
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_land_on_two_ready_nodes() {
    let sim = Cluster::start().await;
    let manifest = sim.dir.path().join("worker.yaml");
    std::fs::write(&manifest, DEPLOYMENT_AND_SERVICE).expect("write manifest");
    sim.kubectl(&["apply", "-f", manifest.to_str().expect("utf-8 path")])
        .await;
    let out = sim
        .kubectl(&["rollout", "status", "deployment/worker", "--timeout=60s"])
        .await;
    assert!(out.ends_with("successfully rolled out\n"), "{out}");
    let nodes = sim.kubectl(&["get", "nodes", "-o", "name"]).await;
    assert_eq!(nodes.lines().count(), 2, "{nodes}");
    let wide = sim
        .kubectl(&["get", "pods", "-l", "app=worker", "-o", "wide"])
        .await;
    let mut used = node_column(&wide);
    used.sort();
    let mut expected: Vec<String> = nodes
        .lines()
        .map(|n| n.trim_start_matches("node/").to_string())
        .collect();
    expected.sort();
    assert_eq!(used, expected, "one pod per node:\n{wide}");
    sim.stop().await;
}
