//! Does Trino start? The decision for the charts' rendered config and image
//! tags (FACTS.md §1), and the container runtime the kubelet uses.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};
use trinetes::sim::helm::{HelmEnv, HelmSim, ReleaseTarget, UserValues, trino_chart};
use trinetes::sim::runtime::{ContainerContext, ContainerRuntime};
use trinetes::sim::trino::{
    PROBE_LAG, StartupOutcome, StartupTiming, TrinoConfig, TrinoRuntime, decide_startup,
};
use trinetes::sim::{Clock, Store};

fn start() -> Timestamp {
    "2021-12-16T18:05:03Z".parse().expect("valid timestamp")
}

/// The coordinator's image and config as chart `version` renders them.
fn rendered(version: &str, sets: &[&str]) -> (String, TrinoConfig) {
    let mut user = UserValues::new();
    for set in sets {
        user.add_set(set, false).expect("valid --set");
    }
    let target = ReleaseTarget {
        name: "tcb".into(),
        namespace: "default".into(),
        revision: 1,
    };
    let out = trino_chart(Some(version))
        .expect("chart")
        .render(&target, &user)
        .expect("renders");
    let deployment = out
        .find("Deployment", "tcb-trino-coordinator")
        .expect("coordinator");
    let image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .expect("image")
        .to_string();
    let data = &out
        .find("ConfigMap", "tcb-trino-coordinator")
        .expect("config")["data"];
    let file = |k: &str| data[k].as_str().expect("file").to_string();
    let config = TrinoConfig {
        jvm_config: file("jvm.config"),
        config_properties: file("config.properties"),
        node_properties: file("node.properties"),
    };
    (image, config)
}

fn decide(version: &str, sets: &[&str]) -> StartupOutcome {
    let (image, config) = rendered(version, sets);
    decide_startup(
        &image,
        &config,
        "tcb-trino-coordinator-abc",
        start(),
        StartupTiming::default(),
    )
}

#[test]
fn chart_0_3_0_with_latest_crashes_in_the_jvm() {
    let StartupOutcome::Crashes {
        exit_logs,
        exit_code,
        startup_logs,
        ..
    } = decide("0.3.0", &[])
    else {
        panic!("0.3.0 with trinodb/trino:latest must not start");
    };
    assert_eq!(exit_code, 1);
    // The JVM refuses the option at once: the lines come with the start.
    assert!(exit_logs.is_empty(), "{exit_logs:?}");
    assert!(startup_logs[0].starts_with("+ exec /usr/lib/trino/bin/launcher run"));
    assert_eq!(
        startup_logs[1..],
        [
            "Unrecognized VM option 'UseBiasedLocking'",
            "Error: Could not create the Java Virtual Machine.",
            "Error: A fatal exception has occurred. Program will exit.",
        ]
    );
}

#[test]
fn chart_0_3_0_pinned_to_355_starts() {
    let StartupOutcome::Starts { version, logs, .. } = decide("0.3.0", &["image.tag=355"]) else {
        panic!("0.3.0 with 355 must start");
    };
    assert_eq!(version, 355);
    let last = logs.last().expect("log lines");
    assert!(
        last.ends_with("\tINFO\tmain\tio.trino.server.Server\t======== SERVER STARTED ========"),
        "{last}"
    );
    assert!(logs.iter().any(|l| l.contains("Added catalog tpch")));
    assert!(logs.iter().all(|l| !l.contains("UseBiasedLocking")));
}

#[test]
fn chart_0_3_0_with_a_java_17_trino_fails_on_the_removed_memory_property() {
    let StartupOutcome::Crashes {
        exit_logs,
        startup_logs,
        ..
    } = decide("0.3.0", &["image.tag=400"])
    else {
        panic!("0.3.0 with 400 must not start");
    };
    assert!(
        startup_logs
            .iter()
            .any(|l| l.contains("UseBiasedLocking was deprecated"))
    );
    assert!(exit_logs.iter().any(|l| {
        l.contains("Configuration property 'query.max-total-memory-per-node' was not used")
    }));
}

#[test]
fn the_current_chart_starts_with_its_app_version() {
    let StartupOutcome::Starts { version, .. } = decide("1.42.2", &[]) else {
        panic!("1.42.2 must start");
    };
    assert_eq!(version, 480);
}

fn context(pod: &str, container: &str, image: &str) -> ContainerContext {
    ContainerContext {
        namespace: "default".into(),
        pod: pod.into(),
        container: container.into(),
        image: image.into(),
        command: vec![],
        args: vec![],
        env: BTreeMap::new(),
        ports: vec![8080],
        pod_ip: "192.168.3.4".into(),
        node: "ip-192-168-1-1.ec2.internal".into(),
        restart_count: 0,
    }
}

/// Installs the chart, then creates a pod from a Deployment's template, as the
/// ReplicaSet controller would.
fn installed(version: &str, sets: &[&str]) -> Store {
    let store = Store::new(Clock::manual(start()));
    let mut helm = HelmSim::new();
    let env = HelmEnv::new(start()).with_cluster(&store);
    helm.run(
        &["repo", "add", "trino", "https://trinodb.github.io/charts"],
        &env,
    );
    let mut args = vec!["install", "tcb", "trino/trino", "--version", version];
    for set in sets {
        args.extend(["--set", set]);
    }
    let out = helm.run(&args, &env);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    store
}

fn pod_from(store: &Store, deployment: &str, pod: &str, ready: bool) {
    let deployment = store
        .get("Deployment", Some("default"), deployment)
        .expect("deployment installed");
    let template = &deployment["spec"]["template"];
    let status = if ready { "True" } else { "False" };
    store
        .create(
            "Pod",
            json!({
                "metadata": {"name": pod, "namespace": "default", "labels": template["metadata"]["labels"]},
                "spec": template["spec"],
                "status": {"conditions": [{"type": "Ready", "status": status}]},
            }),
        )
        .expect("pod created");
}

fn image_of(store: &Store, deployment: &str) -> String {
    store
        .get("Deployment", Some("default"), deployment)
        .expect("deployment")["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .expect("image")
        .to_string()
}

#[test]
fn the_runtime_claims_trino_images_only() {
    let runtime = TrinoRuntime::new(Store::new(Clock::manual(start())), StartupTiming::default());
    for image in [
        "trinodb/trino",
        "trinodb/trino:355",
        "docker.io/trinodb/trino:480",
    ] {
        assert!(runtime.handles(image), "{image}");
    }
    for image in ["nginx:1.27", "trinodb/trino-gateway:1", "someone/trino:1"] {
        assert!(!runtime.handles(image), "{image}");
    }
}

#[test]
fn the_runtime_crash_loops_chart_0_3_0_with_latest() {
    let store = installed("0.3.0", &[]);
    pod_from(
        &store,
        "tcb-trino-coordinator",
        "tcb-trino-coordinator-abc",
        false,
    );
    let runtime = TrinoRuntime::new(store.clone(), StartupTiming::default());
    let ctx = context(
        "tcb-trino-coordinator-abc",
        "trino-coordinator",
        &image_of(&store, "tcb-trino-coordinator"),
    );
    let behaviour = runtime.behaviour(&ctx);
    let exit = behaviour.exit.expect("the container exits");
    assert_eq!(exit.code, 1);
    assert_eq!(
        behaviour.startup_logs[1],
        "Unrecognized VM option 'UseBiasedLocking'"
    );
    assert!(runtime.port_handler(&ctx, 8080).is_none());
}

#[test]
fn the_runtime_serves_a_pinned_0_3_0_and_reads_the_config_map() {
    let store = installed("0.3.0", &["image.tag=355"]);
    pod_from(
        &store,
        "tcb-trino-coordinator",
        "tcb-trino-coordinator-abc",
        true,
    );
    let runtime = TrinoRuntime::new(store.clone(), StartupTiming::default());
    let ctx = context(
        "tcb-trino-coordinator-abc",
        "trino-coordinator",
        &image_of(&store, "tcb-trino-coordinator"),
    );
    let config = runtime.config_of(&ctx);
    assert!(config.is_coordinator());
    assert!(config.jvm_config.contains("-XX:-UseBiasedLocking"));
    let behaviour = runtime.behaviour(&ctx);
    assert!(behaviour.exit.is_none());
    // httpGet /v1/info answers while Trino is still starting, but the pod
    // turns Ready only after the log says SERVER STARTED.
    assert_eq!(
        behaviour.readiness_delay,
        Some(StartupTiming::default().started + PROBE_LAG)
    );
    assert!(runtime.port_handler(&ctx, 8080).is_some());
    assert!(runtime.port_handler(&ctx, 9999).is_none());
}

#[test]
fn the_current_chart_is_ready_only_after_start_up() {
    let store = installed("1.42.2", &[]);
    pod_from(&store, "tcb-trino-worker", "tcb-trino-worker-abc", false);
    let runtime = TrinoRuntime::new(store.clone(), StartupTiming::default());
    let ctx = context(
        "tcb-trino-worker-abc",
        "trino-worker",
        &image_of(&store, "tcb-trino-worker"),
    );
    assert!(!runtime.config_of(&ctx).is_coordinator());
    let behaviour = runtime.behaviour(&ctx);
    assert!(behaviour.exit.is_none());
    assert_eq!(
        behaviour.readiness_delay,
        Some(StartupTiming::default().started + PROBE_LAG)
    );
}

/// The coordinator's log says SERVER STARTED before its pod turns Ready, on
/// the episode's pinned chart (an httpGet probe) and the current one (exec).
#[test]
fn the_log_says_server_started_before_the_pod_is_ready() {
    for (chart, sets) in [("0.3.0", &["image.tag=355"][..]), ("1.42.2", &[][..])] {
        let store = installed(chart, sets);
        pod_from(
            &store,
            "tcb-trino-coordinator",
            "tcb-trino-coordinator-abc",
            false,
        );
        let runtime = TrinoRuntime::new(store.clone(), StartupTiming::default());
        let ctx = context(
            "tcb-trino-coordinator-abc",
            "trino-coordinator",
            &image_of(&store, "tcb-trino-coordinator"),
        );
        let before = store.clock().now();
        let behaviour = runtime.behaviour(&ctx);
        let started_line = behaviour
            .startup_logs
            .iter()
            .find(|l| l.ends_with("======== SERVER STARTED ========"))
            .unwrap_or_else(|| {
                panic!(
                    "{chart}: no SERVER STARTED in {:#?}",
                    behaviour.startup_logs
                )
            });
        let logged_at: Timestamp = started_line
            .split('\t')
            .next()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{chart}: no timestamp in {started_line}"));
        let ready_at = before
            .checked_add(behaviour.readiness_delay.expect("a readiness delay"))
            .expect("in range");
        assert!(
            logged_at < ready_at,
            "{chart}: SERVER STARTED at {logged_at}, Ready at {ready_at}"
        );
    }
}

async fn fetch(store: &Store, pod: &str, path: &str) -> String {
    use http_body_util::BodyExt;
    let stream = store
        .pod_network()
        .connect("default", pod, 8080)
        .expect("port bound");
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .expect("handshake");
    let driver = tokio::spawn(connection);
    let response = sender
        .send_request(
            hyper::Request::get(path)
                .header("host", "localhost")
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
    String::from_utf8(body.to_vec()).expect("utf-8")
}

#[tokio::test]
async fn the_coordinator_ui_counts_the_releases_ready_workers() {
    let store = installed("0.3.0", &["image.tag=355"]);
    pod_from(
        &store,
        "tcb-trino-coordinator",
        "tcb-trino-coordinator-abc",
        true,
    );
    pod_from(&store, "tcb-trino-worker", "tcb-trino-worker-1", true);
    pod_from(&store, "tcb-trino-worker", "tcb-trino-worker-2", false);
    let runtime = TrinoRuntime::new(store.clone(), StartupTiming::default());
    let ctx = context(
        "tcb-trino-coordinator-abc",
        "trino-coordinator",
        &image_of(&store, "tcb-trino-coordinator"),
    );
    let handler = runtime.port_handler(&ctx, 8080).expect("serves HTTP");
    store
        .pod_network()
        .bind("default", "tcb-trino-coordinator-abc", 8080, handler);
    let info: Value =
        serde_json::from_str(&fetch(&store, "tcb-trino-coordinator-abc", "/v1/info").await)
            .expect("JSON");
    assert_eq!(info["nodeVersion"]["version"], "355");
    assert_eq!(info["environment"], "production");
    assert_eq!(info["starting"], true);
    let page = fetch(&store, "tcb-trino-coordinator-abc", "/ui/").await;
    assert!(page.contains("id=\"active-workers\">1<"), "{page}");
    store.clock().advance(Duration::from_secs(20));
    let info: Value =
        serde_json::from_str(&fetch(&store, "tcb-trino-coordinator-abc", "/v1/info").await)
            .expect("JSON");
    assert_eq!(info["starting"], false);
}

/// A coordinator that was running before a restart (its pod says since
/// when) keeps its uptime when its server comes back, and a rebase of the
/// world's clock does not take any of it away.
#[tokio::test]
async fn uptime_goes_on_across_a_restart_and_a_rebase() {
    let store = installed("0.3.0", &["image.tag=355"]);
    pod_from(
        &store,
        "tcb-trino-coordinator",
        "tcb-trino-coordinator-abc",
        true,
    );
    let mut pod = store
        .get("Pod", Some("default"), "tcb-trino-coordinator-abc")
        .expect("pod");
    pod["status"]["containerStatuses"] = json!([{
        "name": "trino-coordinator",
        "state": {"running": {"startedAt": start().to_string()}}
    }]);
    store.update_status("Pod", pod).expect("status");
    store.clock().advance(Duration::from_secs(600));
    let runtime = TrinoRuntime::new(store.clone(), StartupTiming::default());
    let ctx = context(
        "tcb-trino-coordinator-abc",
        "trino-coordinator",
        &image_of(&store, "tcb-trino-coordinator"),
    );
    let handler = runtime.port_handler(&ctx, 8080).expect("serves HTTP");
    store
        .pod_network()
        .bind("default", "tcb-trino-coordinator-abc", 8080, handler);
    let uptime = |info: &str| -> Value {
        serde_json::from_str::<Value>(info).expect("JSON")["uptime"].clone()
    };
    let info = fetch(&store, "tcb-trino-coordinator-abc", "/v1/info").await;
    assert_eq!(uptime(&info), "10.00m", "{info}");
    // The clock moves back five minutes, the timestamps with it.
    store.rebase(
        start()
            .checked_add(jiff::SignedDuration::from_secs(300))
            .expect("in range"),
    );
    let info = fetch(&store, "tcb-trino-coordinator-abc", "/v1/info").await;
    assert_eq!(uptime(&info), "10.00m", "{info}");
}
