//! The episode's exec, with the machine's kubectl: after `helm install` of
//! the Trino chart (the episode's 0.3.0 with image 355, and today's chart),
//! `kubectl exec deploy/...` reads `/etc/trino` as the chart mounted it, and
//! `coordinator=` differs between the coordinator and a worker.

use std::time::Duration;

use jiff::Timestamp;
use trinetes::sim::controllers::{ControllerOptions, admission};
use trinetes::sim::helm::{HelmEnv, HelmSim};
use trinetes::sim::nodes::add_nodes;
use trinetes::sim::runtime::RuntimeRegistry;
use trinetes::sim::trino::{StartupTiming, register_trino_runtime};
use trinetes::sim::{Clock, Store};

use crate::support::apiserver::Sim;

fn ready(store: &Store, deployment: &str, want: i64) -> bool {
    store
        .get("Deployment", Some("default"), deployment)
        .is_some_and(|d| d["status"]["readyReplicas"].as_i64() == Some(want))
}

/// Two nodes, `helm install tcb trino/trino ARGS`, run until both
/// Deployments are ready; then the API server on that store.
async fn trino(install_args: &[&str]) -> Sim {
    let start: Timestamp = "2021-12-16T18:00:00Z".parse().expect("valid timestamp");
    let store = Store::new(Clock::manual(start));
    store.set_admission(admission());
    add_nodes(&store, 2, "t2.large").expect("nodes");
    let runtimes = RuntimeRegistry::default();
    register_trino_runtime(&runtimes, store.clone(), StartupTiming::default());
    let mut reconciler = ControllerOptions {
        runtimes,
        ..ControllerOptions::default()
    }
    .reconciler(store.clone());
    let mut helm = HelmSim::new();
    let env = HelmEnv::new(store.clock().now()).with_cluster(&store);
    helm.run(
        &["repo", "add", "trino", "https://trinodb.github.io/charts/"],
        &env,
    );
    let mut args = vec!["install", "tcb", "trino/trino"];
    args.extend_from_slice(install_args);
    let out = helm.run(&args, &env);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let mut done = false;
    // Bounded: each round jumps to the controllers' next timer.
    for _ in 0..300 {
        let wake = reconciler.settle();
        if ready(&store, "tcb-trino-coordinator", 1) && ready(&store, "tcb-trino-worker", 2) {
            done = true;
            break;
        }
        let now = store.clock().now();
        let step = wake
            .map(|at| Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO))
            .filter(|d| !d.is_zero())
            .unwrap_or(Duration::from_secs(1));
        store.clock().advance(step);
    }
    assert!(done, "Trino never became ready");
    Sim::with_store(store).await
}

async fn read_trino_config(sim: &Sim) {
    let listing = sim
        .kubectl_ok(&[
            "exec",
            "deploy/tcb-trino-coordinator",
            "--",
            "ls",
            "/etc/trino",
            "/etc/trino/catalog",
        ])
        .await;
    for file in [
        "config.properties",
        "jvm.config",
        "log.properties",
        "node.properties",
        "tpcds.properties",
        "tpch.properties",
    ] {
        assert!(listing.contains(file), "{file} in:\n{listing}");
    }
    let coordinator = sim
        .kubectl_ok(&[
            "exec",
            "deploy/tcb-trino-coordinator",
            "--",
            "cat",
            "/etc/trino/config.properties",
        ])
        .await;
    assert!(
        coordinator.lines().any(|l| l == "coordinator=true"),
        "{coordinator}"
    );
    let worker = sim
        .kubectl_ok(&[
            "exec",
            "deploy/tcb-trino-worker",
            "--",
            "cat",
            "/etc/trino/config.properties",
        ])
        .await;
    assert!(worker.lines().any(|l| l == "coordinator=false"), "{worker}");
    let grep = sim
        .kubectl(&[
            "exec",
            "deploy/tcb-trino-worker",
            "--",
            "sh",
            "-c",
            "grep -n coordinator /etc/trino/config.properties && echo found",
        ])
        .await;
    assert_eq!(grep.status, 0, "{}", grep.stderr);
    assert!(grep.stdout.ends_with("found\n"), "{}", grep.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_episodes_chart_with_image_355() {
    let sim = trino(&["--version", "0.3.0", "--set", "image.tag=355"]).await;
    read_trino_config(&sim).await;
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn todays_chart() {
    let sim = trino(&["--set", "server.workers=2"]).await;
    read_trino_config(&sim).await;
    sim.stop().await;
}
