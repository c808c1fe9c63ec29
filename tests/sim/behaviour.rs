//! The simulated cluster behaves as Kubernetes does: self-healing, scaling,
//! rolling updates, garbage collection, scheduling failures, Service port
//! allocation. Driven on a manual clock, so nothing depends on timing.

use crate::support::controllers::{Sim, nginx_deployment, rolled_out, running_ready};
use serde_json::{Value, json};
use trinetes::sim::StoreError;

fn names(pods: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = pods
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_deployment_becomes_available_with_owned_replica_set_and_pods() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Deployment", nginx_deployment("web", 3, "nginx:1.27"))
        .unwrap();
    sim.run_until("3/3 ready", |s| {
        rolled_out(&s.get("Deployment", Some("default"), "web").unwrap(), 3)
    });

    let dep = sim.deployment("web");
    let progressing = dep["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Progressing")
        .unwrap();
    assert_eq!(progressing["reason"], "NewReplicaSetAvailable");
    assert_eq!(
        dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );

    let (rss, _) = sim.store.list("ReplicaSet", Some("default"));
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    assert_eq!(
        rs["metadata"]["ownerReferences"][0]["uid"],
        dep["metadata"]["uid"]
    );
    let hash = rs["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap();
    assert_eq!(rs["metadata"]["name"], format!("web-{hash}"));

    let pods = sim.pods("app=web");
    assert_eq!(pods.len(), 3);
    for pod in &pods {
        assert!(running_ready(pod), "{pod}");
        assert!(
            pod["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with(&format!("web-{hash}-"))
        );
        assert_eq!(
            pod["metadata"]["ownerReferences"][0]["uid"],
            rs["metadata"]["uid"]
        );
        assert!(
            pod["status"]["podIP"]
                .as_str()
                .unwrap()
                .starts_with("192.168.")
        );
        assert!(
            !sim.store
                .logs(
                    "default",
                    pod["metadata"]["name"].as_str().unwrap(),
                    "nginx"
                )
                .is_empty()
        );
    }
    let reasons: Vec<String> = sim
        .events()
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect();
    for reason in [
        "ScalingReplicaSet",
        "SuccessfulCreate",
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",
    ] {
        assert!(
            reasons.iter().any(|r| r == reason),
            "no {reason} event in {reasons:?}"
        );
    }
}

#[test]
fn a_deleted_pod_is_replaced() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Deployment", nginx_deployment("web", 3, "nginx:1.27"))
        .unwrap();
    sim.run_until("3/3 ready", |s| {
        rolled_out(&s.get("Deployment", Some("default"), "web").unwrap(), 3)
    });
    let before = names(&sim.pods("app=web"));
    sim.store
        .delete("Pod", Some("default"), &before[0])
        .unwrap();
    sim.run_until("a replacement pod", |s| {
        let pods: Vec<Value> = s.list("Pod", Some("default")).0;
        pods.len() == 3
            && pods.iter().all(running_ready)
            && rolled_out(&s.get("Deployment", Some("default"), "web").unwrap(), 3)
    });
    let after = names(&sim.pods("app=web"));
    assert!(!after.contains(&before[0]));
    assert_eq!(after.iter().filter(|n| before.contains(n)).count(), 2);
    assert!(sim.events().iter().any(|e| e["reason"] == "Killing"));
}

#[test]
fn scaling_up_to_five_and_back_to_three() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Deployment", nginx_deployment("web", 3, "nginx:1.27"))
        .unwrap();
    sim.run_until("3/3", |s| {
        rolled_out(&s.get("Deployment", Some("default"), "web").unwrap(), 3)
    });
    for replicas in [5, 3] {
        let mut dep = sim.deployment("web");
        dep["spec"]["replicas"] = json!(replicas);
        sim.store.update("Deployment", dep).unwrap();
        sim.run_until("scaled", |s| {
            rolled_out(
                &s.get("Deployment", Some("default"), "web").unwrap(),
                replicas,
            ) && s.list("Pod", Some("default")).0.len() == replicas as usize
        });
    }
    let messages: Vec<String> = sim
        .events()
        .iter()
        .filter(|e| e["reason"] == "ScalingReplicaSet")
        .map(|e| e["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Scaled up") && m.ends_with("from 3 to 5")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Scaled down") && m.ends_with("from 5 to 3")),
        "{messages:?}"
    );
}

#[test]
fn a_rolling_update_replaces_every_pod() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Deployment", nginx_deployment("web", 4, "nginx:1.27"))
        .unwrap();
    sim.run_until("4/4", |s| {
        rolled_out(&s.get("Deployment", Some("default"), "web").unwrap(), 4)
    });
    let old = names(&sim.pods("app=web"));
    let mut dep = sim.deployment("web");
    dep["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
    sim.store.update("Deployment", dep).unwrap();
    let mut most_pods = 0;
    for _ in 0..200 {
        let wake = sim.reconciler.settle();
        most_pods = most_pods.max(
            sim.pods("app=web")
                .iter()
                .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
                .count(),
        );
        if rolled_out(&sim.deployment("web"), 4) && sim.pods("app=web").len() == 4 {
            break;
        }
        let now = sim.store.clock().now();
        let step = wake
            .map(|at| std::time::Duration::try_from(at.duration_since(now)).unwrap())
            .unwrap_or(std::time::Duration::from_secs(1));
        sim.store
            .clock()
            .advance(step.max(std::time::Duration::from_millis(1)));
    }
    let pods = sim.pods("app=web");
    assert!(rolled_out(&sim.deployment("web"), 4));
    assert_eq!(pods.len(), 4);
    for pod in &pods {
        assert!(!old.contains(&pod["metadata"]["name"].as_str().unwrap().to_string()));
        assert_eq!(pod["spec"]["containers"][0]["image"], "nginx:1.28");
    }
    assert!(
        most_pods <= 5,
        "maxSurge 25% of 4 allows one extra pod, saw {most_pods}"
    );
    let dep = sim.deployment("web");
    assert_eq!(
        dep["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );
    assert_eq!(
        sim.store.list("ReplicaSet", Some("default")).0.len(),
        2,
        "the old ReplicaSet stays, scaled to 0, for rollback"
    );
}

#[test]
fn deleting_a_deployment_collects_its_replica_sets_and_pods() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Deployment", nginx_deployment("web", 2, "nginx:1.27"))
        .unwrap();
    sim.run_until("2/2", |s| {
        rolled_out(&s.get("Deployment", Some("default"), "web").unwrap(), 2)
    });
    sim.store
        .delete("Deployment", Some("default"), "web")
        .unwrap();
    sim.run_until("nothing left", |s| {
        s.list("ReplicaSet", None).0.is_empty() && s.list("Pod", None).0.is_empty()
    });
}

#[test]
fn a_pod_too_big_for_any_node_stays_pending() {
    let mut sim = Sim::new(2, "t2.large");
    let mut dep = nginx_deployment("big", 1, "nginx:1.27");
    dep["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = json!("3");
    sim.store.create("Deployment", dep).unwrap();
    sim.run_until("a FailedScheduling event", |s| {
        s.list("Event", None)
            .0
            .iter()
            .any(|e| e["reason"] == "FailedScheduling")
    });
    let event = sim
        .events()
        .into_iter()
        .find(|e| e["reason"] == "FailedScheduling")
        .unwrap();
    assert_eq!(event["type"], "Warning");
    assert!(
        event["message"]
            .as_str()
            .unwrap()
            .starts_with("0/2 nodes are available: 2 Insufficient cpu."),
        "{event}"
    );
    let pods = sim.pods("app=big");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0]["status"]["phase"], "Pending");
    assert!(pods[0]["spec"]["nodeName"].is_null());
    let scheduled = pods[0]["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "PodScheduled")
        .unwrap();
    assert_eq!(
        (scheduled["status"].as_str(), scheduled["reason"].as_str()),
        (Some("False"), Some("Unschedulable"))
    );
    assert_eq!(
        sim.deployment("big")["status"]["availableReplicas"],
        Value::Null
    );
}

#[test]
fn a_taken_node_port_is_refused_with_invalid() {
    let sim = Sim::new(1, "t2.large");
    let service = |name: &str| {
        json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "nodePort": 30080}]}
        })
    };
    sim.store.create("Service", service("first")).unwrap();
    let err = sim.store.create("Service", service("second")).unwrap_err();
    let StoreError::Invalid { causes, .. } = &err else {
        panic!("expected Invalid, got {err:?}")
    };
    assert_eq!(causes[0].field, "spec.ports[0].nodePort");
    assert_eq!(
        err.to_string(),
        "Service \"second\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
    );
}

#[test]
fn endpoints_follow_ready_pods_and_the_kubernetes_service_exists() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Deployment", nginx_deployment("web", 2, "nginx:1.27"))
        .unwrap();
    sim.store
        .create(
            "Service",
            json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}
            }),
        )
        .unwrap();
    sim.run_until("two ready endpoints", |s| {
        s.get("Endpoints", Some("default"), "web").is_some_and(|e| {
            e["subsets"][0]["addresses"]
                .as_array()
                .is_some_and(|a| a.len() == 2)
        })
    });
    let kubernetes = sim
        .store
        .get("Service", Some("default"), "kubernetes")
        .unwrap();
    assert_eq!(kubernetes["spec"]["clusterIP"], "10.100.0.1");
    assert_eq!(kubernetes["spec"]["ports"][0]["port"], 443);
    let web = sim.store.get("Service", Some("default"), "web").unwrap();
    assert!(
        web["spec"]["clusterIP"]
            .as_str()
            .unwrap()
            .starts_with("10.100.")
    );
}

#[test]
fn a_crashing_container_goes_into_crash_loop_back_off() {
    let mut sim = Sim::new(1, "t2.large");
    let mut dep = nginx_deployment("crash", 1, "busybox:1.36");
    dep["spec"]["template"]["spec"]["containers"][0]["command"] =
        json!(["sh", "-c", "echo starting; exit 1"]);
    sim.store.create("Deployment", dep).unwrap();
    sim.run_until("two restarts", |s| {
        s.list("Pod", None).0.iter().any(|p| {
            p["status"]["containerStatuses"][0]["restartCount"]
                .as_i64()
                .unwrap_or(0)
                >= 2
        })
    });
    let pod = &sim.pods("app=crash")[0];
    let cs = &pod["status"]["containerStatuses"][0];
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 1);
    let backoff = sim
        .events()
        .into_iter()
        .find(|e| e["reason"] == "BackOff")
        .expect("a BackOff event");
    assert_eq!(backoff["type"], "Warning");
}

/// The spawned controllers react to store changes on their own; the test
/// only moves the manual clock.
#[tokio::test]
async fn spawned_controllers_follow_the_watch_and_the_clock() {
    use trinetes::sim::controllers::{ControllerOptions, Controllers};
    let sim = Sim::new(2, "t2.large");
    let store = sim.store.clone();
    let controllers = Controllers::spawn(store.clone(), ControllerOptions::default());
    store
        .create("Deployment", nginx_deployment("web", 2, "nginx:1.27"))
        .unwrap();
    let mut done = false;
    for _ in 0..500 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        if rolled_out(&store.get("Deployment", Some("default"), "web").unwrap(), 2) {
            done = true;
            break;
        }
        store.clock().advance(std::time::Duration::from_millis(500));
    }
    controllers.shutdown().await;
    assert!(
        done,
        "the Deployment never became available: {}",
        store.get("Deployment", Some("default"), "web").unwrap()
    );
}

/// A Deployment stored without the API server's defaults (seeded before
/// admission was installed) still maps onto one ReplicaSet; the controller
/// must not mistake the defaulted copy for a different template.
#[test]
fn a_deployment_without_defaults_settles_on_one_replica_set() {
    use trinetes::sim::controllers::{ControllerOptions, admission};
    use trinetes::sim::{Clock, Store};
    let store = Store::new(Clock::manual(crate::support::controllers::t0()));
    trinetes::sim::nodes::add_nodes(&store, 1, "t2.large").unwrap();
    store
        .create("Deployment", nginx_deployment("web", 1, "nginx:1.27"))
        .unwrap();
    store.set_admission(admission());
    let mut reconciler = ControllerOptions::default().reconciler(store.clone());
    for _ in 0..20 {
        reconciler.settle();
        store.clock().advance(std::time::Duration::from_secs(1));
    }
    assert_eq!(store.list("ReplicaSet", None).0.len(), 1);
    assert!(rolled_out(
        &store.get("Deployment", Some("default"), "web").unwrap(),
        1
    ));
}
