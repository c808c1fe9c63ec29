//! `kubectl describe` for Deployments and Pods, from the objects the server
//! returned: the same sections and field names as kubectl, laid out with
//! its tab stops. Pure: the caller fetches the objects and passes the time.

use serde_json::Value;

use super::format::{DESCRIBE_PADDING, align, human_duration};

/// Lines with tab-separated cells; aligned once at the end.
#[derive(Default)]
struct Out(Vec<String>);

impl Out {
    fn field(&mut self, indent: usize, key: &str, value: impl AsRef<str>) {
        self.0
            .push(format!("{}{key}:\t{}", "  ".repeat(indent), value.as_ref()));
    }

    fn line(&mut self, text: impl Into<String>) {
        self.0.push(text.into());
    }

    /// A multi-line value (labels, annotations): the first on the key's
    /// line, the rest under it in the value column.
    fn multi(&mut self, indent: usize, key: &str, values: Vec<String>) {
        let mut values = values.into_iter();
        self.field(
            indent,
            key,
            values.next().unwrap_or_else(|| "<none>".into()),
        );
        for v in values {
            self.0.push(format!("{}\t{v}", "  ".repeat(indent)));
        }
    }

    fn finish(self) -> Vec<String> {
        align(&self.0, 0, DESCRIBE_PADDING)
    }
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// `key=value` lines sorted by key (so `app` comes before `app.kubernetes.io/name`).
fn map_lines(map: &Value, sep: &str) -> Vec<String> {
    let mut pairs: Vec<(&String, &str)> = map
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}{sep}{v}"))
        .collect()
}

fn selector_text(selector: &Value) -> String {
    let mut parts = map_lines(&selector["matchLabels"], "=");
    for e in selector["matchExpressions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let values: Vec<&str> = e["values"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        parts.push(format!(
            "{} {} ({})",
            str_at(e, "/key"),
            str_at(e, "/operator").to_lowercase(),
            values.join(",")
        ));
    }
    or_none(&parts.join(","))
}

/// RFC 1123 time, as kubectl prints creation and start times.
fn timestamp(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
        Err(_) => or_none(text),
    }
}

fn age(text: &str, now: jiff::Timestamp) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => human_duration(now.as_second() - t.as_second()),
        Err(_) => "<unknown>".into(),
    }
}

fn int(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// Containers: names at `name_indent` spaces (kubectl uses 2 in a pod and 3
/// in a pod template), their fields at 4.
fn containers(out: &mut Out, name_indent: usize, spec: &Value, statuses: Option<&Value>) {
    let list = spec["containers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for c in list {
        let name = str_at(c, "/name");
        out.line(format!("{}{name}:", " ".repeat(name_indent)));
        let status = statuses
            .and_then(Value::as_array)
            .and_then(|all| all.iter().find(|s| str_at(s, "/name") == name));
        let i = 2;
        if let Some(s) = status {
            out.field(i, "Container ID", str_at(s, "/containerID"));
        }
        out.field(i, "Image", str_at(c, "/image"));
        if let Some(s) = status {
            out.field(i, "Image ID", str_at(s, "/imageID"));
        }
        let ports: Vec<String> = c["ports"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    int(p, "/containerPort"),
                    p["protocol"].as_str().unwrap_or("TCP")
                )
            })
            .collect();
        out.field(i, "Port", or_none(&ports.join(", ")));
        out.field(
            i,
            "Host Port",
            if ports.is_empty() { "<none>" } else { "0/TCP" },
        );
        if let Some(s) = status {
            state(out, i, "State", &s["state"]);
            if s["lastState"].as_object().is_some_and(|m| !m.is_empty()) {
                state(out, i, "Last State", &s["lastState"]);
            }
            out.field(
                i,
                "Ready",
                if s["ready"] == true { "True" } else { "False" },
            );
            out.field(i, "Restart Count", int(s, "/restartCount").to_string());
        }
        let env: Vec<String> = c["env"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|e| format!("{}:\t{}", str_at(e, "/name"), str_at(e, "/value")))
            .collect();
        if env.is_empty() {
            out.field(i, "Environment", "<none>");
        } else {
            out.line(format!("{}Environment:", "  ".repeat(i)));
            for e in env {
                out.line(format!("{}{e}", "  ".repeat(i + 1)));
            }
        }
        let mounts: Vec<String> = c["volumeMounts"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|m| {
                let mode = if m["readOnly"] == true { "ro" } else { "rw" };
                format!(
                    "{} from {} ({mode})",
                    str_at(m, "/mountPath"),
                    str_at(m, "/name")
                )
            })
            .collect();
        if mounts.is_empty() {
            out.field(i, "Mounts", "<none>");
        } else {
            out.line(format!("{}Mounts:", "  ".repeat(i)));
            for m in mounts {
                out.line(format!("{}{m}", "  ".repeat(i + 1)));
            }
        }
    }
}

/// The Volumes section: names at `name_indent` spaces, their source below.
fn volumes(out: &mut Out, key_indent: usize, name_indent: usize, spec: &Value) {
    let list = spec["volumes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if list.is_empty() {
        out.field(key_indent, "Volumes", "<none>");
        return;
    }
    out.line(format!("{}Volumes:", "  ".repeat(key_indent)));
    let pad = " ".repeat(name_indent + 1);
    for v in list {
        out.line(format!(
            "{}{}:",
            " ".repeat(name_indent),
            str_at(v, "/name")
        ));
        let sourced = |kind: &str, what: &str, name: &str| {
            [
                format!("{pad}Type:\t{kind} (a volume populated by a {what})"),
                format!("{pad}Name:\t{name}"),
                format!("{pad}Optional:\tfalse"),
            ]
        };
        if v.get("configMap").is_some() {
            for l in sourced("ConfigMap", "ConfigMap", str_at(v, "/configMap/name")) {
                out.line(l);
            }
        } else if v.get("secret").is_some() {
            for l in sourced("Secret", "Secret", str_at(v, "/secret/secretName")) {
                out.line(l);
            }
        } else if v.get("emptyDir").is_some() {
            out.line(format!(
                "{pad}Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)"
            ));
        } else {
            out.line(format!("{pad}Type:\t<unknown>"));
        }
    }
}

fn state(out: &mut Out, indent: usize, key: &str, state: &Value) {
    let Some((name, detail)) = state.as_object().and_then(|m| m.iter().next()) else {
        out.field(indent, key, "Waiting");
        return;
    };
    let mut title = name.clone();
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    out.field(indent, key, title);
    let i = indent + 1;
    for (field, label) in [
        ("reason", "Reason"),
        ("message", "Message"),
        ("exitCode", "Exit Code"),
        ("startedAt", "Started"),
        ("finishedAt", "Finished"),
    ] {
        match &detail[field] {
            Value::String(s) if field.ends_with("At") => out.field(i, label, timestamp(s)),
            Value::String(s) => out.field(i, label, s),
            Value::Number(n) => out.field(i, label, n.to_string()),
            _ => {}
        }
    }
}

fn conditions(out: &mut Out, obj: &Value, with_reason: bool) {
    let list = obj["status"]["conditions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    if list.is_empty() {
        return;
    }
    out.line("Conditions:");
    if with_reason {
        out.line("  Type\tStatus\tReason");
        out.line("  ----\t------\t------");
    } else {
        out.line("  Type\tStatus");
    }
    for c in list {
        let (kind, status) = (str_at(c, "/type"), str_at(c, "/status"));
        if with_reason {
            out.line(format!("  {kind}\t{status}\t{}", str_at(c, "/reason")));
        } else {
            // kubectl pads a pod's condition cells with one space each.
            out.line(format!("  {kind} \t{status} "));
        }
    }
}

/// The Events section: events about the object, oldest first.
fn events(out: &mut Out, events: &[Value], now: jiff::Timestamp) {
    if events.is_empty() {
        out.field(0, "Events", "<none>");
        return;
    }
    out.line("Events:");
    out.line("  Type\tReason\tAge\tFrom\tMessage");
    out.line("  ----\t------\t----\t----\t-------");
    for e in events {
        let last = [
            "/lastTimestamp",
            "/eventTime",
            "/firstTimestamp",
            "/metadata/creationTimestamp",
        ]
        .iter()
        .map(|p| str_at(e, p))
        .find(|s| !s.is_empty())
        .unwrap_or_default();
        let count = int(e, "/count");
        let mut when = age(last, now);
        if count > 1 {
            when = format!(
                "{when} (x{count} over {})",
                age(str_at(e, "/firstTimestamp"), now)
            );
        }
        let from = match str_at(e, "/source/component") {
            "" => str_at(e, "/reportingComponent"),
            c => c,
        };
        out.line(format!(
            "  {}\t{}\t{when}\t{from}\t{}",
            str_at(e, "/type"),
            str_at(e, "/reason"),
            str_at(e, "/message").trim_end()
        ));
    }
}

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
