//! Server-side Tables (`as=Table;v=v1;g=meta.k8s.io`): the columns and cells the
//! real API server prints for each kind, wide-only columns at priority 1.

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sim::api::selectors::{format_label_selector, format_labels};
use crate::sim::kinds::ResourceKind;

/// One column: (name, type, priority, format, description).
type Column = (&'static str, &'static str, u8, &'static str, &'static str);

const NAME: Column = (
    "Name",
    "string",
    0,
    "name",
    "Name must be unique within a namespace.",
);
const AGE: Column = (
    "Age",
    "string",
    0,
    "",
    "CreationTimestamp is the time this object was created.",
);

fn columns(kind: &str) -> Vec<Column> {
    match kind {
        "Pod" => vec![
            NAME,
            (
                "Ready",
                "string",
                0,
                "",
                "The aggregate readiness state of this pod for accepting traffic.",
            ),
            (
                "Status",
                "string",
                0,
                "",
                "The aggregate status of the containers in this pod.",
            ),
            (
                "Restarts",
                "string",
                0,
                "",
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            ),
            AGE,
            ("IP", "string", 1, "", "IP address allocated to the pod."),
            (
                "Node",
                "string",
                1,
                "",
                "Name of the node the pod is scheduled on.",
            ),
            (
                "Nominated Node",
                "string",
                1,
                "",
                "Node the scheduler nominated for this pod.",
            ),
            (
                "Readiness Gates",
                "string",
                1,
                "",
                "Readiness gates of the pod.",
            ),
        ],
        "Node" => vec![
            NAME,
            ("Status", "string", 0, "", "The status of the node"),
            ("Roles", "string", 0, "", "The roles of the node"),
            AGE,
            (
                "Version",
                "string",
                0,
                "",
                "Kubelet Version reported by the node.",
            ),
            (
                "Internal-IP",
                "string",
                1,
                "",
                "List of addresses reachable to the node.",
            ),
            (
                "External-IP",
                "string",
                1,
                "",
                "List of addresses reachable to the node.",
            ),
            (
                "OS-Image",
                "string",
                1,
                "",
                "OS Image reported by the node from /etc/os-release.",
            ),
            (
                "Kernel-Version",
                "string",
                1,
                "",
                "Kernel Version reported by the node.",
            ),
            (
                "Container-Runtime",
                "string",
                1,
                "",
                "Container Runtime Version reported by the node.",
            ),
        ],
        "Deployment" => vec![
            NAME,
            (
                "Ready",
                "string",
                0,
                "",
                "Number of the pod with ready state",
            ),
            (
                "Up-to-date",
                "integer",
                0,
                "",
                "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
            ),
            (
                "Available",
                "integer",
                0,
                "",
                "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
            ),
            AGE,
            (
                "Containers",
                "string",
                1,
                "",
                "Names of each container in the template.",
            ),
            (
                "Images",
                "string",
                1,
                "",
                "Images referenced by each container in the template.",
            ),
            ("Selector", "string", 1, "", "Label selector for pods."),
        ],
        "ReplicaSet" => vec![
            NAME,
            (
                "Desired",
                "integer",
                0,
                "",
                "Replicas is the number of desired replicas.",
            ),
            (
                "Current",
                "integer",
                0,
                "",
                "Replicas is the most recently observed number of replicas.",
            ),
            (
                "Ready",
                "integer",
                0,
                "",
                "The number of ready replicas for this replica set.",
            ),
            AGE,
            (
                "Containers",
                "string",
                1,
                "",
                "Names of each container in the template.",
            ),
            (
                "Images",
                "string",
                1,
                "",
                "Images referenced by each container in the template.",
            ),
            ("Selector", "string", 1, "", "Label selector for pods."),
        ],
        "Service" => vec![
            NAME,
            ("Type", "string", 0, "", "The type of the service."),
            (
                "Cluster-IP",
                "string",
                0,
                "",
                "The cluster IP of the service.",
            ),
            (
                "External-IP",
                "string",
                0,
                "",
                "The external IPs of the service.",
            ),
            ("Port(s)", "string", 0, "", "The ports of the service."),
            AGE,
            (
                "Selector",
                "string",
                1,
                "",
                "Route service traffic to pods with label keys and values matching this selector.",
            ),
        ],
        "ConfigMap" => vec![
            NAME,
            (
                "Data",
                "integer",
                0,
                "",
                "Number of keys in the config map.",
            ),
            AGE,
        ],
        "Secret" => vec![
            NAME,
            ("Type", "string", 0, "", "The type of secret"),
            ("Data", "integer", 0, "", "Number of keys in the secret."),
            AGE,
        ],
        "Namespace" => vec![
            NAME,
            ("Status", "string", 0, "", "The status of the namespace"),
            AGE,
        ],
        "Endpoints" => vec![
            NAME,
            ("Endpoints", "string", 0, "", "Endpoints of the service"),
            AGE,
        ],
        "Event" => vec![
            (
                "Last Seen",
                "string",
                0,
                "",
                "Time when last event occurred.",
            ),
            (
                "Type",
                "string",
                0,
                "",
                "Type of this event (Normal, Warning).",
            ),
            ("Reason", "string", 0, "", "Why the action was taken."),
            (
                "Object",
                "string",
                0,
                "",
                "The object that this event is about.",
            ),
            (
                "Subobject",
                "string",
                1,
                "",
                "The subobject that this event is about.",
            ),
            (
                "Source",
                "string",
                1,
                "",
                "The component reporting this event.",
            ),
            (
                "Message",
                "string",
                0,
                "",
                "A human-readable description of the status of this operation.",
            ),
            (
                "First Seen",
                "string",
                1,
                "",
                "The time at which the event was first recorded.",
            ),
            (
                "Count",
                "string",
                1,
                "",
                "The number of times this event has occurred.",
            ),
            ("Name", "string", 1, "name", "Name of the event."),
        ],
        _ => vec![NAME, AGE],
    }
}

/// How long ago, the way the real server prints ages ("5m", "2d3h").
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        return if days == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{days}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

fn since(now: Timestamp, time: &Value) -> String {
    match time.as_str().and_then(|t| t.parse::<Timestamp>().ok()) {
        Some(t) => human_duration(now.as_second() - t.as_second()),
        None => "<unknown>".into(),
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text.to_string()
    }
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn containers_and_images(pod_spec: &Value) -> (String, String) {
    let containers = pod_spec["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = containers.iter().map(|c| s(&c["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| s(&c["image"])).collect();
    (names.join(","), images.join(","))
}

fn pod_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let status = &obj["status"];
    let total = obj["spec"]["containers"].as_array().map_or(0, Vec::len);
    let mut reason = s(&status["phase"]).to_string();
    if !s(&status["reason"]).is_empty() {
        reason = s(&status["reason"]).to_string();
    }
    let mut restarts = 0;
    let mut ready = 0;
    let mut has_running = false;
    let mut last_restart: Option<Value> = None;
    let statuses = status["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in statuses.iter().rev() {
        restarts += int(&c["restartCount"]);
        let finished = &c["lastState"]["terminated"]["finishedAt"];
        if finished.is_string() {
            let newer = last_restart.as_ref().is_none_or(|l| s(finished) > s(l));
            if newer {
                last_restart = Some(finished.clone());
            }
        }
        let state = &c["state"];
        if !s(&state["waiting"]["reason"]).is_empty() {
            reason = s(&state["waiting"]["reason"]).to_string();
        } else if !s(&state["terminated"]["reason"]).is_empty() {
            reason = s(&state["terminated"]["reason"]).to_string();
        } else if state["terminated"].is_object() {
            let signal = int(&state["terminated"]["signal"]);
            reason = if signal != 0 {
                format!("Signal:{signal}")
            } else {
                format!("ExitCode:{}", int(&state["terminated"]["exitCode"]))
            };
        } else if c["ready"].as_bool() == Some(true) && state["running"].is_object() {
            has_running = true;
            ready += 1;
        }
    }
    if reason == "Completed" && has_running {
        let pod_ready = status["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        });
        reason = if pod_ready {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    let terminal = matches!(s(&status["phase"]), "Succeeded" | "Failed");
    if obj["metadata"]["deletionTimestamp"].is_string() {
        if s(&status["reason"]) == "NodeLost" {
            reason = "Unknown".into();
        } else if !terminal {
            reason = "Terminating".into();
        }
    }
    let restarts_text = match (&last_restart, restarts) {
        (Some(t), n) if n != 0 => format!("{n} ({} ago)", since(now, t)),
        _ => restarts.to_string(),
    };
    let pod_ip = status["podIPs"]
        .get(0)
        .map(|p| s(&p["ip"]).to_string())
        .filter(|ip| !ip.is_empty())
        .unwrap_or_else(|| s(&status["podIP"]).to_string());
    let gates = obj["spec"]["readinessGates"].as_array().map_or(0, Vec::len);
    let gates_text = if gates == 0 {
        "<none>".to_string()
    } else {
        let conditions = status["conditions"].as_array().cloned().unwrap_or_default();
        let true_gates = obj["spec"]["readinessGates"].as_array().map_or(0, |gs| {
            gs.iter()
                .filter(|g| {
                    conditions
                        .iter()
                        .any(|c| c["type"] == g["conditionType"] && c["status"] == "True")
                })
                .count()
        });
        format!("{true_gates}/{gates}")
    };
    vec![
        json!(obj["metadata"]["name"]),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_text),
        json!(since(now, &obj["metadata"]["creationTimestamp"])),
        json!(or_none(&pod_ip)),
        json!(or_none(s(&obj["spec"]["nodeName"]))),
        json!(or_none(s(&status["nominatedNodeName"]))),
        json!(gates_text),
    ]
}

fn node_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut status: Vec<String> = Vec::new();
    if let Some(ready) = obj["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Ready"))
    {
        status.push(if ready["status"] == "True" {
            "Ready".into()
        } else {
            "NotReady".into()
        });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if obj["spec"]["unschedulable"].as_bool() == Some(true) {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = Vec::new();
    if let Some(labels) = obj["metadata"]["labels"].as_object() {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.push(role.to_string());
                }
            } else if k == "kubernetes.io/role" && !s(v).is_empty() {
                roles.push(s(v).to_string());
            }
        }
    }
    roles.sort();
    let address = |kind: &str| {
        obj["status"]["addresses"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["type"] == kind))
            .map(|x| s(&x["address"]).to_string())
            .unwrap_or_else(|| "<none>".into())
    };
    let info = &obj["status"]["nodeInfo"];
    let unknown = |v: &Value| {
        if s(v).is_empty() {
            "<unknown>".to_string()
        } else {
            s(v).to_string()
        }
    };
    vec![
        json!(obj["metadata"]["name"]),
        json!(status.join(",")),
        json!(if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        }),
        json!(since(now, &obj["metadata"]["creationTimestamp"])),
        json!(s(&info["kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(unknown(&info["osImage"])),
        json!(unknown(&info["kernelVersion"])),
        json!(unknown(&info["containerRuntimeVersion"])),
    ]
}

fn service_external_ip(obj: &Value) -> String {
    let spec = &obj["spec"];
    let external: Vec<&str> = spec["externalIPs"]
        .as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default();
    match s(&spec["type"]) {
        "ClusterIP" | "NodePort" | "" => {
            if external.is_empty() {
                "<none>".into()
            } else {
                external.join(",")
            }
        }
        "LoadBalancer" => {
            let mut ingress: Vec<String> = obj["status"]["loadBalancer"]["ingress"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|i| {
                            if !s(&i["ip"]).is_empty() {
                                s(&i["ip"]).to_string()
                            } else {
                                s(&i["hostname"]).to_string()
                            }
                        })
                        .filter(|x| !x.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            ingress.extend(external.iter().map(|x| x.to_string()));
            if ingress.is_empty() {
                "<pending>".into()
            } else {
                ingress.join(",")
            }
        }
        "ExternalName" => s(&spec["externalName"]).to_string(),
        _ => "<unknown>".into(),
    }
}

fn service_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let spec = &obj["spec"];
    let cluster_ip = spec["clusterIPs"]
        .get(0)
        .map(|ip| s(ip).to_string())
        .unwrap_or_else(|| "<none>".into());
    let ports: Vec<String> = spec["ports"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    let proto = if s(&p["protocol"]).is_empty() {
                        "TCP"
                    } else {
                        s(&p["protocol"])
                    };
                    match p["nodePort"].as_i64().filter(|n| *n != 0) {
                        Some(np) => format!("{}:{np}/{proto}", int(&p["port"])),
                        None => format!("{}/{proto}", int(&p["port"])),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    vec![
        json!(obj["metadata"]["name"]),
        json!(s(&spec["type"])),
        json!(cluster_ip),
        json!(service_external_ip(obj)),
        json!(if ports.is_empty() {
            "<none>".to_string()
        } else {
            ports.join(",")
        }),
        json!(since(now, &obj["metadata"]["creationTimestamp"])),
        json!(format_labels(spec.get("selector"))),
    ]
}

fn endpoints_text(obj: &Value) -> String {
    let mut shown: Vec<String> = Vec::new();
    let mut total = 0;
    for subset in obj["subsets"].as_array().cloned().unwrap_or_default() {
        let addresses = subset["addresses"].as_array().cloned().unwrap_or_default();
        let ports = subset["ports"].as_array().cloned().unwrap_or_default();
        for a in &addresses {
            if ports.is_empty() {
                total += 1;
                if shown.len() < 3 {
                    shown.push(s(&a["ip"]).to_string());
                }
            }
            for p in &ports {
                total += 1;
                if shown.len() < 3 {
                    shown.push(format!("{}:{}", s(&a["ip"]), int(&p["port"])));
                }
            }
        }
    }
    if total == 0 {
        return "<none>".into();
    }
    let mut text = shown.join(",");
    if total > shown.len() {
        text.push_str(&format!(" + {} more...", total - shown.len()));
    }
    text
}

fn event_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let first = if obj["firstTimestamp"].is_string() {
        since(now, &obj["firstTimestamp"])
    } else {
        since(now, &obj["eventTime"])
    };
    let mut last = if obj["lastTimestamp"].is_string() {
        since(now, &obj["lastTimestamp"])
    } else {
        first.clone()
    };
    let mut count = obj["count"].as_i64().unwrap_or(0);
    if obj["series"].is_object() {
        last = since(now, &obj["series"]["lastObservedTime"]);
        count = int(&obj["series"]["count"]);
    } else if count == 0 {
        count = 1;
    }
    let involved = &obj["involvedObject"];
    let target = if s(&involved["name"]).is_empty() {
        s(&involved["kind"]).to_lowercase()
    } else {
        format!(
            "{}/{}",
            s(&involved["kind"]).to_lowercase(),
            s(&involved["name"])
        )
    };
    let (component, host) = if s(&obj["source"]["component"]).is_empty() {
        (s(&obj["reportingComponent"]), s(&obj["reportingInstance"]))
    } else {
        (s(&obj["source"]["component"]), s(&obj["source"]["host"]))
    };
    let source = if host.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {host}")
    };
    vec![
        json!(last),
        json!(s(&obj["type"])),
        json!(s(&obj["reason"])),
        json!(target),
        json!(s(&involved["fieldPath"])),
        json!(source),
        json!(s(&obj["message"]).trim()),
        json!(first),
        json!(count),
        json!(obj["metadata"]["name"]),
    ]
}

/// The cells of one object's row (wide cells included; kubectl hides them).
pub fn cells(kind: &str, obj: &Value, now: Timestamp) -> Vec<Value> {
    let name = json!(obj["metadata"]["name"]);
    let age = json!(since(now, &obj["metadata"]["creationTimestamp"]));
    match kind {
        "Pod" => pod_cells(obj, now),
        "Node" => node_cells(obj, now),
        "Service" => service_cells(obj, now),
        "Event" => event_cells(obj, now),
        "Deployment" => {
            let (containers, images) = containers_and_images(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    int(&obj["status"]["readyReplicas"]),
                    int(&obj["spec"]["replicas"])
                )),
                json!(int(&obj["status"]["updatedReplicas"])),
                json!(int(&obj["status"]["availableReplicas"])),
                age,
                json!(containers),
                json!(images),
                json!(format_label_selector(obj["spec"].get("selector"))),
            ]
        }
        "ReplicaSet" => {
            let (containers, images) = containers_and_images(&obj["spec"]["template"]["spec"]);
            vec![
                name,
                json!(int(&obj["spec"]["replicas"])),
                json!(int(&obj["status"]["replicas"])),
                json!(int(&obj["status"]["readyReplicas"])),
                age,
                json!(containers),
                json!(images),
                json!(format_label_selector(obj["spec"].get("selector"))),
            ]
        }
        "ConfigMap" => {
            let n = obj["data"].as_object().map_or(0, |m| m.len())
                + obj["binaryData"].as_object().map_or(0, |m| m.len());
            vec![name, json!(n), age]
        }
        "Secret" => {
            let n = obj["data"].as_object().map_or(0, |m| m.len());
            vec![name, json!(s(&obj["type"])), json!(n), age]
        }
        "Namespace" => vec![name, json!(s(&obj["status"]["phase"])), age],
        "Endpoints" => vec![name, json!(endpoints_text(obj)), age],
        _ => vec![name, age],
    }
}

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
    fn ages_print_like_kubernetes() {
        let cases = [
            (5, "5s"),
            (119, "119s"),
            (120, "2m"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 60, "3h1m"),
            (50 * 3600, "2d2h"),
            (9 * 86400, "9d"),
            (-5, "<invalid>"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(secs), want, "{secs}");
        }
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
