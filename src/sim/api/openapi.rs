//! A minimal OpenAPI v3: the index and one document per group-version whose
//! patch operations declare their group-version-kind and a `fieldValidation`
//! parameter, which is what makes kubectl validate on the server.

use serde_json::{Map, Value, json};

use crate::sim::kinds;

fn gv_key(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// `GET /openapi/v3`.
pub fn index() -> Value {
    let mut paths = Map::new();
    for (group, version) in kinds::group_versions() {
        let key = gv_key(group, version);
        paths.insert(
            key.clone(),
            json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash=trinetes-{}", env!("CARGO_PKG_VERSION"))}),
        );
    }
    json!({"paths": paths})
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

/// `GET /openapi/v3/api/v1` and friends, None for an unknown group-version.
pub fn document(path: &str) -> Option<Value> {
    let (group, version) = kinds::group_versions()
        .into_iter()
        .find(|(g, v)| gv_key(g, v) == path.trim_matches('/'))?;
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
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
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
}
