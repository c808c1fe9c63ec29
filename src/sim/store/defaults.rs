//! Defaulting that the real API server does when objects are written: service
//! cluster IPs and node ports, deployment strategy, namespace phase and label.

use serde_json::{Value, json};

use crate::sim::kinds::ResourceKind;

/// EKS hands out service addresses from 10.100.0.0/16.
fn cluster_ip(counter: &mut u32) -> String {
    *counter += 1;
    let n = *counter;
    format!("10.100.{}.{}", (n / 250) % 256, 1 + n % 250)
}

fn node_port(counter: &mut u16) -> u16 {
    let port = 30000 + (*counter % 2768);
    *counter = counter.wrapping_add(1);
    port
}

fn set_default(obj: &mut Value, field: &str, value: Value) {
    if obj.get(field).is_none_or(Value::is_null) {
        obj[field] = value;
    }
}

pub(super) fn apply_on_create(
    rk: &ResourceKind,
    obj: &mut Value,
    ip_counter: &mut u32,
    port_counter: &mut u16,
) {
    match rk.kind {
        "Namespace" => {
            let name = obj["metadata"]["name"].clone();
            if !obj["metadata"]["labels"].is_object() {
                obj["metadata"]["labels"] = json!({});
            }
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
            set_default(obj, "spec", json!({"finalizers": ["kubernetes"]}));
            obj["status"] = json!({"phase": "Active"});
        }
        "Service" => {
            set_default(obj, "spec", json!({}));
            let spec = &mut obj["spec"];
            set_default(spec, "type", json!("ClusterIP"));
            set_default(spec, "sessionAffinity", json!("None"));
            let service_type = spec["type"].as_str().unwrap_or("ClusterIP").to_string();
            if service_type != "ExternalName" {
                if spec.get("clusterIP").is_none_or(Value::is_null) {
                    let ip = cluster_ip(ip_counter);
                    spec["clusterIP"] = json!(ip);
                    spec["clusterIPs"] = json!([ip]);
                }
                set_default(spec, "ipFamilies", json!(["IPv4"]));
                set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
                set_default(spec, "internalTrafficPolicy", json!("Cluster"));
            }
            let wants_node_port = matches!(service_type.as_str(), "NodePort" | "LoadBalancer");
            if let Some(ports) = spec["ports"].as_array_mut() {
                for port in ports {
                    set_default(port, "protocol", json!("TCP"));
                    if port.get("targetPort").is_none_or(Value::is_null) {
                        port["targetPort"] = port["port"].clone();
                    }
                    if wants_node_port && port.get("nodePort").is_none_or(Value::is_null) {
                        port["nodePort"] = json!(node_port(port_counter));
                    }
                }
            }
            if wants_node_port {
                set_default(spec, "externalTrafficPolicy", json!("Cluster"));
            }
            set_default(obj, "status", json!({"loadBalancer": {}}));
        }
        "Deployment" => {
            set_default(obj, "spec", json!({}));
            let spec = &mut obj["spec"];
            set_default(spec, "replicas", json!(1));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(spec, "progressDeadlineSeconds", json!(600));
            if spec["strategy"].get("type").is_none_or(Value::is_null) {
                let mut strategy = json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}});
                if let Some(given) = spec["strategy"].get("rollingUpdate") {
                    strategy["rollingUpdate"] = given.clone();
                }
                spec["strategy"] = strategy;
            }
            if obj["spec"]["template"]["spec"].is_object() {
                default_pod_spec(&mut obj["spec"]["template"]["spec"]);
            }
            obj["status"] = json!({});
        }
        "ReplicaSet" => {
            set_default(obj, "spec", json!({}));
            set_default(&mut obj["spec"], "replicas", json!(1));
            if obj["spec"]["template"]["spec"].is_object() {
                default_pod_spec(&mut obj["spec"]["template"]["spec"]);
            }
            obj["status"] = json!({"replicas": 0});
        }
        "Pod" => {
            set_default(obj, "spec", json!({}));
            default_pod_spec(&mut obj["spec"]);
            set_default(obj, "status", json!({"phase": "Pending"}));
        }
        _ => {}
    }
}

/// What the server fills into every pod spec, including pod templates.
fn default_pod_spec(spec: &mut Value) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "securityContext", json!({}));
    if let Some(containers) = spec["containers"].as_array_mut() {
        for c in containers {
            set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
            set_default(c, "terminationMessagePolicy", json!("File"));
            set_default(c, "resources", json!({}));
            let latest = c["image"]
                .as_str()
                .is_some_and(|i| !i.contains(':') || i.ends_with(":latest"));
            set_default(
                c,
                "imagePullPolicy",
                json!(if latest { "Always" } else { "IfNotPresent" }),
            );
            if let Some(ports) = c["ports"].as_array_mut() {
                for p in ports {
                    set_default(p, "protocol", json!("TCP"));
                }
            }
        }
    }
}

pub(super) fn apply_on_update(rk: &ResourceKind, obj: &mut Value, existing: &Value) {
    if rk.kind == "Service" {
        // The cluster IP is immutable; a replace that omits it keeps it.
        for field in ["clusterIP", "clusterIPs"] {
            if obj["spec"].get(field).is_none_or(Value::is_null)
                && let Some(v) = existing["spec"].get(field)
            {
                obj["spec"][field] = v.clone();
            }
        }
    }
    if rk.kind == "Namespace"
        && let Some(name) = existing["metadata"]["name"].as_str()
    {
        if !obj["metadata"]["labels"].is_object() {
            obj["metadata"]["labels"] = json!({});
        }
        obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = json!(name);
    }
}
