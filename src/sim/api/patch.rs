//! The four patch types: JSON merge patch, strategic merge patch (lists merged
//! by key, `$patch` and `$setElementOrder` directives), JSON patch, and
//! server-side apply (approximated as a strategic merge of the applied fields).

use serde_json::{Map, Value};

use crate::sim::api::status::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Merge,
    Strategic,
    Json,
    Apply,
}

impl PatchType {
    /// From the request Content-Type; 415 for anything else.
    pub fn from_content_type(content_type: Option<&str>) -> Result<PatchType, ApiError> {
        let media = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/merge-patch+json" => Ok(PatchType::Merge),
            "application/strategic-merge-patch+json" => Ok(PatchType::Strategic),
            "application/json-patch+json" => Ok(PatchType::Json),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Ok(PatchType::Apply),
            other => Err(ApiError::new(
                415,
                "UnsupportedMediaType",
                format!(
                    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \"{other}\")"
                ),
            )),
        }
    }
}

/// Decodes a patch body: JSON, or YAML for apply patches.
pub fn decode_patch(patch_type: PatchType, body: &[u8]) -> Result<Value, ApiError> {
    let parsed: Result<Value, String> = match patch_type {
        PatchType::Apply => serde_norway::from_slice::<Value>(body).map_err(|e| e.to_string()),
        _ => serde_json::from_slice::<Value>(body).map_err(|e| e.to_string()),
    };
    parsed.map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))
}

/// Applies a decoded patch to `target` (a copy of the stored object).
pub fn apply_patch(
    patch_type: PatchType,
    target: &mut Value,
    patch: &Value,
) -> Result<(), ApiError> {
    match patch_type {
        PatchType::Merge => {
            if !patch.is_object() {
                return Err(ApiError::bad_request("a merge patch must be a JSON object"));
            }
            json_patch::merge(target, patch);
            Ok(())
        }
        PatchType::Strategic | PatchType::Apply => {
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "a strategic merge patch must be a JSON object",
                ));
            }
            strategic_merge(target, patch, "");
            Ok(())
        }
        PatchType::Json => {
            let ops: json_patch::Patch = serde_json::from_value(patch.clone())
                .map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
            json_patch::patch(target, &ops).map_err(|e| {
                ApiError::new(
                    422,
                    "Invalid",
                    format!("the JSON patch could not be applied: {e}"),
                )
            })
        }
    }
}

/// The merge key of a list field, or None for lists that are replaced.
fn merge_key(field: &str, sample: &[Value]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "volumeMounts"
        | "imagePullSecrets" => Some("name"),
        "ports" => {
            let container_ports = sample.iter().any(|p| p.get("containerPort").is_some());
            Some(if container_ports {
                "containerPort"
            } else {
                "port"
            })
        }
        "conditions" => Some("type"),
        "ownerReferences" => Some("uid"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "topologySpreadConstraints" => Some("topologyKey"),
        _ => None,
    }
}

fn directive(v: &Value) -> Option<&str> {
    v.get("$patch").and_then(Value::as_str)
}

/// Merges `patch` into `target` with strategic merge patch rules.
pub fn strategic_merge(target: &mut Value, patch: &Value, field: &str) {
    let Some(patch_map) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    match directive(patch) {
        Some("replace") => {
            let mut replacement = patch_map.clone();
            replacement.remove("$patch");
            *target = Value::Object(replacement);
            return;
        }
        Some("delete") => {
            *target = Value::Null;
            return;
        }
        _ => {}
    }
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let _ = field;
    let target_map = target.as_object_mut().expect("made an object above");
    let mut orders: Vec<(String, Vec<Value>)> = Vec::new();
    for (key, pv) in patch_map {
        if let Some(list_field) = key.strip_prefix("$setElementOrder/") {
            if let Some(order) = pv.as_array() {
                orders.push((list_field.to_string(), order.clone()));
            }
            continue;
        }
        if let Some(list_field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(list), Some(remove)) = (
                target_map.get_mut(list_field).and_then(Value::as_array_mut),
                pv.as_array(),
            ) {
                list.retain(|v| !remove.contains(v));
            }
            continue;
        }
        if key == "$retainKeys" {
            if let Some(keep) = pv.as_array() {
                target_map.retain(|k, _| {
                    keep.iter().any(|x| x.as_str() == Some(k)) || patch_map.contains_key(k)
                });
            }
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        match pv {
            Value::Null => {
                target_map.remove(key);
            }
            Value::Object(_) => {
                let slot = target_map.entry(key.clone()).or_insert(Value::Null);
                strategic_merge(slot, pv, key);
                if slot.is_null() {
                    target_map.remove(key);
                }
            }
            Value::Array(items) => {
                let existing = target_map.remove(key);
                let merged = merge_list(key, existing, items);
                target_map.insert(key.clone(), merged);
            }
            other => {
                target_map.insert(key.clone(), other.clone());
            }
        }
    }
    for (list_field, order) in orders {
        if let Some(Value::Array(list)) = target_map.get_mut(&list_field) {
            reorder(&list_field, list, &order);
        }
    }
}

fn merge_list(field: &str, existing: Option<Value>, patch_items: &[Value]) -> Value {
    if patch_items.iter().any(|i| directive(i) == Some("replace")) {
        return Value::Array(
            patch_items
                .iter()
                .filter(|i| directive(i) != Some("replace"))
                .cloned()
                .collect(),
        );
    }
    let mut base: Vec<Value> = match existing {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    let sample: Vec<Value> = base.iter().chain(patch_items).cloned().collect();
    let Some(key) = merge_key(field, &sample).filter(|_| patch_items.iter().all(Value::is_object))
    else {
        return Value::Array(patch_items.to_vec());
    };
    for item in patch_items {
        let id = item.get(key).cloned();
        let position = base
            .iter()
            .position(|b| id.is_some() && b.get(key) == id.as_ref());
        match (directive(item), position) {
            (Some("delete"), Some(i)) => {
                base.remove(i);
            }
            (Some("delete"), None) => {}
            (_, Some(i)) => strategic_merge(&mut base[i], item, field),
            (_, None) => {
                let mut fresh = Value::Object(Map::new());
                strategic_merge(&mut fresh, item, field);
                base.push(fresh);
            }
        }
    }
    Value::Array(base)
}

fn reorder(field: &str, list: &mut [Value], order: &[Value]) {
    let sample: Vec<Value> = list.iter().chain(order).cloned().collect();
    let Some(key) = merge_key(field, &sample) else {
        return;
    };
    let rank = |v: &Value| {
        order
            .iter()
            .position(|o| o.get(key).is_some() && o.get(key) == v.get(key))
            .unwrap_or(usize::MAX)
    };
    // A stable sort keeps elements the order does not mention at the end, in place.
    list.sort_by_key(rank);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment() -> Value {
        json!({"metadata": {"name": "web", "labels": {"app": "web", "old": "x"}},
               "spec": {"replicas": 1, "template": {"spec": {"containers": [
                   {"name": "a", "image": "nginx:1", "env": [{"name": "X", "value": "1"}], "ports": [{"containerPort": 80}]},
                   {"name": "b", "image": "busybox", "args": ["sleep", "1"]}]}}}})
    }

    #[test]
    fn strategic_merges_lists_by_key() {
        let mut d = deployment();
        let patch = json!({"metadata": {"labels": {"old": null, "new": "y"}},
            "spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
                "containers": [
                    {"name": "a", "image": "nginx:2", "env": [{"name": "Y", "value": "2"}], "ports": [{"containerPort": 8080}]},
                    {"name": "b", "args": ["sleep", "2"]}]}}}});
        strategic_merge(&mut d, &patch, "");
        assert_eq!(d["metadata"]["labels"], json!({"app": "web", "new": "y"}));
        let cs = &d["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs[0]["name"], "b", "order set by $setElementOrder");
        assert_eq!(
            cs[0]["args"],
            json!(["sleep", "2"]),
            "primitive lists are replaced"
        );
        assert_eq!(cs[0]["image"], "busybox");
        assert_eq!(cs[1]["image"], "nginx:2");
        assert_eq!(
            cs[1]["env"].as_array().map(Vec::len),
            Some(2),
            "env merged by name"
        );
        assert_eq!(
            cs[1]["ports"].as_array().map(Vec::len),
            Some(2),
            "ports merged by containerPort"
        );
    }

    #[test]
    fn strategic_patch_directives() {
        let mut d = deployment();
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "b", "$patch": "delete"}]}}}});
        strategic_merge(&mut d, &patch, "");
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        let patch = json!({"metadata": {"labels": {"$patch": "replace", "only": "this"}}});
        strategic_merge(&mut d, &patch, "");
        assert_eq!(d["metadata"]["labels"], json!({"only": "this"}));
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "z", "image": "z"}]}}}});
        strategic_merge(&mut d, &patch, "");
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"],
            json!([{"name": "z", "image": "z"}])
        );
    }

    #[test]
    fn service_ports_merge_by_port() {
        let mut svc = json!({"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443, "name": "https"}]}});
        strategic_merge(
            &mut svc,
            &json!({"spec": {"ports": [{"port": 80, "nodePort": 30080}]}}),
            "",
        );
        assert_eq!(
            svc["spec"]["ports"][0],
            json!({"port": 80, "name": "http", "nodePort": 30080})
        );
        assert_eq!(svc["spec"]["ports"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn merge_and_json_patches() {
        let mut d = deployment();
        apply_patch(PatchType::Merge, &mut d, &json!({"spec": {"replicas": 3}})).expect("merge");
        assert_eq!(d["spec"]["replicas"], 3);
        apply_patch(
            PatchType::Merge,
            &mut d,
            &json!({"spec": {"template": {"spec": {"containers": []}}}}),
        )
        .expect("merge");
        assert_eq!(
            d["spec"]["template"]["spec"]["containers"],
            json!([]),
            "merge patch replaces lists"
        );
        let ops = json!([{"op": "replace", "path": "/spec/replicas", "value": 5}]);
        apply_patch(PatchType::Json, &mut d, &ops).expect("json patch");
        assert_eq!(d["spec"]["replicas"], 5);
        let bad = json!([{"op": "test", "path": "/spec/replicas", "value": 1}]);
        assert_eq!(
            apply_patch(PatchType::Json, &mut d, &bad)
                .expect_err("test fails")
                .code,
            422
        );
        assert_eq!(
            PatchType::from_content_type(Some("text/plain"))
                .expect_err("415")
                .code,
            415
        );
        assert_eq!(
            PatchType::from_content_type(Some("application/apply-patch+yaml; charset=utf-8"))
                .expect("apply"),
            PatchType::Apply
        );
        let yaml = decode_patch(PatchType::Apply, b"spec:\n  replicas: 2\n").expect("yaml");
        assert_eq!(yaml["spec"]["replicas"], 2);
    }
}
