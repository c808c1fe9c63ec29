use super::*;
use crate::sim::nodes::{NodeTemplate, make_node};
use serde_json::json;
use std::net::Ipv4Addr;

fn t0() -> Timestamp {
    "2026-01-01T00:00:00Z".parse().unwrap()
}

fn node(last_octet: u8) -> Node {
    let mut t = NodeTemplate::new("t2.large");
    t.private_ip = Ipv4Addr::new(192, 168, 1, last_octet);
    serde_json::from_value(make_node(&t).unwrap()).unwrap()
}

fn pod(name: &str, cpu: &str, node: Option<&str>) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"nodeName": node, "containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": "256Mi"}}}]},
        "status": {"phase": if node.is_some() { "Running" } else { "Pending" }}
    }))
    .unwrap()
}

fn bound_to(changes: &[Change]) -> Vec<(String, String)> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Update {
                kind: "Pod",
                object,
            } => Some((
                object["metadata"]["name"].as_str().unwrap().to_string(),
                object["spec"]["nodeName"].as_str().unwrap().to_string(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn pods_spread_over_nodes_with_room() {
    let nodes = [node(1), node(2)];
    let pods = [pod("a", "500m", None), pod("b", "500m", None)];
    let changes = schedule(&pods, &nodes, t0());
    let bound = bound_to(&changes);
    assert_eq!(bound.len(), 2);
    assert_ne!(
        bound[0].1, bound[1].1,
        "two pods on two empty nodes spread out"
    );
    let scheduled: Vec<_> = changes
        .iter()
        .filter_map(|c| match c {
            Change::Event(e) => Some(e.message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        scheduled[0],
        format!("Successfully assigned default/a to {}", bound[0].1)
    );
}

#[test]
fn a_pod_that_fits_nowhere_stays_pending_with_the_reason() {
    let nodes = [node(1), node(2)];
    let pods = [pod("big", "3", None)];
    let changes = schedule(&pods, &nodes, t0());
    assert!(bound_to(&changes).is_empty());
    let Some(Change::Event(event)) = changes.last() else {
        panic!("{changes:?}")
    };
    assert_eq!(event.reason, "FailedScheduling");
    assert!(event.warning);
    assert!(
        event
            .message
            .starts_with("0/2 nodes are available: 2 Insufficient cpu."),
        "{}",
        event.message
    );
    let Some(Change::UpdateStatus { object, .. }) = changes.first() else {
        panic!()
    };
    assert_eq!(object["status"]["conditions"][0]["reason"], "Unschedulable");
    // Asking again with the condition already there says nothing new.
    let pending: Pod = serde_json::from_value(object.clone()).unwrap();
    assert!(schedule(&[pending], &nodes, t0()).is_empty());
}

#[test]
fn requests_already_placed_count_against_a_node() {
    let nodes = [node(1)];
    let name = nodes[0].metadata.name.clone().unwrap();
    let pods = [
        pod("running", "1500m", Some(&name)),
        pod("new", "500m", None),
    ];
    let changes = schedule(&pods, &nodes, t0());
    assert!(
        bound_to(&changes).is_empty(),
        "1500m + 500m exceeds 1930m allocatable"
    );
}

#[test]
fn messages_sort_reasons_and_count_nodes() {
    let failures = BTreeMap::from([
        ("Insufficient memory".to_string(), 2),
        ("Insufficient cpu".to_string(), 1),
    ]);
    assert_eq!(
        failure_message(2, &failures, 2),
        "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
    assert_eq!(
        failure_message(0, &BTreeMap::new(), 0),
        "no nodes available to schedule pods"
    );
}

#[test]
fn cordoned_and_tainted_nodes_are_skipped() {
    let mut cordoned = node(1);
    cordoned
        .spec
        .get_or_insert_with(Default::default)
        .unschedulable = Some(true);
    let mut tainted = node(2);
    tainted.spec.get_or_insert_with(Default::default).taints = Some(vec![Taint {
        key: "dedicated".into(),
        value: Some("trino".into()),
        effect: "NoSchedule".into(),
        time_added: None,
    }]);
    let changes = schedule(&[pod("p", "100m", None)], &[cordoned, tainted], t0());
    let Some(Change::Event(event)) = changes.last() else {
        panic!()
    };
    assert!(event.message.starts_with("0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: trino}, 1 node(s) were unschedulable."), "{}", event.message);
}

fn bare_pod(name: &str, node: Option<&str>) -> Pod {
    serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"nodeName": node, "containers": [{"name": "c", "image": "trinodb/trino:476"}]},
        "status": {"phase": if node.is_some() { "Running" } else { "Pending" }}
    }))
    .unwrap()
}

fn named_node(last_octet: u8) -> (Node, String) {
    let n = node(last_octet);
    let name = n.metadata.name.clone().unwrap();
    (n, name)
}

#[test]
fn replicas_without_requests_spread_over_two_nodes() {
    let (a, a_name) = named_node(1);
    let (b, b_name) = named_node(2);
    let pods = [bare_pod("worker-1", None), bare_pod("worker-2", None)];
    let bound = bound_to(&schedule(&pods, &[b, a], t0()));
    let first = a_name.clone().min(b_name.clone());
    let second = a_name.max(b_name);
    assert_eq!(
        bound,
        [
            ("worker-1".to_string(), first),
            ("worker-2".to_string(), second)
        ],
        "the first goes to the node whose name sorts first, the second to the other"
    );
}

#[test]
fn a_pod_without_requests_avoids_the_node_already_used() {
    let (a, a_name) = named_node(1);
    let (b, b_name) = named_node(2);
    let busy = a_name.clone().min(b_name.clone());
    let free = a_name.max(b_name);
    let pods = [bare_pod("placed", Some(&busy)), bare_pod("new", None)];
    assert_eq!(
        bound_to(&schedule(&pods, &[a, b], t0())),
        [("new".to_string(), free)]
    );
}

#[test]
fn scoring_counts_default_requests_but_fitting_does_not() {
    let spec = bare_pod("p", None).spec.unwrap();
    assert_eq!(
        scoring_requests(&spec),
        Resources {
            cpu_millis: 100,
            memory_bytes: 200 * 1024 * 1024
        }
    );
    assert_eq!(Resources::requested_by(&spec), Resources::default());
    let with_cpu = pod("q", "500m", None).spec.unwrap();
    assert_eq!(scoring_requests(&with_cpu).cpu_millis, 500);
}
