//! Label selectors (equality and set-based) and field selectors, as list and
//! watch requests carry them, plus the printed form of a LabelSelector object.

use serde_json::Value;

use crate::sim::api::status::ApiError;
use crate::sim::kinds::ResourceKind;

#[derive(Debug, Clone, PartialEq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed `labelSelector`; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 317
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
}

fn valid_value(value: &str) -> bool {
    value.len() <= 63
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Splits on commas that are outside parentheses.
fn split_top_level(s: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err("unbalanced parentheses".into());
                }
            }
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced parentheses".into());
    }
    parts.push(&s[start..]);
    Ok(parts)
}

fn parse_set(rest: &str) -> Result<Vec<String>, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("found '{rest}', expected: '('"))?;
    let mut values: Vec<String> = inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err("for 'in', 'notin' operators, values set can't be empty".into());
    }
    if let Some(bad) = values.iter().find(|v| !valid_value(v)) {
        return Err(format!("invalid label value: \"{bad}\""));
    }
    values.sort();
    values.dedup();
    Ok(values)
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    let part = part.trim();
    if part.is_empty() {
        return Err("found '', expected: identifier".into());
    }
    if let Some(key) = part.strip_prefix('!') {
        let key = key.trim();
        return valid_key(key)
            .then(|| Requirement::NotExists(key.to_string()))
            .ok_or_else(|| format!("invalid label key \"{key}\""));
    }
    let checked = |key: &str, value: &str| -> Result<(String, String), String> {
        let (key, value) = (key.trim(), value.trim());
        if !valid_key(key) {
            return Err(format!("invalid label key \"{key}\""));
        }
        if !valid_value(value) {
            return Err(format!("invalid label value: \"{value}\""));
        }
        Ok((key.to_string(), value.to_string()))
    };
    if let Some((k, v)) = part.split_once("!=") {
        let (k, v) = checked(k, v)?;
        return Ok(Requirement::NotEquals(k, v));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        let (k, v) = checked(k, v)?;
        return Ok(Requirement::Equals(k, v));
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    match words.as_slice() {
        [key] => valid_key(key)
            .then(|| Requirement::Exists(key.to_string()))
            .ok_or_else(|| format!("invalid label key \"{key}\"")),
        [key, rest] => {
            let rest = rest.trim_start();
            if !valid_key(key) {
                return Err(format!("invalid label key \"{key}\""));
            }
            if let Some(set) = rest.strip_prefix("notin") {
                Ok(Requirement::NotIn(key.to_string(), parse_set(set)?))
            } else if let Some(set) = rest.strip_prefix("in") {
                Ok(Requirement::In(key.to_string(), parse_set(set)?))
            } else {
                Err(format!(
                    "found '{rest}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        }
        _ => Err(format!("unable to parse requirement: {part}")),
    }
}

impl LabelSelector {
    pub fn parse(text: &str) -> Result<LabelSelector, ApiError> {
        let bad =
            |msg: String| ApiError::bad_request(format!("unable to parse requirement: {msg}"));
        if text.trim().is_empty() {
            return Ok(LabelSelector::default());
        }
        let requirements = split_top_level(text)
            .map_err(bad)?
            .into_iter()
            .map(parse_requirement)
            .collect::<Result<Vec<_>, String>>()
            .map_err(bad)?;
        Ok(LabelSelector { requirements })
    }

    pub fn matches(&self, labels: Option<&Value>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        })
    }
}

/// A parsed `fieldSelector`: equality tests on a few fields per kind.
#[derive(Debug, Clone, Default)]
pub struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

fn field_supported(rk: &ResourceKind, field: &str) -> bool {
    if matches!(field, "metadata.name" | "metadata.namespace") {
        return true;
    }
    let extra: &[&str] = match rk.kind {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        "Secret" => &["type"],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "ReplicaSet" => &["status.replicas"],
        _ => &[],
    };
    extra.contains(&field)
}

fn field_value(obj: &Value, field: &str) -> String {
    let path = if field == "source" {
        "source.component"
    } else {
        field
    };
    let mut cur = obj;
    for part in path.split('.') {
        match cur.get(part) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl FieldSelector {
    pub fn parse(rk: &ResourceKind, text: &str) -> Result<FieldSelector, ApiError> {
        let mut terms = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, negated, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                (f, false, v)
            } else {
                return Err(ApiError::bad_request(format!(
                    "invalid selector: '{text}'; can't understand '{part}'"
                )));
            };
            let field = field.trim();
            if !field_supported(rk, field) {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {field}"
                )));
            }
            terms.push((field.to_string(), negated, value.trim().to_string()));
        }
        Ok(FieldSelector { terms })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.terms
            .iter()
            .all(|(field, negated, value)| (field_value(obj, field) == *value) != *negated)
    }
}

/// Both selectors of a list or watch request.
#[derive(Debug, Clone, Default)]
pub struct Selectors {
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl Selectors {
    pub fn matches(&self, obj: &Value) -> bool {
        self.labels
            .matches(obj.get("metadata").and_then(|m| m.get("labels")))
            && self.fields.matches(obj)
    }
}

/// How a LabelSelector object prints ("app=web,tier in (a,b)"), "<none>" when empty.
pub fn format_label_selector(selector: Option<&Value>) -> String {
    let Some(sel) = selector else {
        return "<none>".into();
    };
    let mut parts: Vec<(String, String)> = Vec::new();
    if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in m {
            parts.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or_default())));
        }
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e["key"].as_str().unwrap_or_default().to_string();
            let mut values: Vec<&str> = e["values"]
                .as_array()
                .map(|v| v.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            values.sort_unstable();
            let text = match e["operator"].as_str().unwrap_or_default() {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.clone(),
                "DoesNotExist" => format!("!{key}"),
                other => format!("{key} {other}"),
            };
            parts.push((key, text));
        }
    }
    if parts.is_empty() {
        return "<none>".into();
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    parts
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// A map of labels as "k=v,k2=v2" sorted by key, "<none>" when empty.
pub fn format_labels(map: Option<&Value>) -> String {
    let mut pairs: Vec<String> = map
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    if pairs.is_empty() {
        return "<none>".into();
    }
    pairs.sort();
    pairs.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels() -> Value {
        json!({"app": "web", "tier": "front", "env": "prod"})
    }

    #[test]
    fn label_selectors_match() {
        let l = labels();
        let yes = [
            "",
            "app=web",
            "app==web",
            "app!=db",
            "tier in (front,back)",
            "env notin (dev)",
            "app",
            "!missing",
            "app=web,tier in (front, back),!missing",
        ];
        for s in yes {
            assert!(LabelSelector::parse(s).expect(s).matches(Some(&l)), "{s}");
        }
        let no = [
            "app=db",
            "app!=web",
            "tier in (back)",
            "env notin (prod,dev)",
            "missing",
            "!app",
        ];
        for s in no {
            assert!(!LabelSelector::parse(s).expect(s).matches(Some(&l)), "{s}");
        }
        assert!(
            LabelSelector::parse("missing notin (x)")
                .expect("ok")
                .matches(None)
        );
    }

    #[test]
    fn bad_label_selectors_are_rejected() {
        for s in [
            "app in (a",
            "app in ()",
            "=web",
            "app=we b",
            "a b c",
            "app in a",
        ] {
            let err = LabelSelector::parse(s).expect_err(s);
            assert_eq!(err.code, 400, "{s}");
        }
    }

    #[test]
    fn field_selectors() {
        let pod = crate::sim::kinds::by_kind("Pod").expect("pods");
        let obj = json!({"metadata": {"name": "a", "namespace": "default"}, "status": {"phase": "Running"}, "spec": {"nodeName": "n1"}});
        let ok = |s: &str| FieldSelector::parse(pod, s).expect(s).matches(&obj);
        assert!(ok("metadata.name=a"));
        assert!(ok("status.phase!=Pending,spec.nodeName==n1"));
        assert!(!ok("metadata.name=b"));
        assert!(FieldSelector::parse(pod, "spec.bogus=x").is_err());
        let ev = crate::sim::kinds::by_kind("Event").expect("events");
        let e = json!({"involvedObject": {"kind": "Pod", "name": "a"}});
        assert!(
            FieldSelector::parse(ev, "involvedObject.kind=Pod,involvedObject.name=a")
                .expect("ok")
                .matches(&e)
        );
    }

    #[test]
    fn formats_selectors() {
        let sel = json!({"matchLabels": {"tier": "x", "app": "web"},
                         "matchExpressions": [{"key": "env", "operator": "In", "values": ["b", "a"]}]});
        assert_eq!(
            format_label_selector(Some(&sel)),
            "app=web,env in (a,b),tier=x"
        );
        assert_eq!(format_label_selector(None), "<none>");
        assert_eq!(format_labels(Some(&json!({"b": "2", "a": "1"}))), "a=1,b=2");
    }
}
