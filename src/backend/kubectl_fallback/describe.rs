//! `kubectl describe` for Deployments and Pods, from the objects the server
//! returned: the same sections and field names as kubectl, laid out with
//! its tab stops. Pure: the caller fetches the objects and passes the time.

use serde_json::Value;

use super::describe_sections::{
    Out, conditions, containers, events, int, map_lines, or_none, selector_text, str_at, timestamp,
    volumes,
};

/// Events about one object (by kind and name), sorted oldest first.
pub fn events_for<'a>(all: &'a [Value], kind: &str, name: &str) -> Vec<&'a Value> {
    let mut out: Vec<&Value> = all
        .iter()
        .filter(|e| {
            str_at(e, "/involvedObject/kind") == kind && str_at(e, "/involvedObject/name") == name
        })
        .collect();
    out.sort_by_key(|e| {
        let t = str_at(e, "/lastTimestamp");
        if t.is_empty() {
            str_at(e, "/metadata/creationTimestamp").to_string()
        } else {
            t.to_string()
        }
    });
    out
}

fn rs_summary(rs: &Value) -> String {
    format!(
        "{} ({}/{} replicas created)",
        str_at(rs, "/metadata/name"),
        int(rs, "/status/replicas"),
        int(rs, "/spec/replicas")
    )
}

/// `kubectl describe deployment`. `replica_sets` are those the Deployment
/// owns; the one with its revision is the new one.
pub fn deployment(
    d: &Value,
    replica_sets: &[Value],
    event_list: &[Value],
    now: jiff::Timestamp,
) -> Vec<String> {
    let mut out = Out::default();
    let meta = &d["metadata"];
    out.field(0, "Name", str_at(meta, "/name"));
    out.field(0, "Namespace", str_at(meta, "/namespace"));
    out.field(
        0,
        "CreationTimestamp",
        timestamp(str_at(meta, "/creationTimestamp")),
    );
    out.multi(0, "Labels", map_lines(&meta["labels"], "="));
    out.multi(0, "Annotations", map_lines(&meta["annotations"], ": "));
    out.field(0, "Selector", selector_text(&d["spec"]["selector"]));
    let s = &d["status"];
    out.field(
        0,
        "Replicas",
        format!(
            "{} desired | {} updated | {} total | {} available | {} unavailable",
            d["spec"]["replicas"].as_i64().unwrap_or(1),
            int(s, "/updatedReplicas"),
            int(s, "/replicas"),
            int(s, "/availableReplicas"),
            int(s, "/unavailableReplicas")
        ),
    );
    let strategy = &d["spec"]["strategy"];
    let strategy_type = strategy["type"].as_str().unwrap_or("RollingUpdate");
    out.field(0, "StrategyType", strategy_type);
    out.field(
        0,
        "MinReadySeconds",
        int(d, "/spec/minReadySeconds").to_string(),
    );
    if strategy_type == "RollingUpdate" {
        let ru = &strategy["rollingUpdate"];
        let text = |v: &Value, default: &str| match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => default.to_string(),
        };
        out.field(
            0,
            "RollingUpdateStrategy",
            format!(
                "{} max unavailable, {} max surge",
                text(&ru["maxUnavailable"], "25%"),
                text(&ru["maxSurge"], "25%")
            ),
        );
    }
    let template = &d["spec"]["template"];
    out.line("Pod Template:");
    out.multi(1, "Labels", map_lines(&template["metadata"]["labels"], "="));
    out.line("  Containers:");
    containers(&mut out, 3, &template["spec"], None);
    volumes(&mut out, 1, 3, &template["spec"]);
    out.field(1, "Node-Selectors", "<none>");
    out.field(1, "Tolerations", "<none>");
    conditions(&mut out, d, true);
    let revision = str_at(meta, "/annotations/deployment.kubernetes.io~1revision");
    let rev_of = |rs: &Value| {
        str_at(
            rs,
            "/metadata/annotations/deployment.kubernetes.io~1revision",
        )
        .parse::<i64>()
        .unwrap_or(0)
    };
    let new = replica_sets
        .iter()
        .find(|rs| !revision.is_empty() && rev_of(rs).to_string() == revision)
        .or_else(|| replica_sets.iter().max_by_key(|rs| rev_of(rs)));
    let old: Vec<String> = replica_sets
        .iter()
        .filter(|rs| Some(*rs) != new && int(rs, "/spec/replicas") > 0)
        .map(rs_summary)
        .collect();
    out.field(0, "OldReplicaSets", or_none(&old.join(", ")));
    out.field(
        0,
        "NewReplicaSet",
        new.map(rs_summary).unwrap_or_else(|| "<none>".into()),
    );
    let mine: Vec<Value> = events_for(event_list, "Deployment", str_at(meta, "/name"))
        .into_iter()
        .cloned()
        .collect();
    events(&mut out, &mine, now);
    out.finish()
}

/// `kubectl describe pod`.
pub fn pod(p: &Value, event_list: &[Value], now: jiff::Timestamp) -> Vec<String> {
    let mut out = Out::default();
    let meta = &p["metadata"];
    let status = &p["status"];
    out.field(0, "Name", str_at(meta, "/name"));
    out.field(0, "Namespace", str_at(meta, "/namespace"));
    if let Some(priority) = p["spec"]["priority"].as_i64() {
        out.field(0, "Priority", priority.to_string());
    }
    if let Some(account) = p["spec"]["serviceAccountName"].as_str() {
        out.field(0, "Service Account", account);
    }
    let node = str_at(p, "/spec/nodeName");
    let node = match (node, str_at(status, "/hostIP")) {
        ("", _) => "<none>".to_string(),
        (n, "") => n.to_string(),
        (n, ip) => format!("{n}/{ip}"),
    };
    out.field(0, "Node", node);
    if let Some(start) = status["startTime"].as_str() {
        out.field(0, "Start Time", timestamp(start));
    }
    out.multi(0, "Labels", map_lines(&meta["labels"], "="));
    out.multi(0, "Annotations", map_lines(&meta["annotations"], ": "));
    let phase = str_at(status, "/phase");
    let shown = if meta.get("deletionTimestamp").is_some() {
        "Terminating"
    } else {
        phase
    };
    out.field(0, "Status", or_none(shown));
    if let Some(reason) = status["reason"].as_str() {
        out.field(0, "Reason", reason);
    }
    let ip = str_at(status, "/podIP");
    out.field(0, "IP", ip);
    if ip.is_empty() {
        out.field(0, "IPs", "<none>");
    } else {
        out.line("IPs:");
        out.field(1, "IP", ip);
    }
    if let Some(owner) = meta["ownerReferences"]
        .as_array()
        .and_then(|o| o.iter().find(|r| r["controller"] == true))
    {
        out.field(
            0,
            "Controlled By",
            format!("{}/{}", str_at(owner, "/kind"), str_at(owner, "/name")),
        );
    }
    out.line("Containers:");
    containers(&mut out, 2, &p["spec"], Some(&status["containerStatuses"]));
    conditions(&mut out, p, false);
    volumes(&mut out, 0, 2, &p["spec"]);
    out.field(
        0,
        "QoS Class",
        status["qosClass"].as_str().unwrap_or("BestEffort"),
    );
    out.field(0, "Node-Selectors", "<none>");
    out.field(0, "Tolerations", "<none>");
    let mine: Vec<Value> = events_for(event_list, "Pod", str_at(meta, "/name"))
        .into_iter()
        .cloned()
        .collect();
    events(&mut out, &mine, now);
    out.finish()
}

#[cfg(test)]
#[path = "describe_tests.rs"]
mod tests;
