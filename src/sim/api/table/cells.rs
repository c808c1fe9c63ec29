//! The cells of each kind's Table row, computed the way the real server's
//! printers compute them (pod status from container states, service ports...).

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::sim::api::selectors::{format_label_selector, format_labels};
use crate::sim::text::human_duration;

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
    // kubectl prints spec.clusterIP: `None` for a headless Service.
    let cluster_ip = [&spec["clusterIP"], &spec["clusterIPs"][0]]
        .into_iter()
        .map(s)
        .find(|ip| !ip.is_empty())
        .unwrap_or("<none>")
        .to_string();
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
