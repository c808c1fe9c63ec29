//! Criterion benchmarks of the simulated controllers: one pass over a
//! settled cluster (what every wake-up without work costs), and settling
//! after a Deployment is scaled (a write and the passes it causes).

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::json;
use trinetes::sim::controllers::{ControllerOptions, Reconciler, admission};
use trinetes::sim::nodes::add_nodes;
use trinetes::sim::{Clock, Store};

const DEPLOYMENTS: usize = 5;

/// A store on a manual clock with two nodes and five Deployments of three
/// Running, Ready pods each, and its reconciler with nothing left to do.
fn settled() -> (Store, Reconciler) {
    let store = Store::new(Clock::manual(
        "2026-03-01T10:00:00Z".parse().expect("a valid timestamp"),
    ));
    store.set_admission(admission());
    add_nodes(&store, 2, "m5.large").expect("nodes");
    for i in 0..DEPLOYMENTS {
        let name = format!("web-{i}");
        store
            .create(
                "Deployment",
                json!({"metadata": {"name": name, "namespace": "default"},
                       "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
                                "template": {"metadata": {"labels": {"app": name}},
                                             "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}),
            )
            .expect("deployment");
    }
    let mut reconciler = ControllerOptions::default().reconciler(store.clone());
    // Bounded: the pods start and turn Ready within a few simulated minutes.
    for _ in 0..100 {
        reconciler.settle();
        store.clock().advance(Duration::from_secs(5));
    }
    (store, reconciler)
}

fn bench(c: &mut Criterion) {
    let (_store, mut reconciler) = settled();
    c.bench_function(
        "controllers: one pass over a settled cluster (5 deployments, 15 pods)",
        |b| b.iter(|| reconciler.pass()),
    );
    // Each scale on a cluster of its own: on one cluster the events and
    // the pods that never start (the clock stands still) pile up.
    let mut group = c.benchmark_group("controllers");
    group.sample_size(10);
    group.bench_function("settle after scaling a deployment from 3 to 4", |b| {
        b.iter_batched(
            settled,
            |(store, mut reconciler)| {
                let mut dep = store
                    .get("Deployment", Some("default"), "web-0")
                    .expect("deployment");
                dep["spec"]["replicas"] = json!(4);
                store.update("Deployment", dep).expect("scale");
                reconciler.settle()
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
