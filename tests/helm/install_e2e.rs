//! The demo end to end in the simulator: `helm install` the Trino chart, let the
//! controllers and the kubelet run it with the Trino runtime, and look at the
//! pods and the coordinator's HTTP API, as the episode does.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::Value;
use trinetes::sim::controllers::{ControllerOptions, Reconciler, admission};
use trinetes::sim::helm::{HelmEnv, HelmSim};
use trinetes::sim::nodes::add_nodes;
use trinetes::sim::runtime::RuntimeRegistry;
use trinetes::sim::trino::{StartupTiming, register_trino_runtime};
use trinetes::sim::{Clock, Store};

struct Demo {
    store: Store,
    reconciler: Reconciler,
    helm: HelmSim,
}

impl Demo {
    /// Two t2.large nodes, as in the episode, and `helm install tcb` with `args`.
    fn install(extra_args: &[&str]) -> Demo {
        let start: Timestamp = "2021-12-16T18:00:00Z".parse().expect("valid timestamp");
        let store = Store::new(Clock::manual(start));
        store.set_admission(admission());
        add_nodes(&store, 2, "t2.large").expect("nodes");
        let runtimes = RuntimeRegistry::default();
        register_trino_runtime(&runtimes, store.clone(), StartupTiming::default());
        let options = ControllerOptions {
            runtimes,
            ..ControllerOptions::default()
        };
        let reconciler = options.reconciler(store.clone());
        let mut helm = HelmSim::new();
        let env = HelmEnv::new(store.clock().now()).with_cluster(&store);
        helm.run(
            &["repo", "add", "trino", "https://trinodb.github.io/charts/"],
            &env,
        );
        let mut args = vec!["install", "tcb", "trino/trino"];
        args.extend_from_slice(extra_args);
        let out = helm.run(&args, &env);
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
        Demo {
            store,
            reconciler,
            helm,
        }
    }

    fn helm(&mut self, args: &[&str]) {
        let env = HelmEnv::new(self.store.clock().now()).with_cluster(&self.store);
        let out = self.helm.run(args, &env);
        assert_eq!(out.exit_code, 0, "{}", out.stderr);
    }

    /// Settles the controllers and jumps to each next timer until `done` holds.
    fn run_until(&mut self, what: &str, done: impl Fn(&Store) -> bool) {
        for _ in 0..300 {
            let wake = self.reconciler.settle();
            if done(&self.store) {
                return;
            }
            let now = self.store.clock().now();
            let step = wake
                .map(|at| Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO))
                .filter(|d| !d.is_zero())
                .unwrap_or(Duration::from_secs(1));
            self.store.clock().advance(step);
        }
        panic!("the cluster never reached: {what}");
    }

    fn coordinator_pods(&self, label_key: &str, label_value: &str) -> Vec<Value> {
        self.store
            .list("Pod", Some("default"))
            .0
            .into_iter()
            .filter(|p| p["metadata"]["labels"][label_key] == label_value)
            .collect()
    }
}

fn ready(store: &Store, deployment: &str, want: i64) -> bool {
    store
        .get("Deployment", Some("default"), deployment)
        .is_some_and(|d| d["status"]["readyReplicas"].as_i64() == Some(want))
}

fn in_crash_loop(pod: &Value) -> bool {
    pod["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
}

async fn get_json(store: &Store, pod: &str, path: &str) -> Value {
    use http_body_util::BodyExt;
    let stream = store
        .pod_network()
        .connect("default", pod, 8080)
        .expect("the coordinator listens on 8080");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    let driver = tokio::spawn(connection);
    let response = sender
        .send_request(
            hyper::Request::get(path)
                .header("host", "127.0.0.1:8080")
                .body(http_body_util::Empty::<bytes::Bytes>::new())
                .expect("request"),
        )
        .await
        .expect("response");
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    drop(sender);
    let _ = tokio::time::timeout(Duration::from_secs(10), driver).await;
    serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()))
}

#[test]
fn the_episodes_exact_install_crash_loops_today() {
    let mut demo = Demo::install(&["--version", "0.3.0"]);
    demo.run_until("coordinator in CrashLoopBackOff", |store| {
        store
            .list("Pod", Some("default"))
            .0
            .iter()
            .any(|p| p["metadata"]["labels"]["component"] == "coordinator" && in_crash_loop(p))
    });
    let pod = &demo.coordinator_pods("component", "coordinator")[0];
    let name = pod["metadata"]["name"].as_str().expect("name");
    let logs = demo.store.logs("default", name, "trino-coordinator");
    assert!(
        logs.iter()
            .any(|l| l == "Unrecognized VM option 'UseBiasedLocking'"),
        "{logs:?}"
    );
    assert_eq!(
        pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"],
        1
    );
    assert!(!ready(&demo.store, "tcb-trino-coordinator", 1));
    assert!(
        demo.store
            .pod_network()
            .connect("default", name, 8080)
            .is_none()
    );
}

#[tokio::test]
async fn pinning_image_355_gives_the_episodes_deployments_and_a_working_coordinator() {
    let mut demo = Demo::install(&["--version", "0.3.0", "--set", "image.tag=355"]);
    demo.run_until("1/1 coordinator and 2/2 workers", |store| {
        ready(store, "tcb-trino-coordinator", 1) && ready(store, "tcb-trino-worker", 2)
    });
    let pod = &demo.coordinator_pods("component", "coordinator")[0];
    let name = pod["metadata"]["name"].as_str().expect("name").to_string();
    demo.store.clock().advance(Duration::from_secs(60));
    let info = get_json(&demo.store, &name, "/v1/info").await;
    assert_eq!(info["nodeVersion"]["version"], "355");
    assert_eq!(info["coordinator"], true);
    assert_eq!(info["starting"], false);
    let cluster = get_json(&demo.store, &name, "/v1/cluster").await;
    assert_eq!(cluster["activeWorkers"], 2);
    let logs = demo.store.logs("default", &name, "trino-coordinator");
    assert!(
        logs.last()
            .is_some_and(|l| l.ends_with("======== SERVER STARTED ========")),
        "{logs:?}"
    );
}

#[tokio::test]
async fn the_current_chart_runs_trino_480() {
    let mut demo = Demo::install(&["--set", "server.workers=3"]);
    demo.run_until("1/1 coordinator and 3/3 workers", |store| {
        ready(store, "tcb-trino-coordinator", 1) && ready(store, "tcb-trino-worker", 3)
    });
    let pod = &demo.coordinator_pods("app.kubernetes.io/component", "coordinator")[0];
    let name = pod["metadata"]["name"].as_str().expect("name").to_string();
    let info = get_json(&demo.store, &name, "/v1/info").await;
    assert_eq!(info["nodeVersion"]["version"], "480");
    // Ready came from the exec health-check, which waits for the end of start-up.
    assert_eq!(info["starting"], false);
    let cluster = get_json(&demo.store, &name, "/v1/cluster").await;
    assert_eq!(cluster["activeWorkers"], 3);
}

#[test]
fn upgrading_with_a_pinned_tag_fixes_the_crash_loop() {
    let mut demo = Demo::install(&["--version", "0.3.0"]);
    demo.run_until("coordinator in CrashLoopBackOff", |store| {
        store
            .list("Pod", Some("default"))
            .0
            .iter()
            .any(in_crash_loop)
    });
    demo.helm(&[
        "upgrade",
        "tcb",
        "trino/trino",
        "--version",
        "0.3.0",
        "--set",
        "image.tag=355",
    ]);
    demo.run_until("the rollout of 355 completes", |store| {
        ready(store, "tcb-trino-coordinator", 1)
            && ready(store, "tcb-trino-worker", 2)
            && store
                .list("Pod", Some("default"))
                .0
                .iter()
                .all(|p| p["spec"]["containers"][0]["image"] == "trinodb/trino:355")
    });
    // One new ReplicaSet per Deployment: the upgrade kept the template's
    // server-side defaults, so the controller sees exactly one change.
    assert_eq!(demo.store.list("ReplicaSet", Some("default")).0.len(), 4);
}
