//! `kubectl logs` in the fallback: a pod, or the pod kubectl would pick
//! for `deploy/NAME`, with `-c`, `--previous` and `--tail`.

use serde_json::Value;

use super::FallbackError;
use super::api::{Server, encode_query};
use super::cmd::LogsArgs;
use super::commands::{items, match_labels_selector, name_of, with_selector};

/// Order pods the way `kubectl logs deploy/x` picks one: scheduled,
/// running, ready, most restarted, oldest.
fn logging_rank(pod: &Value) -> (bool, u8, bool, std::cmp::Reverse<i64>, String) {
    let status = &pod["status"];
    let phase = match status["phase"].as_str() {
        Some("Running") => 0,
        Some("Unknown") => 1,
        Some("Pending") => 2,
        _ => 3,
    };
    let ready = status["conditions"].as_array().is_some_and(|c| {
        c.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    });
    let restarts: i64 = status["containerStatuses"]
        .as_array()
        .map(|s| s.iter().filter_map(|c| c["restartCount"].as_i64()).sum())
        .unwrap_or(0);
    (
        pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty),
        phase,
        !ready,
        std::cmp::Reverse(restarts),
        pod["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

pub(super) async fn logs(
    server: &Server,
    args: &LogsArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let ns = &args.namespace;
    let pod = pick_pod(server, ns, &args.target, "shows logs of", out).await?;
    let pod_name = name_of(&pod).to_string();
    let container = match &args.container {
        Some(c) => Some(c.clone()),
        None => default_container(&pod, out),
    };
    let mut query = Vec::new();
    if let Some(c) = &container {
        query.push(format!("container={}", encode_query(c)));
    }
    if args.previous {
        query.push("previous=true".into());
    }
    if let Some(t) = args.tail {
        query.push(format!("tailLines={t}"));
    }
    let mut path = format!("/api/v1/namespaces/{ns}/pods/{pod_name}/log");
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let text = server.get_text(&path).await?;
    out.extend(text.lines().map(str::to_string));
    Ok(0)
}

/// The pod `POD`, `pod/POD`, `deploy/NAME` or `rs/NAME` names, picked the
/// way kubectl picks one for logs and exec.
pub(super) async fn pick_pod(
    server: &Server,
    ns: &str,
    target: &str,
    verb: &str,
    out: &mut Vec<String>,
) -> Result<Value, FallbackError> {
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (k, n),
        None => ("pod", target),
    };
    let resource = server.resolve(kind).await?;
    match resource.kind.as_str() {
        "Pod" => server.get(&resource.object_path(ns, name)).await,
        "Deployment" | "ReplicaSet" => {
            let owner = server.get(&resource.object_path(ns, name)).await?;
            let selector = match_labels_selector(&owner)?;
            let path = with_selector(format!("/api/v1/namespaces/{ns}/pods"), Some(&selector));
            let list = server.get(&path).await?;
            let mut pods: Vec<&Value> = items(&list).iter().collect();
            pods.sort_by_key(|p| logging_rank(p));
            let Some(first) = pods.first() else {
                return Err(FallbackError::Usage(format!(
                    "no pods found for {}/{name}",
                    resource.singular_qualified()
                )));
            };
            if pods.len() > 1 {
                out.push(format!(
                    "Found {} pods, using pod/{}",
                    pods.len(),
                    name_of(first)
                ));
            }
            Ok((*first).clone())
        }
        _ => Err(FallbackError::Usage(format!(
            "the built-in kubectl fallback {verb} pods, deployments and replicasets, not {}",
            resource.plural
        ))),
    }
}

/// The container kubectl picks when none is named: the default-container
/// annotation, the only one, or the first (said so).
pub(super) fn default_container(pod: &Value, out: &mut Vec<String>) -> Option<String> {
    let names: Vec<&str> = pod["spec"]["containers"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    let preferred = pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
        .as_str()
        .filter(|p| names.contains(p));
    match (preferred, names.as_slice()) {
        (Some(p), _) => Some(p.to_string()),
        (None, [_]) | (None, []) => None,
        (None, [first, ..]) => {
            out.push(format!(
                "Defaulted container \"{first}\" out of: {}",
                names.join(", ")
            ));
            Some((*first).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_running_ready_pod_is_picked_for_logs() {
        let pending = json!({"metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {}, "status": {"phase": "Pending"}});
        let running = json!({"metadata": {"name": "b", "creationTimestamp": "2026-01-02T00:00:00Z"},
            "spec": {"nodeName": "n1"}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}});
        let mut pods = [&pending, &running];
        pods.sort_by_key(|p| logging_rank(p));
        assert_eq!(name_of(pods[0]), "b");
    }
}
