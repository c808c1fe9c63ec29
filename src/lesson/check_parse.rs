//! Reading one `[[check]]` table of a step into a typed `Check`.

use std::time::Duration;

use toml_edit::Table;

use super::error::{Diagnostics, did_you_mean, one_of};
use super::model::{Check, CheckKind, Span};
use super::toml_fields::{ContentMap, Fields};

/// Every check kind, as written in `kind = "..."`.
pub const KINDS: [&str; 9] = [
    "nodes-ready",
    "deployment",
    "pods",
    "service",
    "configmap-key",
    "eks-cluster",
    "eks-nodegroup",
    "http",
    "absent",
];

const COMMON: [&str; 3] = ["kind", "timeout", "hint"];

fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "nodes-ready" => &["count"],
        "deployment" => &["name", "namespace", "ready", "up-to-date", "available"],
        "pods" => &[
            "selector",
            "namespace",
            "count",
            "phase",
            "reason",
            "min-restarts",
        ],
        "service" => &["name", "namespace", "type", "ports", "node-port-range"],
        "configmap-key" => &["name", "namespace", "key", "contains"],
        "eks-cluster" => &["name", "region", "status"],
        "eks-nodegroup" => &["cluster", "nodegroup", "region", "status"],
        "http" => &["url", "status", "json-field", "equals"],
        "absent" => &["resource", "name", "selector", "namespace", "region"],
        _ => &[],
    }
}

const POD_PHASES: [&str; 5] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];
/// What kubectl's STATUS column shows for a pod: a container's waiting or
/// terminated reason, or else the pod's own reason or phase.
pub const POD_STATUSES: [&str; 20] = [
    "Pending",
    "ContainerCreating",
    "PodInitializing",
    "Running",
    "Terminating",
    "CrashLoopBackOff",
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "Error",
    "Completed",
    "OOMKilled",
    "ContainerStatusUnknown",
    "Evicted",
    "Succeeded",
    "Failed",
    "Unknown",
];
const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
const EKS_CLUSTER_STATUSES: [&str; 6] = [
    "CREATING", "ACTIVE", "DELETING", "FAILED", "UPDATING", "PENDING",
];
const EKS_NODEGROUP_STATUSES: [&str; 7] = [
    "CREATING",
    "ACTIVE",
    "UPDATING",
    "DELETING",
    "CREATE_FAILED",
    "DELETE_FAILED",
    "DEGRADED",
];
/// What `absent` can look for.
pub const ABSENT_RESOURCES: [&str; 8] = [
    "deployment",
    "replicaset",
    "pod",
    "service",
    "configmap",
    "node",
    "namespace",
    "eks-cluster",
];

/// Reads one check; `None` when it is too broken to use (errors are in `diag`).
pub fn parse_check(
    table: &Table,
    at: usize,
    map: &ContentMap,
    diag: &mut Diagnostics,
) -> Option<Check> {
    let mut fields = Fields {
        table,
        what: "a check".to_string(),
        allowed: COMMON.to_vec(),
        at,
    };
    let kind = fields.string(map, diag, "kind", true);
    let kind = match kind {
        Some(k) if KINDS.contains(&k.as_str()) => Some(k),
        Some(k) => {
            diag.at(
                fields.value_at(map, "kind"),
                format!(
                    "unknown check kind `{k}`{}; expected one of {}",
                    did_you_mean(&k, KINDS),
                    one_of(&KINDS)
                ),
            );
            None
        }
        None => None,
    };
    let timeout = fields.duration(map, diag, "timeout", true);
    let hint = fields.string(map, diag, "hint", true);
    let Some(kind) = kind else {
        // Without a kind the other keys cannot be judged.
        return None;
    };
    fields.what = format!("check `{kind}`");
    fields.allowed.extend_from_slice(kind_keys(&kind));
    fields.reject_unknown(map, diag);

    let f = &fields;
    let s = |diag: &mut Diagnostics, key: &str| f.string(map, diag, key, true);
    let opt = |diag: &mut Diagnostics, key: &str| f.string(map, diag, key, false);
    let one_of_these =
        |diag: &mut Diagnostics, key: &str, value: Option<String>, allowed: &[&str]| match value {
            Some(v) if !allowed.contains(&v.as_str()) => {
                diag.at(
                    f.value_at(map, key),
                    format!(
                        "`{key}` = `{v}` is not valid{}; expected {}",
                        did_you_mean(&v, allowed.iter().copied()),
                        one_of(allowed)
                    ),
                );
                None
            }
            other => other,
        };

    let check_kind = match kind.as_str() {
        "nodes-ready" => CheckKind::NodesReady {
            count: f.integer(map, diag, "count", true)?,
        },
        "deployment" => {
            let name = s(diag, "name");
            let namespace = opt(diag, "namespace");
            let ready = f.integer(map, diag, "ready", false);
            let up_to_date = f.integer(map, diag, "up-to-date", false);
            let available = f.integer(map, diag, "available", false);
            if ["ready", "up-to-date", "available"]
                .iter()
                .all(|k| table.get(k).is_none())
            {
                diag.at(
                    at,
                    "check `deployment` needs at least one of `ready`, `up-to-date` or `available`",
                );
            }
            CheckKind::Deployment {
                name: name?,
                namespace,
                ready,
                up_to_date,
                available,
            }
        }
        "pods" => {
            let selector = s(diag, "selector");
            let namespace = opt(diag, "namespace");
            let count = f.integer(map, diag, "count", false);
            let phase = opt(diag, "phase");
            let phase = one_of_these(diag, "phase", phase, &POD_PHASES);
            let reason = opt(diag, "reason");
            let reason = one_of_these(diag, "reason", reason, &POD_STATUSES);
            let min_restarts = f.integer(map, diag, "min-restarts", false);
            CheckKind::Pods {
                selector: selector?,
                namespace,
                count,
                phase,
                reason,
                min_restarts,
            }
        }
        "service" => {
            let name = s(diag, "name");
            let namespace = opt(diag, "namespace");
            let service_type = opt(diag, "type");
            let service_type = one_of_these(diag, "type", service_type, &SERVICE_TYPES);
            let ports = f.integers::<u16>(map, diag, "ports").unwrap_or_default();
            let range = f.integers::<u16>(map, diag, "node-port-range");
            let node_port_range = match range.as_deref() {
                None => None,
                Some([low, high]) if low <= high => Some((*low, *high)),
                Some(_) => {
                    diag.at(
                        f.value_at(map, "node-port-range"),
                        "`node-port-range` must be two numbers, low then high, e.g. `[30000, 32767]`",
                    );
                    None
                }
            };
            CheckKind::Service {
                name: name?,
                namespace,
                service_type,
                ports,
                node_port_range,
            }
        }
        "configmap-key" => {
            let name = s(diag, "name");
            let namespace = opt(diag, "namespace");
            let key = s(diag, "key");
            let contains = s(diag, "contains");
            CheckKind::ConfigMapKey {
                name: name?,
                namespace,
                key: key?,
                contains: contains?,
            }
        }
        "eks-cluster" => {
            let name = s(diag, "name");
            let region = s(diag, "region");
            let status = s(diag, "status");
            let status = one_of_these(diag, "status", status, &EKS_CLUSTER_STATUSES);
            CheckKind::EksCluster {
                name: name?,
                region: region?,
                status: status?,
            }
        }
        "eks-nodegroup" => {
            let cluster = s(diag, "cluster");
            let nodegroup = s(diag, "nodegroup");
            let region = s(diag, "region");
            let status = s(diag, "status");
            let status = one_of_these(diag, "status", status, &EKS_NODEGROUP_STATUSES);
            CheckKind::EksNodegroup {
                cluster: cluster?,
                nodegroup: nodegroup?,
                region: region?,
                status: status?,
            }
        }
        "http" => {
            let url = s(diag, "url");
            if let Some(u) = &url
                && !u.starts_with("http://")
            {
                diag.at(
                    f.value_at(map, "url"),
                    format!("`url` = `{u}`: expected a plain http:// address"),
                );
            }
            let status = f.integer(map, diag, "status", false).unwrap_or(200);
            let json_field = opt(diag, "json-field");
            let equals = f.json("equals");
            if json_field.is_some() != equals.is_some() {
                diag.at(at, "check `http` needs `json-field` and `equals` together");
            }
            CheckKind::Http {
                url: url?,
                status,
                json_field,
                equals,
            }
        }
        "absent" => {
            let resource = s(diag, "resource");
            let resource = one_of_these(diag, "resource", resource, &ABSENT_RESOURCES);
            let name = opt(diag, "name");
            let selector = opt(diag, "selector");
            let namespace = opt(diag, "namespace");
            let region = opt(diag, "region");
            if name.is_none() && selector.is_none() {
                diag.at(at, "check `absent` needs `name` or `selector`");
            }
            if resource.as_deref() == Some("eks-cluster") && region.is_none() {
                diag.at(at, "check `absent` of an `eks-cluster` needs `region`");
            }
            CheckKind::Absent {
                resource: resource?,
                name,
                selector,
                namespace,
                region,
            }
        }
        _ => return None,
    };
    Some(Check {
        kind: check_kind,
        timeout: timeout.unwrap_or(Duration::ZERO),
        hint: hint.unwrap_or_default(),
        span: Span::default(),
    })
}
