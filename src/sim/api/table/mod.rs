//! Server-side Tables (`as=Table;v=v1;g=meta.k8s.io`): the columns and cells the
//! real API server prints for each kind, wide-only columns at priority 1.

mod cells;
mod columns;

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sim::kinds::ResourceKind;

pub use cells::cells;
use columns::columns;

/// What each row carries besides its cells (`includeObject`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    pub fn parse(v: Option<&str>) -> IncludeObject {
        match v {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        }
    }
}

fn row(rk: &ResourceKind, obj: &Value, now: Timestamp, include: IncludeObject) -> Value {
    let mut row = json!({"cells": cells(rk.kind, obj, now)});
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            row["object"] = json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj["metadata"],
            });
        }
        IncludeObject::Object => row["object"] = obj.clone(),
    }
    row
}

/// A Table of objects; `list_meta` becomes its metadata.
pub fn table(
    rk: &ResourceKind,
    objects: &[Value],
    list_meta: Value,
    now: Timestamp,
    include: IncludeObject,
) -> Value {
    let column_definitions: Vec<Value> = columns(rk.kind)
        .into_iter()
        .map(|(name, ty, priority, format, description)| {
            json!({"name": name, "type": ty, "format": format, "description": description, "priority": priority})
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": column_definitions,
        "rows": objects.iter().map(|o| row(rk, o, now, include)).collect::<Vec<_>>(),
    })
}

/// True when the Accept header asks for a Table.
pub fn wants_table(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| {
        a.split(',').any(|part| {
            let p: Vec<&str> = part.split(';').map(str::trim).collect();
            p.contains(&"as=Table") && p.contains(&"g=meta.k8s.io")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-01-01T01:00:00Z".parse().expect("valid")
    }

    #[test]
    fn pod_status_cells() {
        let base = json!({"metadata": {"name": "p", "creationTimestamp": "2026-01-01T00:55:00Z"},
            "spec": {"containers": [{"name": "a"}], "nodeName": "n1"}, "status": {"phase": "Running", "podIP": "10.0.0.5",
            "containerStatuses": [{"name": "a", "ready": true, "restartCount": 0, "state": {"running": {}}}]}});
        let c = cells("Pod", &base, now());
        assert_eq!(
            c[..5],
            [
                json!("p"),
                json!("1/1"),
                json!("Running"),
                json!("0"),
                json!("5m")
            ]
        );
        assert_eq!(
            c[5..],
            [
                json!("10.0.0.5"),
                json!("n1"),
                json!("<none>"),
                json!("<none>")
            ]
        );
        let mut crash = base.clone();
        crash["status"]["containerStatuses"][0] = json!({"name": "a", "ready": false, "restartCount": 3,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"finishedAt": "2026-01-01T00:59:00Z", "exitCode": 1}}});
        let c = cells("Pod", &crash, now());
        assert_eq!(
            c[1..4],
            [
                json!("0/1"),
                json!("CrashLoopBackOff"),
                json!("3 (60s ago)")
            ]
        );
        let mut pending = base.clone();
        pending["status"] = json!({"phase": "Pending"});
        assert_eq!(cells("Pod", &pending, now())[2], "Pending");
        let mut deleting = base.clone();
        deleting["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:59:00Z");
        assert_eq!(cells("Pod", &deleting, now())[2], "Terminating");
    }

    #[test]
    fn service_and_deployment_cells() {
        let svc = json!({"metadata": {"name": "web", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"type": "NodePort", "clusterIPs": ["10.100.0.1"], "selector": {"app": "web"},
                     "ports": [{"port": 8080, "nodePort": 30080, "protocol": "TCP"}]}});
        assert_eq!(
            cells("Service", &svc, now()),
            vec![
                json!("web"),
                json!("NodePort"),
                json!("10.100.0.1"),
                json!("<none>"),
                json!("8080:30080/TCP"),
                json!("60m"),
                json!("app=web")
            ]
        );
        let headless = json!({"metadata": {"name": "w", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"type": "ClusterIP", "clusterIP": "None", "ports": [{"port": 8080}]}});
        assert_eq!(cells("Service", &headless, now())[2], "None");
        let dep = json!({"metadata": {"name": "web", "creationTimestamp": "2026-01-01T00:59:30Z"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 2, "availableReplicas": 2}});
        assert_eq!(
            cells("Deployment", &dep, now()),
            vec![
                json!("web"),
                json!("2/2"),
                json!(2),
                json!(2),
                json!("30s"),
                json!("c"),
                json!("nginx"),
                json!("app=web")
            ]
        );
        assert!(wants_table(Some(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
        )));
        assert!(!wants_table(Some("application/json")));
    }
}
