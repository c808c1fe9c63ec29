//! Shared set-up for the simulator's controller tests: a store on a manual
//! clock with Ready nodes, and a way to run the controllers until a
//! condition holds, advancing simulated time only when nothing is left to do.
#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};
use trinetes::sim::controllers::{ControllerOptions, Reconciler, admission};
use trinetes::sim::nodes::add_nodes;
use trinetes::sim::{Clock, Store};

pub fn t0() -> jiff::Timestamp {
    "2026-03-01T10:00:00Z".parse().expect("a valid timestamp")
}

pub struct Sim {
    pub store: Store,
    pub reconciler: Reconciler,
}

impl Sim {
    pub fn new(nodes: usize, instance_type: &str) -> Sim {
        let store = Store::new(Clock::manual(t0()));
        store.set_admission(admission());
        add_nodes(&store, nodes, instance_type).expect("nodes");
        let reconciler = ControllerOptions::default().reconciler(store.clone());
        Sim { store, reconciler }
    }

    /// Settles the controllers, then jumps simulated time to the next timer,
    /// until `done` holds. Fails after `max_steps` jumps.
    pub fn run_until(&mut self, what: &str, done: impl Fn(&Store) -> bool) {
        for _ in 0..200 {
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

    pub fn pods(&self, label: &str) -> Vec<Value> {
        let (key, value) = label.split_once('=').expect("label as key=value");
        self.store
            .list("Pod", Some("default"))
            .0
            .into_iter()
            .filter(|p| p["metadata"]["labels"][key] == value)
            .collect()
    }

    pub fn deployment(&self, name: &str) -> Value {
        self.store
            .get("Deployment", Some("default"), name)
            .expect("deployment exists")
    }

    pub fn events(&self) -> Vec<Value> {
        self.store.list("Event", None).0
    }
}

pub fn nginx_deployment(name: &str, replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{
                    "name": "nginx", "image": image,
                    "ports": [{"containerPort": 80}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}
                }]}
            }
        }
    })
}

/// readyReplicas == replicas == updatedReplicas == availableReplicas, and
/// the controller has seen the latest spec.
pub fn rolled_out(dep: &Value, replicas: i64) -> bool {
    let s = &dep["status"];
    dep["metadata"]["generation"] == s["observedGeneration"]
        && [
            &s["replicas"],
            &s["readyReplicas"],
            &s["updatedReplicas"],
            &s["availableReplicas"],
        ]
        .iter()
        .all(|v| v.as_i64().unwrap_or(0) == replicas)
}

pub fn running_ready(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running"
        && pod["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}
