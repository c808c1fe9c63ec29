//! The garbage collector: an object whose owners are all gone is deleted
//! (background propagation), so deleting a Deployment removes its
//! ReplicaSets, and then their Pods.

use std::collections::BTreeSet;

use serde_json::Value;

use super::change::Change;

/// Kinds whose objects may carry ownerReferences in the simulator.
pub const DEPENDENT_KINDS: &[&str] = &[
    "ReplicaSet",
    "Pod",
    "Endpoints",
    "ConfigMap",
    "Service",
    "Secret",
];

/// Deletes for every object (of `kind`, in wire form) whose owners' uids are
/// all absent from `live_uids`.
pub fn collect_garbage(
    kind: &'static str,
    objects: &[Value],
    live_uids: &BTreeSet<String>,
) -> Vec<Change> {
    objects
        .iter()
        .filter_map(|o| garbage(kind, o, live_uids))
        .collect()
}

/// The delete for one object (of `kind`, in wire form) if its owners' uids
/// are all absent from `live_uids`.
pub fn garbage(kind: &'static str, object: &Value, live_uids: &BTreeSet<String>) -> Option<Change> {
    let owners = object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array);
    let orphaned = owners.is_some_and(|refs| {
        !refs.is_empty()
            && refs.iter().all(|r| {
                r.get("uid")
                    .and_then(Value::as_str)
                    .is_none_or(|uid| !live_uids.contains(uid))
            })
    });
    orphaned.then(|| Change::Delete {
        kind,
        namespace: object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string),
        name: object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn orphans_are_deleted_and_owned_objects_kept() {
        let pods = [
            json!({"metadata": {"name": "orphan", "namespace": "default", "ownerReferences": [{"uid": "gone"}]}}),
            json!({"metadata": {"name": "owned", "namespace": "default", "ownerReferences": [{"uid": "here"}]}}),
            json!({"metadata": {"name": "bare", "namespace": "default"}}),
        ];
        let live = BTreeSet::from(["here".to_string()]);
        let changes = collect_garbage("Pod", &pods, &live);
        assert_eq!(changes.len(), 1);
        assert!(
            matches!(&changes[0], Change::Delete { kind: "Pod", name, .. } if name == "orphan")
        );
    }
}
