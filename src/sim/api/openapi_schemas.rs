//! The schemas of the served kinds with the upstream field descriptions, as
//! k8s-openapi carries them, laid out as the API server's OpenAPI v3
//! `components.schemas`; and the strict field validation built on them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service,
};
use k8s_openapi::schemars::JsonSchema;
use k8s_openapi::schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::sim::kinds::{self, ResourceKind};

/// One group-version's schemas: every definition its kinds reach, by name.
pub(super) struct GroupVersionSchemas {
    pub(super) definitions: Map<String, Value>,
    kinds: BTreeMap<&'static str, String>,
}

fn register<T: JsonSchema>(generator: &mut SchemaGenerator) -> String {
    generator.subschema_for::<T>();
    T::schema_name().into_owned()
}

/// Adds a served kind's schema (and all it refers to) to the generator and
/// returns its schema name, such as `io.k8s.api.apps.v1.Deployment`.
fn register_kind(generator: &mut SchemaGenerator, kind: &str) -> Option<String> {
    let name = match kind {
        "Namespace" => register::<Namespace>(generator),
        "Node" => register::<Node>(generator),
        "Pod" => register::<Pod>(generator),
        "Service" => register::<Service>(generator),
        "Endpoints" => register::<Endpoints>(generator),
        "ConfigMap" => register::<ConfigMap>(generator),
        "Secret" => register::<Secret>(generator),
        "Event" => register::<Event>(generator),
        "Deployment" => register::<Deployment>(generator),
        "ReplicaSet" => register::<ReplicaSet>(generator),
        _ => return None,
    };
    Some(name)
}

fn build(group: &str, version: &str) -> GroupVersionSchemas {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut by_kind = BTreeMap::new();
    let served: Vec<&ResourceKind> = kinds::in_group_version(group, version).collect();
    for rk in &served {
        if let Some(name) = register_kind(&mut generator, rk.kind) {
            by_kind.insert(rk.kind, name);
        }
    }
    let mut definitions = generator.take_definitions(true);
    // kubectl explain finds a kind's schema by this extension.
    for rk in &served {
        if let Some(schema) = by_kind
            .get(rk.kind)
            .and_then(|name| definitions.get_mut(name))
        {
            schema["x-kubernetes-group-version-kind"] =
                json!([{"group": rk.group, "kind": rk.kind, "version": rk.version}]);
        }
    }
    GroupVersionSchemas {
        definitions,
        kinds: by_kind,
    }
}

/// The schemas of a served group-version, built once.
pub(super) fn for_group_version(
    group: &str,
    version: &str,
) -> Option<&'static GroupVersionSchemas> {
    type Served = Vec<((&'static str, &'static str), GroupVersionSchemas)>;
    static ALL: OnceLock<Served> = OnceLock::new();
    ALL.get_or_init(|| {
        kinds::group_versions()
            .into_iter()
            .map(|(g, v)| ((g, v), build(g, v)))
            .collect()
    })
    .iter()
    .find(|((g, v), _)| *g == group && *v == version)
    .map(|(_, schemas)| schemas)
}

/// The fields of `obj` that its kind's schema does not know, named as the
/// API server's strict decoding names them (`spec.replicaz`,
/// `spec.template.spec.containers[0].imagez`).
pub fn unknown_fields(rk: &ResourceKind, obj: &Value) -> Vec<String> {
    let mut copy = obj.clone();
    visit_unknown(rk, &mut copy, false)
}

/// Removes the fields its kind's schema does not know, as the API server's
/// decoding drops them when it is not asked to be strict.
pub fn drop_unknown_fields(rk: &ResourceKind, obj: &mut Value) {
    visit_unknown(rk, obj, true);
}

fn visit_unknown(rk: &ResourceKind, obj: &mut Value, drop: bool) -> Vec<String> {
    let Some(schemas) = for_group_version(rk.group, rk.version) else {
        return Vec::new();
    };
    let Some(schema) = schemas
        .kinds
        .get(rk.kind)
        .and_then(|name| schemas.definitions.get(name))
    else {
        return Vec::new();
    };
    let mut unknown = Vec::new();
    let mut walker = Walker {
        definitions: &schemas.definitions,
        unknown: &mut unknown,
        drop,
    };
    walker.walk(schema, obj, "");
    unknown
}

/// Follows `$ref` and the `allOf: [{$ref}]` that carries a description.
fn resolve<'a>(definitions: &'a Map<String, Value>, mut schema: &'a Value) -> &'a Value {
    // Bounded: a chain of references is short; a cycle must not hang.
    for _ in 0..16 {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let name = target.rsplit('/').next().unwrap_or(target);
            match definitions.get(name) {
                Some(next) => schema = next,
                None => break,
            }
        } else if let Some([only]) = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            schema = only;
        } else {
            break;
        }
    }
    schema
}

struct Walker<'a> {
    definitions: &'a Map<String, Value>,
    unknown: &'a mut Vec<String>,
    drop: bool,
}

impl Walker<'_> {
    fn walk(&mut self, schema: &Value, value: &mut Value, path: &str) {
        let schema = resolve(self.definitions, schema);
        let join = |key: &str| {
            if path.is_empty() {
                key.to_string()
            } else {
                format!("{path}.{key}")
            }
        };
        match value {
            Value::Object(fields) => {
                if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                    let mut unknown_here = Vec::new();
                    for (key, field) in fields.iter_mut() {
                        match properties.get(key) {
                            Some(field_schema) => self.walk(field_schema, field, &join(key)),
                            None => {
                                self.unknown.push(join(key));
                                unknown_here.push(key.clone());
                            }
                        }
                    }
                    if self.drop {
                        for key in unknown_here {
                            fields.shift_remove(&key);
                        }
                    }
                } else if let Some(values) =
                    schema.get("additionalProperties").filter(|s| s.is_object())
                {
                    for (key, field) in fields.iter_mut() {
                        self.walk(values, field, &join(key));
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter_mut().enumerate() {
                        self.walk(item_schema, item, &format!("{path}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployments() -> &'static ResourceKind {
        kinds::by_kind("Deployment").expect("served")
    }

    #[test]
    fn every_served_kind_has_a_schema_with_descriptions() {
        for rk in kinds::KINDS {
            let schemas = for_group_version(rk.group, rk.version).expect("served group-version");
            let name = schemas.kinds.get(rk.kind).expect("a schema for each kind");
            let schema = &schemas.definitions[name];
            assert_eq!(
                schema["x-kubernetes-group-version-kind"][0]["kind"],
                rk.kind
            );
            assert!(
                schema["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{name}"
            );
        }
        let apps = for_group_version("apps", "v1").expect("apps");
        let replicas =
            &apps.definitions["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["replicas"];
        assert!(
            replicas["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Number of desired pods.")),
            "{replicas}"
        );
    }

    #[test]
    fn unknown_fields_are_named_by_their_path() {
        let obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "labels": {"any": "label"}},
            "spec": {"replicaz": 2, "selector": {"matchLabels": {"app": "d"}},
                "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [
                    {"name": "c", "image": "x:1", "ports": [{"containerPort": 80}], "resources": {"limits": {"cpu": "1"}}},
                    {"name": "e", "imagez": "x:1"},
                ]}}},
        });
        assert_eq!(
            unknown_fields(deployments(), &obj),
            ["spec.replicaz", "spec.template.spec.containers[1].imagez"]
        );
    }

    #[test]
    fn dropping_keeps_what_the_schema_knows() {
        let mut obj = json!({"metadata": {"name": "d", "labels": {"x": "y"}}, "spec": {"replicaz": 2, "replicas": 3}});
        drop_unknown_fields(deployments(), &mut obj);
        assert_eq!(
            obj,
            json!({"metadata": {"name": "d", "labels": {"x": "y"}}, "spec": {"replicas": 3}})
        );
    }

    #[test]
    fn a_known_object_has_no_unknown_fields() {
        let obj = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "annotations": {"a": "b"}, "ownerReferences": []},
            "spec": {"replicas": 1, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
                "template": {"spec": {"containers": [{"name": "c", "readinessProbe": {"httpGet": {"port": "http", "path": "/"}}}]}}},
            "status": {"replicas": 1, "conditions": [{"type": "Available", "status": "True"}]},
        });
        assert!(unknown_fields(deployments(), &obj).is_empty());
    }
}
