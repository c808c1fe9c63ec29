//! Pod templates: the comparison the deployment controller makes between a
//! Deployment and its ReplicaSets, and the defaults the API server fills in
//! templates and pods.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::{Value, json};

use super::names::POD_TEMPLATE_HASH;

/// Whether a ReplicaSet's template is the Deployment's, ignoring the
/// pod-template-hash label and empty or null fields: kubectl's `rollout
/// undo` writes back a template that went through Go structs, which adds
/// `resources: {}` and `creationTimestamp: null`.
pub fn same_template(
    rs_template: Option<&PodTemplateSpec>,
    dep_template: &PodTemplateSpec,
) -> bool {
    let Some(rs_template) = rs_template else {
        return false;
    };
    let mut rs_value =
        serde_json::to_value(rs_template).expect("a PodTemplateSpec always serialises");
    if let Some(labels) = rs_value
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(POD_TEMPLATE_HASH);
    }
    let dep_value =
        serde_json::to_value(dep_template).expect("a PodTemplateSpec always serialises");
    comparable(rs_value) == comparable(dep_value)
}

/// A template with the API server's defaults filled and empty fields
/// dropped: two templates that Kubernetes would store alike compare equal,
/// whether or not they went through admission.
pub fn comparable(mut template: Value) -> Value {
    if let Some(spec) = template.get_mut("spec") {
        default_pod_spec(spec);
    }
    canonical(template)
}

/// Drops nulls, empty objects and empty arrays, recursively.
pub fn canonical(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, canonical(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn set_default(obj: &mut Value, field: &str, value: Value) {
    if obj.get(field).is_none_or(Value::is_null) {
        obj[field] = value;
    }
}

/// The API server's defaults for a pod spec, so that `kubectl describe`
/// shows "80/TCP" and templates compare equal after a round trip.
pub fn default_pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        return;
    }
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "securityContext", json!({}));
    for list in ["initContainers", "containers"] {
        let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) else {
            continue;
        };
        for c in containers {
            set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
            set_default(c, "terminationMessagePolicy", json!("File"));
            let latest = c["image"].as_str().is_some_and(|i| {
                let last = i.rsplit('/').next().unwrap_or(i);
                !last.contains(':') || last.ends_with(":latest")
            });
            set_default(
                c,
                "imagePullPolicy",
                json!(if latest { "Always" } else { "IfNotPresent" }),
            );
            set_default(c, "resources", json!({}));
            if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    set_default(p, "protocol", json!("TCP"));
                }
            }
        }
    }
}

/// Defaults for the pod template of a Deployment or ReplicaSet.
pub fn default_template(obj: &mut Value) {
    if let Some(spec) = obj.pointer_mut("/spec/template/spec") {
        default_pod_spec(spec);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(extra: Value) -> PodTemplateSpec {
        let mut t = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}});
        if let (Some(t), Some(extra)) = (t.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                t.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(t).unwrap()
    }

    #[test]
    fn go_round_trip_noise_and_the_hash_label_do_not_count() {
        let dep = template(json!({}));
        let rs = template(json!({
            "metadata": {"creationTimestamp": null, "labels": {"app": "web", "pod-template-hash": "abc"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "resources": {}}]}
        }));
        assert!(same_template(Some(&rs), &dep));
        let other =
            template(json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}));
        assert!(!same_template(Some(&other), &dep));
    }

    #[test]
    fn ports_get_a_protocol_and_images_a_pull_policy() {
        let mut spec = json!({"containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": 80}]}, {"name": "b", "image": "nginx:1.27"}]});
        default_pod_spec(&mut spec);
        assert_eq!(spec["containers"][0]["ports"][0]["protocol"], "TCP");
        assert_eq!(spec["containers"][0]["imagePullPolicy"], "Always");
        assert_eq!(spec["containers"][1]["imagePullPolicy"], "IfNotPresent");
        assert_eq!(spec["restartPolicy"], "Always");
    }
}
