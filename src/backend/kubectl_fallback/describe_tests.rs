use serde_json::json;

use super::*;

fn now() -> jiff::Timestamp {
    "2026-01-01T00:10:00Z".parse().expect("valid time")
}

fn event(kind: &str, name: &str, reason: &str, at: &str, count: i64) -> Value {
    json!({
        "type": "Normal", "reason": reason, "message": format!("{reason} happened"),
        "involvedObject": {"kind": kind, "name": name},
        "source": {"component": "deployment-controller"},
        "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": at, "count": count
    })
}

fn line<'a>(lines: &'a [String], start: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in {lines:#?}"))
}

#[test]
fn a_deployment_shows_replicas_template_conditions_and_its_new_replica_set() {
    let d = json!({
        "metadata": {"name": "web", "namespace": "default", "uid": "u1",
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": "web"}, "annotations": {"deployment.kubernetes.io/revision": "2"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}}},
        "status": {"replicas": 3, "updatedReplicas": 3, "availableReplicas": 2, "unavailableReplicas": 1,
            "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"}]}
    });
    let rs = |name: &str, rev: &str, replicas: i64| {
        json!({"metadata": {"name": name, "annotations": {"deployment.kubernetes.io/revision": rev}},
            "spec": {"replicas": replicas}, "status": {"replicas": replicas}})
    };
    let events = [
        event(
            "Deployment",
            "web",
            "ScalingReplicaSet",
            "2026-01-01T00:09:30Z",
            1,
        ),
        event("Deployment", "other", "Ignored", "2026-01-01T00:09:30Z", 1),
    ];
    let out = deployment(
        &d,
        &[rs("web-old", "1", 0), rs("web-new", "2", 3)],
        &events,
        now(),
    );
    assert_eq!(out[0], "Name:                   web");
    assert_eq!(line(&out, "Namespace:"), "Namespace:              default");
    assert_eq!(line(&out, "Selector:"), "Selector:               app=web");
    assert_eq!(
        line(&out, "Replicas:"),
        "Replicas:               3 desired | 3 updated | 3 total | 2 available | 1 unavailable"
    );
    assert_eq!(
        line(&out, "StrategyType:"),
        "StrategyType:           RollingUpdate"
    );
    assert!(line(&out, "Annotations:").ends_with("deployment.kubernetes.io/revision: 2"));
    assert!(line(&out, "    Image:").ends_with("nginx:1.27"));
    assert!(line(&out, "    Port:").ends_with("80/TCP"));
    assert!(
        line(&out, "  Available").contains("True")
            && line(&out, "  Available").ends_with("MinimumReplicasAvailable")
    );
    assert!(line(&out, "NewReplicaSet:").ends_with("web-new (3/3 replicas created)"));
    assert!(
        line(&out, "OldReplicaSets:").ends_with("<none>"),
        "a scaled-down old set is not listed"
    );
    assert!(
        line(&out, "  Normal").contains("ScalingReplicaSet")
            && line(&out, "  Normal").contains("30s")
    );
    assert!(
        !out.iter().any(|l| l.contains("Ignored")),
        "events of other objects stay out"
    );
}

#[test]
fn a_pod_shows_node_status_ip_containers_conditions_and_events() {
    let p = json!({
        "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web", "pod-template-hash": "abc"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-abc", "controller": true}]},
        "spec": {"nodeName": "node-1", "containers": [{"name": "nginx", "image": "nginx"}]},
        "status": {"phase": "Running", "hostIP": "10.0.0.5", "podIP": "10.244.1.7",
            "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 2,
                "state": {"running": {"startedAt": "2026-01-01T00:01:00Z"}},
                "lastState": {"terminated": {"reason": "Error", "exitCode": 1}}}],
            "conditions": [{"type": "Ready", "status": "True"}]}
    });
    let events = [event("Pod", "web-1", "Started", "2026-01-01T00:01:00Z", 3)];
    let out = pod(&p, &events, now());
    assert_eq!(line(&out, "Node:"), "Node:         node-1/10.0.0.5");
    assert_eq!(line(&out, "Status:"), "Status:       Running");
    assert_eq!(line(&out, "IP:"), "IP:           10.244.1.7");
    assert!(line(&out, "Labels:").ends_with("app=web"));
    assert!(
        out.iter().any(|l| l.trim() == "pod-template-hash=abc"),
        "{out:#?}"
    );
    assert!(line(&out, "Controlled By:").ends_with("ReplicaSet/web-abc"));
    assert!(line(&out, "    State:").ends_with("Running"));
    assert!(line(&out, "      Started:").ends_with("Thu, 01 Jan 2026 00:01:00 +0000"));
    assert!(line(&out, "    Last State:").ends_with("Terminated"));
    assert!(line(&out, "    Ready:").ends_with("True"));
    assert!(line(&out, "    Restart Count:").ends_with("2"));
    let ready = line(&out, "  Ready ");
    assert!(
        ready.ends_with(" True "),
        "kubectl pads condition cells: {ready:?}"
    );
    assert!(
        line(&out, "  Normal").contains("9m (x3 over 10m)"),
        "{out:#?}"
    );
}

#[test]
fn no_events_and_no_node_say_none() {
    let p = json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": []}, "status": {"phase": "Pending"}});
    let out = pod(&p, &[], now());
    assert_eq!(line(&out, "Node:"), "Node:         <none>");
    let last = out.last().expect("output");
    assert!(
        last.starts_with("Events:") && last.ends_with(" <none>"),
        "{last}"
    );
}
