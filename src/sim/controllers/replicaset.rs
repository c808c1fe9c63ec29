//! The replica set controller: keeps the number of pods at spec.replicas,
//! replaces deleted ones, and reports ready and available counts.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetStatus};
use k8s_openapi::api::core::v1::{Pod, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::change::{Change, EventRecord, controller_ref, is_terminating, object_ref, to_wire};
use super::names::random_suffix;
use super::pods;

const COMPONENT: &str = "replicaset-controller";

/// Writes for one ReplicaSet given the pods it controls, and when it next
/// needs a look (a ready pod becoming available after minReadySeconds).
pub fn reconcile_replica_set(
    rs: &ReplicaSet,
    owned: &[Pod],
    now: Timestamp,
) -> (Vec<Change>, Option<Timestamp>) {
    let mut changes = Vec::new();
    if is_terminating(&rs.metadata) {
        return (changes, None);
    }
    let wanted = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let mut active: Vec<&Pod> = owned.iter().filter(|p| pods::is_active(p)).collect();
    let me = object_ref("apps/v1", "ReplicaSet", &rs.metadata);

    if active.len() < wanted {
        for _ in active.len()..wanted {
            let pod = pod_for(rs);
            let name = pod.metadata.name.clone().unwrap_or_default();
            changes.push(Change::Create {
                kind: "Pod",
                object: to_wire(&pod),
            });
            changes.push(Change::Event(EventRecord::normal(
                me.clone(),
                COMPONENT,
                "SuccessfulCreate",
                format!("Created pod: {name}"),
            )));
        }
    } else if active.len() > wanted {
        active.sort_by_key(|p| deletion_rank(p));
        for pod in active.drain(..active.len() - wanted) {
            let name = pod.metadata.name.clone().unwrap_or_default();
            changes.push(Change::Delete {
                kind: "Pod",
                namespace: pod.metadata.namespace.clone(),
                name: name.clone(),
            });
            changes.push(Change::Event(EventRecord::normal(
                me.clone(),
                COMPONENT,
                "SuccessfulDelete",
                format!("Deleted pod: {name}"),
            )));
        }
    }

    let min_ready = rs.spec.min_ready_seconds.unwrap_or(0);
    let template_labels = rs
        .spec
        .template
        .as_ref()
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let counted: Vec<&Pod> = owned.iter().filter(|p| pods::is_active(p)).collect();
    let count = |f: &dyn Fn(&Pod) -> bool| counted.iter().filter(|p| f(p)).count() as i32;
    let positive = |v: i32| (v > 0).then_some(v);
    let status = ReplicaSetStatus {
        replicas: counted.len() as i32,
        fully_labeled_replicas: positive(count(&|p| {
            pods::map_selects(&template_labels, p.metadata.labels.as_ref())
                || template_labels.is_empty()
        })),
        ready_replicas: positive(count(&pods::is_ready)),
        available_replicas: positive(count(&|p| pods::is_available(p, min_ready, now))),
        observed_generation: rs.metadata.generation,
        conditions: None,
        terminating_replicas: None,
    };
    if rs.status.as_ref() != Some(&status) {
        let mut updated = rs.clone();
        updated.status = Some(status);
        changes.push(Change::UpdateStatus {
            kind: "ReplicaSet",
            object: to_wire(&updated),
        });
    }
    let wake = counted
        .iter()
        .filter_map(|p| pods::available_at(p, min_ready))
        .filter(|at| *at > now)
        .min();
    (changes, wake)
}

/// Lower ranks are deleted first: unscheduled, then pending, then not
/// ready, then the youngest.
fn deletion_rank(pod: &Pod) -> (u8, u8, u8, std::cmp::Reverse<Option<Timestamp>>) {
    (
        u8::from(pods::node_name(pod).is_some()),
        u8::from(pods::phase(pod) != "Pending"),
        u8::from(pods::is_ready(pod)),
        std::cmp::Reverse(pod.metadata.creation_timestamp.as_ref().map(|t| t.0)),
    )
}

/// A new pod from the ReplicaSet's template, named `<rs>-<5 chars>`.
pub fn pod_for(rs: &ReplicaSet) -> Pod {
    let rs_name = rs.metadata.name.clone().unwrap_or_default();
    let template = rs.spec.template.clone().unwrap_or_default();
    let template_meta = template.metadata.unwrap_or_default();
    let mut spec: PodSpec = template.spec.unwrap_or_default();
    spec.node_name = None;
    let qos = pods::qos_class(&spec);
    Pod {
        metadata: ObjectMeta {
            name: Some(format!("{rs_name}-{}", random_suffix(5))),
            generate_name: Some(format!("{rs_name}-")),
            namespace: rs.metadata.namespace.clone(),
            labels: template_meta.labels,
            annotations: template_meta
                .annotations
                .filter(|a: &BTreeMap<_, _>| !a.is_empty()),
            owner_references: Some(vec![controller_ref("apps/v1", "ReplicaSet", &rs.metadata)]),
            ..ObjectMeta::default()
        },
        spec: Some(spec),
        status: Some(PodStatus {
            phase: Some("Pending".to_string()),
            qos_class: Some(qos.to_string()),
            ..PodStatus::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t0() -> Timestamp {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    fn replica_set(replicas: i32) -> ReplicaSet {
        serde_json::from_value(json!({
            "metadata": {"name": "web-5d8f6c7b9", "namespace": "default", "uid": "rs-uid", "generation": 2},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
            }
        }))
        .unwrap()
    }

    fn pod(name: &str, ready: bool, node: Option<&str>) -> Pod {
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
            "spec": {"nodeName": node, "containers": [{"name": "web"}]},
            "status": {"phase": if node.is_some() { "Running" } else { "Pending" },
                "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }, "lastTransitionTime": "2026-01-01T00:00:00Z"}]}
        }))
        .unwrap()
    }

    fn created(changes: &[Change]) -> Vec<Pod> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Create {
                    kind: "Pod",
                    object,
                } => Some(serde_json::from_value(object.clone()).unwrap()),
                _ => None,
            })
            .collect()
    }

    fn deleted(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Delete {
                    kind: "Pod", name, ..
                } => Some(name.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn missing_pods_are_created_from_the_template_with_an_owner() {
        let (changes, _) =
            reconcile_replica_set(&replica_set(3), &[pod("a", true, Some("n1"))], t0());
        let new = created(&changes);
        assert_eq!(new.len(), 2);
        for p in &new {
            let name = p.metadata.name.as_deref().unwrap();
            assert_eq!(name.len(), "web-5d8f6c7b9-".len() + 5, "{name}");
            assert!(name.starts_with("web-5d8f6c7b9-"));
            assert_eq!(p.metadata.labels.as_ref().unwrap()["app"], "web");
            assert_eq!(
                p.metadata.owner_references.as_ref().unwrap()[0].uid,
                "rs-uid"
            );
        }
        let reasons: Vec<_> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Event(e) => Some(e.reason.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(reasons, ["SuccessfulCreate", "SuccessfulCreate"]);
    }

    #[test]
    fn new_pods_carry_their_qos_class() {
        let mut rs = replica_set(1);
        assert_eq!(
            pod_for(&rs).status.unwrap().qos_class.as_deref(),
            Some("BestEffort")
        );
        let template = rs.spec.template.as_mut().unwrap().spec.as_mut().unwrap();
        template.containers[0].resources =
            serde_json::from_value(json!({"requests": {"cpu": "100m"}})).unwrap();
        assert_eq!(
            pod_for(&rs).status.unwrap().qos_class.as_deref(),
            Some("Burstable")
        );
        let template = rs.spec.template.as_mut().unwrap().spec.as_mut().unwrap();
        template.containers[0].resources =
            serde_json::from_value(json!({"limits": {"cpu": "1", "memory": "1Gi"}})).unwrap();
        assert_eq!(
            pod_for(&rs).status.unwrap().qos_class.as_deref(),
            Some("Guaranteed")
        );
    }

    #[test]
    fn surplus_pods_go_unscheduled_and_unready_first() {
        let pods = [
            pod("ready", true, Some("n1")),
            pod("unready", false, Some("n1")),
            pod("pending", false, None),
        ];
        let (changes, _) = reconcile_replica_set(&replica_set(1), &pods, t0());
        assert_eq!(deleted(&changes), ["pending", "unready"]);
    }

    #[test]
    fn status_counts_ready_and_available_pods() {
        let pods = [pod("a", true, Some("n1")), pod("b", false, Some("n1"))];
        let (changes, _) = reconcile_replica_set(&replica_set(2), &pods, t0());
        let Some(Change::UpdateStatus { object, .. }) = changes.last() else {
            panic!("{changes:?}")
        };
        assert_eq!(
            object["status"],
            json!({"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 1, "availableReplicas": 1, "observedGeneration": 2})
        );
    }

    #[test]
    fn min_ready_seconds_delays_availability_and_asks_for_a_wake_up() {
        let mut rs = replica_set(1);
        rs.spec.min_ready_seconds = Some(10);
        let (changes, wake) = reconcile_replica_set(&rs, &[pod("a", true, Some("n1"))], t0());
        let Some(Change::UpdateStatus { object, .. }) = changes.last() else {
            panic!()
        };
        assert_eq!(object["status"].get("availableReplicas"), None);
        assert_eq!(wake, Some(t0() + jiff::SignedDuration::from_secs(10)));
    }
}
