//! Defaulting that the real API server does when objects are written: the
//! fields its defaulting functions fill in (pod specs
//! and the pod templates inside workloads, probes, container ports, services,
//! deployment strategy), service cluster IPs and node ports, namespace phase
//! and label.

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

/// The entries of a list field, or none when it is absent. (Indexing a
/// `&mut Value` would insert the missing field as null.)
fn items_mut<'a>(obj: &'a mut Value, field: &str) -> impl Iterator<Item = &'a mut Value> {
    obj.get_mut(field)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

fn is_set(obj: &Value, field: &str) -> bool {
    obj.get(field).is_some_and(|v| !v.is_null())
}

/// The file mode a ConfigMap, Secret, projected or downward API volume gets
/// when none is given: 0644.
const DEFAULT_VOLUME_MODE: u32 = 0o644;

pub(super) fn apply_on_create(
    rk: &ResourceKind,
    obj: &mut Value,
    ip_counter: &mut u32,
    port_counter: &mut u16,
) {
    default_fields(rk, obj);
    match rk.kind {
        "Namespace" => {
            set_default(obj, "spec", json!({"finalizers": ["kubernetes"]}));
            obj["status"] = json!({"phase": "Active"});
        }
        "Service" => {
            allocate_service_addresses(&mut obj["spec"], ip_counter, port_counter);
            set_default(obj, "status", json!({"loadBalancer": {}}));
        }
        "Deployment" => obj["status"] = json!({}),
        "ReplicaSet" => obj["status"] = json!({"replicas": 0}),
        "Pod" => set_default(obj, "status", json!({"phase": "Pending"})),
        _ => {}
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
        obj["metadata"]["name"] = json!(name);
    }
    default_fields(rk, obj);
}

/// The defaults that do not depend on what is stored already: the same on
/// create and on every update, as the server defaults each object it decodes.
fn default_fields(rk: &ResourceKind, obj: &mut Value) {
    match rk.kind {
        "Namespace" => {
            let name = obj["metadata"]["name"].clone();
            if !obj["metadata"]["labels"].is_object() {
                obj["metadata"]["labels"] = json!({});
            }
            obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = name;
        }
        "Service" => {
            set_default(obj, "spec", json!({}));
            default_service_spec(&mut obj["spec"]);
        }
        "Deployment" => {
            set_default(obj, "spec", json!({}));
            default_deployment_spec(&mut obj["spec"]);
            default_template(&mut obj["spec"]);
        }
        "ReplicaSet" => {
            set_default(obj, "spec", json!({}));
            set_default(&mut obj["spec"], "replicas", json!(1));
            default_template(&mut obj["spec"]);
        }
        "Pod" => {
            set_default(obj, "spec", json!({}));
            default_pod_spec(&mut obj["spec"]);
            set_default(&mut obj["spec"], "enableServiceLinks", json!(true));
            default_requests_to_limits(&mut obj["spec"]);
        }
        _ => {}
    }
}

fn default_service_spec(spec: &mut Value) {
    set_default(spec, "type", json!("ClusterIP"));
    set_default(spec, "sessionAffinity", json!("None"));
    let service_type = spec["type"].as_str().unwrap_or("ClusterIP").to_string();
    if spec["sessionAffinity"] == "ClientIP" {
        set_default(
            spec,
            "sessionAffinityConfig",
            json!({"clientIP": {"timeoutSeconds": 10800}}),
        );
    }
    if service_type != "ExternalName" {
        set_default(spec, "ipFamilies", json!(["IPv4"]));
        set_default(spec, "ipFamilyPolicy", json!("SingleStack"));
        set_default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if matches!(service_type.as_str(), "NodePort" | "LoadBalancer") {
        set_default(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    for port in items_mut(spec, "ports") {
        set_default(port, "protocol", json!("TCP"));
        if !is_set(port, "targetPort") {
            port["targetPort"] = port["port"].clone();
        }
    }
}

/// Cluster IPs and node ports: what the service registry allocates on create.
fn allocate_service_addresses(spec: &mut Value, ip_counter: &mut u32, port_counter: &mut u16) {
    let service_type = spec["type"].as_str().unwrap_or("ClusterIP").to_string();
    if service_type != "ExternalName" && !is_set(spec, "clusterIP") {
        let ip = cluster_ip(ip_counter);
        spec["clusterIP"] = json!(ip);
        spec["clusterIPs"] = json!([ip]);
    }
    if matches!(service_type.as_str(), "NodePort" | "LoadBalancer") {
        for port in items_mut(spec, "ports") {
            if !is_set(port, "nodePort") {
                port["nodePort"] = json!(node_port(port_counter));
            }
        }
    }
}

fn default_deployment_spec(spec: &mut Value) {
    set_default(spec, "replicas", json!(1));
    set_default(spec, "revisionHistoryLimit", json!(10));
    set_default(spec, "progressDeadlineSeconds", json!(600));
    set_default(spec, "strategy", json!({}));
    let strategy = &mut spec["strategy"];
    set_default(strategy, "type", json!("RollingUpdate"));
    if strategy["type"] == "RollingUpdate" {
        set_default(strategy, "rollingUpdate", json!({}));
        set_default(
            &mut strategy["rollingUpdate"],
            "maxUnavailable",
            json!("25%"),
        );
        set_default(&mut strategy["rollingUpdate"], "maxSurge", json!("25%"));
    }
}

/// A workload's `spec.template.spec` gets the pod spec defaults.
fn default_template(spec: &mut Value) {
    if spec["template"]["spec"].is_object() {
        default_pod_spec(&mut spec["template"]["spec"]);
    }
}

/// What the server fills into every pod spec, including pod templates.
fn default_pod_spec(spec: &mut Value) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "securityContext", json!({}));
    for list in ["containers", "initContainers"] {
        items_mut(spec, list).for_each(default_container);
    }
    items_mut(spec, "volumes").for_each(default_volume);
}

fn default_container(c: &mut Value) {
    set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
    set_default(c, "terminationMessagePolicy", json!("File"));
    set_default(c, "resources", json!({}));
    set_default(
        c,
        "imagePullPolicy",
        json!(image_pull_policy(c["image"].as_str().unwrap_or(""))),
    );
    for p in items_mut(c, "ports") {
        set_default(p, "protocol", json!("TCP"));
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if c[probe].is_object() {
            default_probe(&mut c[probe]);
        }
    }
    for var in items_mut(c, "env") {
        if var["valueFrom"]["fieldRef"].is_object() {
            set_default(&mut var["valueFrom"]["fieldRef"], "apiVersion", json!("v1"));
        }
    }
}

/// `Always` for an image without a tag or tagged `latest`, else
/// `IfNotPresent`. A digest pins the image, whatever the tag.
fn image_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    // The tag follows the last ':' after the last '/', so a registry port
    // (`registry:5000/app`) is not a tag.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        None => "Always",
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn default_probe(probe: &mut Value) {
    set_default(probe, "timeoutSeconds", json!(1));
    set_default(probe, "periodSeconds", json!(10));
    set_default(probe, "successThreshold", json!(1));
    set_default(probe, "failureThreshold", json!(3));
    if probe["httpGet"].is_object() {
        let get = &mut probe["httpGet"];
        if get["path"].as_str().is_none_or(str::is_empty) {
            get["path"] = json!("/");
        }
        set_default(get, "scheme", json!("HTTP"));
    }
}

fn default_volume(volume: &mut Value) {
    for source in ["configMap", "secret", "projected", "downwardAPI"] {
        if volume[source].is_object() {
            set_default(
                &mut volume[source],
                "defaultMode",
                json!(DEFAULT_VOLUME_MODE),
            );
        }
    }
}

/// A container that sets limits but not requests requests its limits.
fn default_requests_to_limits(spec: &mut Value) {
    for list in ["containers", "initContainers"] {
        for c in items_mut(spec, list) {
            let Some(limits) = c["resources"]["limits"].as_object().cloned() else {
                continue;
            };
            set_default(&mut c["resources"], "requests", json!({}));
            for (resource, quantity) in limits {
                set_default(&mut c["resources"]["requests"], &resource, quantity);
            }
        }
    }
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
