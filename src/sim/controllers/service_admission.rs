//! Service admission as the API server does it: ClusterIPs from EKS's
//! 10.100.0.0/16 and NodePorts from 30000-32767, allocated when missing and
//! refused as "already allocated" when taken.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use rand::Rng;
use serde_json::{Value, json};

pub const NODE_PORT_RANGE: std::ops::RangeInclusive<u16> = 30000..=32767;
/// EKS's service CIDR is 10.100.0.0/16; .1 is the `kubernetes` Service.
pub const KUBERNETES_SERVICE_IP: &str = "10.100.0.1";
/// Where the `kubernetes` Service's Endpoints point: the EKS control plane's
/// network interfaces in the cluster VPC.
pub const CONTROL_PLANE_IPS: [&str; 2] = ["192.168.110.24", "192.168.150.71"];

/// One invalid field, as the API server reports it in `details.causes`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// "FieldValueInvalid", "FieldValueNotSupported", ...
    pub reason: &'static str,
    pub field: String,
    pub message: String,
}

/// What the API server does to a Service on create: check requested
/// addresses and ports against those allocated, then allocate the missing
/// ones. `existing` are the Services already stored (any namespace).
pub fn admit_service<'a>(
    service: &mut Value,
    existing: impl IntoIterator<Item = &'a Value>,
) -> Result<(), FieldError> {
    let existing: Vec<&Value> = existing.into_iter().collect();
    let used_ips: BTreeSet<String> = existing
        .iter()
        .filter_map(|s| s.pointer("/spec/clusterIP")?.as_str().map(str::to_string))
        .collect();
    let mut used_ports: BTreeSet<u16> = existing.iter().flat_map(|s| node_ports(s)).collect();
    let spec = service
        .as_object_mut()
        .map(|o| o.entry("spec").or_insert_with(|| json!({})))
        .ok_or_else(|| FieldError {
            reason: "FieldValueInvalid",
            field: "spec".into(),
            message: "Invalid value: not an object".into(),
        })?;
    let service_type = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_string();
    if !matches!(
        service_type.as_str(),
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
    ) {
        return Err(FieldError {
            reason: "FieldValueNotSupported",
            field: "spec.type".into(),
            message: format!(
                "Unsupported value: \"{service_type}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
            ),
        });
    }
    if service_type != "ExternalName" {
        match spec.get("clusterIP").and_then(Value::as_str) {
            None | Some("") => {
                let ip = allocate_cluster_ip(&used_ips);
                spec["clusterIP"] = json!(ip);
                spec["clusterIPs"] = json!([ip]);
            }
            Some("None") => {}
            Some(requested) => {
                let in_range = requested
                    .parse::<Ipv4Addr>()
                    .is_ok_and(|ip| ip.octets()[..2] == [10, 100]);
                if !in_range {
                    return Err(FieldError {
                        reason: "FieldValueInvalid",
                        field: "spec.clusterIPs".into(),
                        message: format!(
                            "Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is 10.100.0.0/16"
                        ),
                    });
                }
                if used_ips.contains(requested) {
                    return Err(FieldError {
                        reason: "FieldValueInvalid",
                        field: "spec.clusterIPs".into(),
                        message: format!(
                            "Invalid value: []string{{\"{requested}\"}}: failed to allocate IP {requested}: provided IP is already allocated"
                        ),
                    });
                }
            }
        }
    }
    let wants_node_ports = matches!(service_type.as_str(), "NodePort" | "LoadBalancer");
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        // Requested ports first, so that an allocated one never takes a
        // port asked for later in the same Service.
        for (i, port) in ports.iter().enumerate() {
            let Some(requested) = port.get("nodePort").and_then(Value::as_u64) else {
                continue;
            };
            if !wants_node_ports {
                continue;
            }
            let field = format!("spec.ports[{i}].nodePort");
            let requested = u16::try_from(requested).ok().filter(|p| NODE_PORT_RANGE.contains(p)).ok_or_else(|| FieldError {
                reason: "FieldValueInvalid",
                field: field.clone(),
                message: format!("Invalid value: {requested}: provided port is not in the valid range. The range of valid ports is 30000-32767"),
            })?;
            if !used_ports.insert(requested) {
                return Err(FieldError {
                    reason: "FieldValueInvalid",
                    field,
                    message: format!(
                        "Invalid value: {requested}: provided port is already allocated"
                    ),
                });
            }
        }
        if wants_node_ports {
            for port in ports.iter_mut() {
                if port.get("nodePort").and_then(Value::as_u64).is_none() {
                    let chosen = allocate_node_port(&used_ports);
                    used_ports.insert(chosen);
                    port["nodePort"] = json!(chosen);
                }
            }
        }
    }
    Ok(())
}

fn node_ports(service: &Value) -> Vec<u16> {
    service
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(|ports| {
            ports
                .iter()
                .filter_map(|p| p.get("nodePort")?.as_u64())
                .filter_map(|p| u16::try_from(p).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// A free address; 10.100.0.1 stays for the `kubernetes` Service even
/// while it is deleted, as the real allocator reserves it.
fn allocate_cluster_ip(used: &BTreeSet<String>) -> String {
    let mut rng = rand::rng();
    loop {
        let ip =
            Ipv4Addr::new(10, 100, rng.random_range(0..=255), rng.random_range(1..255)).to_string();
        if ip != KUBERNETES_SERVICE_IP && !used.contains(&ip) {
            return ip;
        }
    }
}

fn allocate_node_port(used: &BTreeSet<u16>) -> u16 {
    let mut rng = rand::rng();
    loop {
        let port = rng.random_range(NODE_PORT_RANGE);
        if !used.contains(&port) {
            return port;
        }
    }
}
