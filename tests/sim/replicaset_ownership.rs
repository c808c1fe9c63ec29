//! A ReplicaSet owns the pods its selector matches: it adopts a bare pod
//! with matching labels (and removes a surplus that makes), and releases a
//! pod whose labels stop matching (and replaces it). First on the store
//! with a manual clock, then through the machine's kubectl.

use serde_json::{Value, json};

use crate::support::cluster::Cluster;
use crate::support::controllers::{Sim, running_ready};

fn replica_set(replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "shop", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "shop"}},
            "template": {
                "metadata": {"labels": {"app": "shop"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]}
            }
        }
    })
}

fn bare_pod(name: &str, app: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": app}},
        "spec": {"containers": [{"name": "web", "image": "nginx"}]}
    })
}

fn controller_uid(pod: &Value) -> Option<String> {
    pod["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .and_then(|r| r["uid"].as_str())
        .map(str::to_string)
}

fn pod(sim: &Sim, name: &str) -> Option<Value> {
    sim.store.get("Pod", Some("default"), name)
}

fn rs_uid(sim: &Sim) -> String {
    sim.store
        .get("ReplicaSet", Some("default"), "shop")
        .expect("the ReplicaSet exists")["metadata"]["uid"]
        .as_str()
        .expect("a uid")
        .to_string()
}

fn shop_ready(store: &trinetes::sim::Store, count: usize) -> bool {
    let pods: Vec<Value> = store
        .list("Pod", Some("default"))
        .0
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["app"] == "shop")
        .collect();
    pods.len() == count && pods.iter().all(running_ready)
}

#[test]
fn a_bare_pod_made_before_the_replica_set_is_adopted_and_counted() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store
        .create("Pod", bare_pod("early", "shop"))
        .expect("pod");
    sim.store.create("ReplicaSet", replica_set(3)).expect("rs");
    sim.run_until("3 shop pods running and ready", |s| shop_ready(s, 3));
    let early = pod(&sim, "early").expect("the bare pod is kept, not replaced");
    assert_eq!(controller_uid(&early), Some(rs_uid(&sim)));
    assert_eq!(sim.pods("app=shop").len(), 3, "two new pods, not three");
}

#[test]
fn a_bare_pod_added_to_a_full_replica_set_is_adopted_then_removed_as_surplus() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store.create("ReplicaSet", replica_set(2)).expect("rs");
    sim.run_until("2 shop pods ready", |s| shop_ready(s, 2));
    let before: Vec<Value> = sim.pods("app=shop");
    sim.store
        .create("Pod", bare_pod("late", "shop"))
        .expect("pod");
    // The newcomer is not ready yet, so it is the surplus the ReplicaSet removes.
    sim.run_until("the late pod is gone", |s| {
        s.get("Pod", Some("default"), "late").is_none()
    });
    let after = sim.pods("app=shop");
    let names = |pods: &[Value]| -> Vec<String> {
        let mut n: Vec<String> = pods
            .iter()
            .map(|p| {
                p["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&after), names(&before), "the original pods stay");
    let deleted = sim
        .events()
        .into_iter()
        .any(|e| e["reason"] == "SuccessfulDelete" && e["message"] == "Deleted pod: late");
    assert!(deleted, "the ReplicaSet deleted it: {:#?}", sim.events());
}

#[test]
fn a_relabelled_pod_is_released_and_replaced() {
    let mut sim = Sim::new(2, "t2.large");
    sim.store.create("ReplicaSet", replica_set(2)).expect("rs");
    sim.run_until("2 shop pods ready", |s| shop_ready(s, 2));
    let mut moved = sim.pods("app=shop").remove(0);
    let name = moved["metadata"]["name"]
        .as_str()
        .expect("name")
        .to_string();
    moved["metadata"]["labels"]["app"] = json!("solo");
    sim.store.update("Pod", moved).expect("relabel");
    sim.run_until("2 shop pods ready again", |s| shop_ready(s, 2));
    let released = pod(&sim, &name).expect("the released pod keeps running");
    assert_eq!(controller_uid(&released), None, "{released:#}");
    assert!(running_ready(&released));
    assert!(
        sim.pods("app=shop")
            .iter()
            .all(|p| p["metadata"]["name"] != name.as_str()),
        "a new pod took its place"
    );
    // Deleting the ReplicaSet no longer takes the released pod with it.
    sim.store
        .delete("ReplicaSet", Some("default"), "shop")
        .expect("delete rs");
    sim.run_until("the shop pods are gone", |s| {
        s.list("Pod", Some("default"))
            .0
            .iter()
            .all(|p| p["metadata"]["labels"]["app"] != "shop")
    });
    assert!(pod(&sim, &name).is_some(), "the released pod outlives it");
}

const SHOP: &str = "\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: web
        image: nginx
";

/// Names of the pods with `-l selector`, and the name of each one's controller.
async fn owners(sim: &Cluster, selector: &str) -> Vec<(String, String)> {
    let out = sim
        .kubectl(&[
            "get",
            "pods",
            "-l",
            selector,
            "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.metadata.ownerReferences[0].name}{\"\\n\"}{end}",
        ])
        .await;
    let mut rows: Vec<(String, String)> = out
        .lines()
        .map(|l| {
            let (name, owner) = l.split_once(' ').unwrap_or((l, ""));
            (name.to_string(), owner.to_string())
        })
        .collect();
    rows.sort();
    rows
}

/// Polls (bounded) until `done` holds for the owners listed by `selector`.
async fn wait_owners(
    sim: &Cluster,
    selector: &str,
    what: &str,
    done: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
    let mut last = Vec::new();
    for _ in 0..100 {
        last = owners(sim, selector).await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never reached: {what}; last seen {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_sees_a_replica_set_adopt_and_release_a_pod() {
    let sim = Cluster::start().await;
    let out = sim
        .kubectl(&["run", "lonely", "--image=nginx", "--labels=app=shop"])
        .await;
    assert_eq!(out, "pod/lonely created\n");
    let manifest = sim.dir.path().join("shop.yaml");
    std::fs::write(&manifest, SHOP).expect("write manifest");
    let manifest = manifest.to_str().expect("utf-8 path");
    let out = sim.kubectl(&["create", "-f", manifest]).await;
    assert_eq!(out, "replicaset.apps/shop created\n");

    let adopted = wait_owners(&sim, "app=shop", "2 pods owned by shop", |rows| {
        rows.len() == 2 && rows.iter().all(|(_, owner)| owner == "shop")
    })
    .await;
    assert!(
        adopted.iter().any(|(name, _)| name == "lonely"),
        "lonely was adopted, so only one pod was made: {adopted:?}"
    );

    let out = sim
        .kubectl(&["label", "pod", "lonely", "app=solo", "--overwrite"])
        .await;
    assert_eq!(out, "pod/lonely labeled\n");
    let shop = wait_owners(&sim, "app=shop", "a replacement for lonely", |rows| {
        rows.len() == 2
            && rows
                .iter()
                .all(|(name, owner)| owner == "shop" && name != "lonely")
    })
    .await;
    assert_eq!(shop.len(), 2);
    let solo = wait_owners(&sim, "app=solo", "lonely without an owner", |rows| {
        rows.len() == 1 && rows[0].1.is_empty()
    })
    .await;
    assert_eq!(solo, [("lonely".to_string(), String::new())]);
    sim.stop().await;
}
