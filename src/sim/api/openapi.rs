//! OpenAPI v3 as the API server serves it: the index, and one document per
//! group-version whose patch operations declare their group-version-kind and
//! a `fieldValidation` parameter (which makes kubectl validate on the server)
//! and whose `components.schemas` describe every served kind with the
//! upstream field descriptions (which `kubectl explain` prints). Strict field
//! validation checks written objects against the same schemas.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use crate::sim::api::status::ApiError;
use crate::sim::kinds::{self, ResourceKind};

#[path = "openapi_schemas.rs"]
mod schemas;

pub use schemas::{drop_unknown_fields, unknown_fields};

fn gv_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// Every group-version's document with its hash, built once.
fn documents() -> &'static BTreeMap<String, (Value, String)> {
    static DOCUMENTS: OnceLock<BTreeMap<String, (Value, String)>> = OnceLock::new();
    DOCUMENTS.get_or_init(|| {
        kinds::group_versions()
            .into_iter()
            .map(|(group, version)| {
                let doc = build_document(group, version);
                // The hash tells kubectl's cache when a document changed.
                let mut hasher = DefaultHasher::new();
                doc.to_string().hash(&mut hasher);
                (
                    gv_key(group, version),
                    (doc, format!("{:016X}", hasher.finish())),
                )
            })
            .collect()
    })
}

/// `GET /openapi/v3`.
pub fn index() -> Value {
    let paths: Map<String, Value> = documents()
        .iter()
        .map(|(key, (_, hash))| {
            (
                key.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}),
            )
        })
        .collect();
    json!({"paths": paths})
}

/// `GET /openapi/v3/api/v1` and friends, None for an unknown group-version.
pub fn document(path: &str) -> Option<Value> {
    documents()
        .get(path.trim_matches('/'))
        .map(|(doc, _)| doc.clone())
}

fn parameters() -> Value {
    json!([
        {"name": "dryRun", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldManager", "in": "query", "schema": {"type": "string", "uniqueItems": true}},
        {"name": "fieldValidation", "in": "query",
         "description": "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.",
         "schema": {"type": "string", "uniqueItems": true}},
    ])
}

fn build_document(group: &str, version: &str) -> Value {
    let mut paths = Map::new();
    for rk in kinds::in_group_version(group, version) {
        let gvk = json!({"group": rk.group, "version": rk.version, "kind": rk.kind});
        let prefix = format!("/{}", gv_key(group, version));
        let (collection, item) = if rk.namespaced {
            (
                format!("{prefix}/namespaces/{{namespace}}/{}", rk.plural),
                format!("{prefix}/namespaces/{{namespace}}/{}/{{name}}", rk.plural),
            )
        } else {
            (
                format!("{prefix}/{}", rk.plural),
                format!("{prefix}/{}/{{name}}", rk.plural),
            )
        };
        let op = |verb: &str, action: &str| {
            json!({
                "operationId": format!("{verb}{}", rk.kind),
                "parameters": parameters(),
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
                "responses": {"200": {"description": "OK"}},
            })
        };
        paths.insert(
            collection,
            json!({"post": op("create", "post"), "get": op("list", "list")}),
        );
        paths.insert(
            item,
            json!({"get": op("read", "get"), "put": op("replace", "put"), "patch": op("patch", "patch"), "delete": op("delete", "delete")}),
        );
    }
    let components = schemas::for_group_version(group, version)
        .map(|s| Value::Object(s.definitions.clone()))
        .unwrap_or_else(|| json!({}));
    json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": paths,
        "components": {"schemas": components},
    })
}

/// With `fieldValidation=Strict` (kubectl's default for apply, create,
/// replace and edit), an object with fields its kind's schema does not know
/// is refused as the API server's strict decoding refuses it; otherwise
/// those fields are dropped, as decoding drops them.
pub fn validate_fields(
    rk: &ResourceKind,
    obj: &mut Value,
    field_validation: Option<&str>,
) -> Result<(), ApiError> {
    if field_validation != Some("Strict") {
        drop_unknown_fields(rk, obj);
        return Ok(());
    }
    let unknown = unknown_fields(rk, obj);
    if unknown.is_empty() {
        return Ok(());
    }
    let fields: Vec<String> = unknown
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    Err(ApiError::bad_request(format!(
        "{kind} in version \"{version}\" cannot be handled as a {kind}: strict decoding error: {}",
        fields.join(", "),
        kind = rk.kind,
        version = rk.version,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_operations_carry_gvk_and_field_validation() {
        let idx = index();
        assert!(
            idx["paths"]["apis/apps/v1"]["serverRelativeURL"]
                .as_str()
                .is_some_and(|u| u.starts_with("/openapi/v3/apis/apps/v1?hash="))
        );
        let doc = document("apis/apps/v1").expect("apps");
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(
            patch["x-kubernetes-group-version-kind"]["kind"],
            "Deployment"
        );
        assert!(
            patch["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "fieldValidation"))
        );
        assert!(document("api/v1").expect("core")["paths"]["/api/v1/nodes/{name}"].is_object());
        assert!(document("apis/batch/v1").is_none());
    }

    #[test]
    fn documents_carry_the_kinds_schemas() {
        let doc = document("apis/apps/v1").expect("apps");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"][0]["kind"],
            "Deployment"
        );
        assert!(schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"].is_object());
        let core = document("api/v1").expect("core");
        assert!(core["components"]["schemas"]["io.k8s.api.core.v1.Pod"].is_object());
    }

    #[test]
    fn strict_validation_names_every_unknown_field() {
        let rk = kinds::by_kind("Deployment").expect("served");
        let obj = json!({"metadata": {"name": "d"}, "spec": {"replicaz": 2, "pausd": true}});
        let mut lenient = obj.clone();
        assert!(validate_fields(rk, &mut lenient, Some("Ignore")).is_ok());
        assert_eq!(lenient["spec"], json!({}), "unknown fields dropped");
        let err = validate_fields(rk, &mut obj.clone(), Some("Strict")).expect_err("strict");
        assert_eq!(
            err.to_status()["message"],
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\", unknown field \"spec.pausd\""
        );
        assert_eq!(err.to_status()["code"], 400);
    }
}
