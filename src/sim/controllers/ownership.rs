//! Which pods a ReplicaSet controls, decided the way Kubernetes' controller
//! reference manager decides it on every sync: a pod is the ReplicaSet's
//! when its controller ownerReference names the ReplicaSet and its labels
//! still match the selector. An active pod with no controller that matches
//! is adopted (the controller reference is added); a pod it controls whose
//! labels no longer match is released (the reference is removed). Pods with
//! another controller are never touched. The labels decide, the reference
//! records the decision.

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::change::{Change, controller_ref, controller_uid, is_terminating, to_wire};
use super::pods;

/// The pods a ReplicaSet controls after claiming, and the writes that
/// record adoptions and releases.
#[derive(Debug, Default)]
pub struct Claimed {
    pub pods: Vec<Pod>,
    pub changes: Vec<Change>,
}

/// Claims among `candidates` (any pods; only the ReplicaSet's namespace
/// counts). Finished and terminating pods are neither adopted nor released,
/// as the real controller filters them out before claiming; those it already
/// controls stay in the list, so that status and scaling see them as today.
pub fn claim_pods(rs: &ReplicaSet, candidates: &[Pod]) -> Claimed {
    let mut claimed = Claimed::default();
    let uid = rs.metadata.uid.as_deref();
    let namespace = rs.metadata.namespace.as_deref();
    let selector = rs.spec.selector.clone();
    let same_namespace = candidates
        .iter()
        .filter(|p| p.metadata.namespace.as_deref() == namespace);
    for pod in same_namespace {
        let controller = controller_uid(&pod.metadata);
        let ours = uid.is_some() && controller == uid;
        let matches = selects(&selector, pod);
        match (controller, ours) {
            (Some(_), true) if matches || !pods::is_active(pod) || is_terminating(&rs.metadata) => {
                claimed.pods.push(pod.clone());
            }
            (Some(_), true) => claimed.changes.push(Change::Update {
                kind: "Pod",
                object: to_wire(&released(pod, uid)),
            }),
            (None, _) if matches && pods::is_active(pod) && !is_terminating(&rs.metadata) => {
                let adopted = adopted(rs, pod);
                claimed.changes.push(Change::Update {
                    kind: "Pod",
                    object: to_wire(&adopted),
                });
                claimed.pods.push(adopted);
            }
            _ => {}
        }
    }
    claimed
}

/// An empty selector selects nothing here: the API server refuses a
/// ReplicaSet without one, and adopting every pod of a namespace would be
/// the worst reading of a malformed object.
fn selects(selector: &LabelSelector, pod: &Pod) -> bool {
    let empty = selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|e| e.is_empty());
    !empty && pods::labels_match(selector, pod.metadata.labels.as_ref())
}

fn adopted(rs: &ReplicaSet, pod: &Pod) -> Pod {
    let mut pod = pod.clone();
    pod.metadata
        .owner_references
        .get_or_insert_with(Vec::new)
        .push(controller_ref("apps/v1", "ReplicaSet", &rs.metadata));
    pod
}

/// The pod without the ReplicaSet's reference; other (non-controller)
/// owners stay.
fn released(pod: &Pod, uid: Option<&str>) -> Pod {
    let mut pod = pod.clone();
    let refs: Vec<_> = pod
        .metadata
        .owner_references
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| Some(r.uid.as_str()) != uid)
        .collect();
    pod.metadata.owner_references = (!refs.is_empty()).then_some(refs);
    pod
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn replica_set() -> ReplicaSet {
        serde_json::from_value(json!({
            "metadata": {"name": "shop", "namespace": "default", "uid": "rs-uid"},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "shop"}},
                "template": {"metadata": {"labels": {"app": "shop"}}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
            }
        }))
        .expect("a replica set")
    }

    fn pod(name: &str, app: &str, controller: Option<&str>) -> Pod {
        let owners = controller.map(|uid| {
            json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "x", "uid": uid, "controller": true}])
        });
        serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default", "labels": {"app": app},
                "resourceVersion": "7", "ownerReferences": owners},
            "spec": {"containers": [{"name": "web"}]},
            "status": {"phase": "Running"}
        }))
        .expect("a pod")
    }

    fn updated(changes: &[Change]) -> Vec<Pod> {
        changes
            .iter()
            .map(|c| match c {
                Change::Update {
                    kind: "Pod",
                    object,
                } => serde_json::from_value(object.clone()).expect("a pod"),
                other => panic!("only pod updates expected, got {other:?}"),
            })
            .collect()
    }

    fn names(pods: &[Pod]) -> Vec<&str> {
        pods.iter()
            .map(|p| p.metadata.name.as_deref().unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_matching_orphan_is_adopted_with_a_controller_reference() {
        let claimed = claim_pods(&replica_set(), &[pod("lonely", "shop", None)]);
        assert_eq!(names(&claimed.pods), ["lonely"]);
        let writes = updated(&claimed.changes);
        assert_eq!(writes.len(), 1);
        let refs = writes[0]
            .metadata
            .owner_references
            .as_ref()
            .expect("owners");
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].uid, "rs-uid");
        assert_eq!(refs[0].kind, "ReplicaSet");
        assert_eq!(refs[0].controller, Some(true));
        assert_eq!(refs[0].block_owner_deletion, Some(true));
        // The write is conditional on the version the controller saw.
        assert_eq!(writes[0].metadata.resource_version.as_deref(), Some("7"));
    }

    #[test]
    fn an_owned_pod_whose_labels_no_longer_match_is_released() {
        let claimed = claim_pods(
            &replica_set(),
            &[
                pod("kept", "shop", Some("rs-uid")),
                pod("moved", "solo", Some("rs-uid")),
            ],
        );
        assert_eq!(names(&claimed.pods), ["kept"]);
        let writes = updated(&claimed.changes);
        assert_eq!(names(&writes), ["moved"]);
        assert_eq!(writes[0].metadata.owner_references, None);
    }

    #[test]
    fn pods_of_another_controller_and_other_labels_are_left_alone() {
        let mut elsewhere = pod("elsewhere", "shop", None);
        elsewhere.metadata.namespace = Some("other".into());
        let claimed = claim_pods(
            &replica_set(),
            &[
                pod("theirs", "shop", Some("other-uid")),
                pod("unrelated", "db", None),
                elsewhere,
            ],
        );
        assert!(claimed.pods.is_empty());
        assert!(claimed.changes.is_empty());
    }

    #[test]
    fn finished_or_terminating_orphans_are_not_adopted() {
        let mut done = pod("done", "shop", None);
        done.status.as_mut().expect("status").phase = Some("Succeeded".into());
        let mut leaving = pod("leaving", "shop", None);
        leaving.metadata.deletion_timestamp = Some(crate::sim::controllers::change::time(
            "2026-01-01T00:00:00Z".parse().expect("a time"),
        ));
        let claimed = claim_pods(&replica_set(), &[done, leaving]);
        assert!(claimed.pods.is_empty());
        assert!(claimed.changes.is_empty());
    }

    #[test]
    fn a_replica_set_being_deleted_neither_adopts_nor_releases() {
        let mut rs = replica_set();
        rs.metadata.deletion_timestamp = Some(crate::sim::controllers::change::time(
            "2026-01-01T00:00:00Z".parse().expect("a time"),
        ));
        let claimed = claim_pods(
            &rs,
            &[
                pod("orphan", "shop", None),
                pod("moved", "solo", Some("rs-uid")),
            ],
        );
        assert_eq!(names(&claimed.pods), ["moved"]);
        assert!(claimed.changes.is_empty());
    }

    #[test]
    fn an_empty_selector_adopts_nothing() {
        let mut rs = replica_set();
        rs.spec.selector = LabelSelector::default();
        let claimed = claim_pods(&rs, &[pod("lonely", "shop", None)]);
        assert!(claimed.pods.is_empty());
        assert!(claimed.changes.is_empty());
    }
}
