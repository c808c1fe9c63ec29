//! The sections `kubectl describe` prints for workloads (containers,
//! volumes, conditions, events) and the field helpers they share. Pure.

use serde_json::Value;

use crate::sim::text::{TabWriter, human_duration};

/// Lines with tab-separated cells; aligned once at the end.
#[derive(Default)]
pub(super) struct Out(Vec<String>);

impl Out {
    pub(super) fn field(&mut self, indent: usize, key: &str, value: impl AsRef<str>) {
        self.0
            .push(format!("{}{key}:\t{}", "  ".repeat(indent), value.as_ref()));
    }

    pub(super) fn line(&mut self, text: impl Into<String>) {
        self.0.push(text.into());
    }

    /// A multi-line value (labels, annotations): the first on the key's
    /// line, the rest under it in the value column.
    pub(super) fn multi(&mut self, indent: usize, key: &str, values: Vec<String>) {
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

    pub(super) fn finish(self) -> Vec<String> {
        TabWriter::KUBECTL_DESCRIBE.lines(&self.0)
    }
}

pub(super) fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

pub(super) fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// `key=value` lines sorted by key (so `app` comes before `app.kubernetes.io/name`).
pub(super) fn map_lines(map: &Value, sep: &str) -> Vec<String> {
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

pub(super) fn selector_text(selector: &Value) -> String {
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
pub(super) fn timestamp(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string(),
        Err(_) => or_none(text),
    }
}

pub(super) fn age(text: &str, now: jiff::Timestamp) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => human_duration(now.as_second() - t.as_second()),
        Err(_) => "<unknown>".into(),
    }
}

pub(super) fn int(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// Containers: names at `name_indent` spaces (kubectl uses 2 in a pod and 3
/// in a pod template), their fields at 4.
pub(super) fn containers(
    out: &mut Out,
    name_indent: usize,
    spec: &Value,
    statuses: Option<&Value>,
) {
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
pub(super) fn volumes(out: &mut Out, key_indent: usize, name_indent: usize, spec: &Value) {
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

pub(super) fn state(out: &mut Out, indent: usize, key: &str, state: &Value) {
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

pub(super) fn conditions(out: &mut Out, obj: &Value, with_reason: bool) {
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
pub(super) fn events(out: &mut Out, events: &[Value], now: jiff::Timestamp) {
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
