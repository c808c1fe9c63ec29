//! Discovery: `/version`, `/api`, `/apis` (aggregated v2/v2beta1 or plain,
//! chosen by the Accept header) and the per-group-version resource lists.

use serde_json::{Value, json};

use crate::sim::kinds::{self, ResourceKind};

/// The version kubectl's dispatcher reads to pick its binary.
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.4-trinetes",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.23.8",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// Which aggregated discovery version the Accept header asks for first, if any.
pub fn aggregated_version(accept: Option<&str>) -> Option<&'static str> {
    for part in accept.unwrap_or("").split(',') {
        let params: Vec<&str> = part.split(';').map(str::trim).collect();
        if params.contains(&"g=apidiscovery.k8s.io") && params.contains(&"as=APIGroupDiscoveryList")
        {
            if params.contains(&"v=v2") {
                return Some("v2");
            }
            if params.contains(&"v=v2beta1") {
                return Some("v2beta1");
            }
        }
    }
    None
}

pub fn aggregated_content_type(version: &str) -> String {
    format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList")
}

fn response_kind(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

fn subresource_kind(rk: &ResourceKind, sub: &str) -> (Value, Value) {
    match sub {
        "scale" => (
            response_kind("autoscaling", "v1", "Scale"),
            json!(["get", "patch", "update"]),
        ),
        "log" => (response_kind("", "v1", "Pod"), json!(["get"])),
        "portforward" => (
            response_kind("", "v1", "PodPortForwardOptions"),
            json!(["create", "get"]),
        ),
        _ => (
            response_kind(rk.group, rk.version, rk.kind),
            json!(["get", "patch", "update"]),
        ),
    }
}

fn aggregated_resource(rk: &ResourceKind) -> Value {
    let mut r = json!({
        "resource": rk.plural,
        "responseKind": response_kind(rk.group, rk.version, rk.kind),
        "scope": if rk.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": rk.singular,
        "verbs": rk.verbs(),
    });
    if !rk.short_names.is_empty() {
        r["shortNames"] = json!(rk.short_names);
    }
    if !rk.categories.is_empty() {
        r["categories"] = json!(rk.categories);
    }
    if !rk.subresources.is_empty() {
        r["subresources"] = rk
            .subresources
            .iter()
            .map(|sub| {
                let (kind, verbs) = subresource_kind(rk, sub);
                json!({"subresource": sub, "responseKind": kind, "verbs": verbs})
            })
            .collect();
    }
    r
}

/// The aggregated discovery document for `/api` (core) or `/apis` (named groups).
pub fn aggregated(core: bool, version: &str) -> Value {
    let items: Vec<Value> = kinds::group_versions()
        .into_iter()
        .filter(|(g, _)| g.is_empty() == core)
        .map(|(group, gv)| {
            let resources: Vec<Value> = kinds::in_group_version(group, gv).map(aggregated_resource).collect();
            let mut metadata = json!({"creationTimestamp": null});
            if !group.is_empty() {
                metadata["name"] = json!(group);
            }
            json!({"metadata": metadata, "versions": [{"version": gv, "resources": resources, "freshness": "Current"}]})
        })
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{version}"),
        "metadata": {},
        "items": items,
    })
}

/// Plain `/api`.
pub fn api_versions() -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
}

/// Plain `/apis`.
pub fn api_group_list() -> Value {
    let groups: Vec<Value> = kinds::group_versions()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, v)| api_group(g, v))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// Plain `/apis/GROUP`.
pub fn api_group(group: &str, version: &str) -> Value {
    let gv = json!({"groupVersion": format!("{group}/{version}"), "version": version});
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": [gv], "preferredVersion": gv})
}

/// `/api/v1` or `/apis/GROUP/VERSION`, None when not served.
pub fn resource_list(group: &str, version: &str) -> Option<Value> {
    let kinds: Vec<&ResourceKind> = kinds::in_group_version(group, version).collect();
    if kinds.is_empty() {
        return None;
    }
    let mut resources = Vec::new();
    for rk in kinds {
        let mut r = json!({
            "name": rk.plural,
            "singularName": rk.singular,
            "namespaced": rk.namespaced,
            "kind": rk.kind,
            "verbs": rk.verbs(),
        });
        if !rk.short_names.is_empty() {
            r["shortNames"] = json!(rk.short_names);
        }
        if !rk.categories.is_empty() {
            r["categories"] = json!(rk.categories);
        }
        resources.push(r);
        for sub in rk.subresources {
            let (kind, verbs) = subresource_kind(rk, sub);
            let mut s = json!({
                "name": format!("{}/{sub}", rk.plural),
                "singularName": "",
                "namespaced": rk.namespaced,
                "kind": kind["kind"],
                "verbs": verbs,
            });
            if !kind["group"].as_str().unwrap_or_default().is_empty() && kind["group"] != rk.group {
                s["group"] = kind["group"].clone();
                s["version"] = kind["version"].clone();
            }
            resources.push(s);
        }
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_aggregated_version_from_accept() {
        let kubectl = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(aggregated_version(Some(kubectl)), Some("v2"));
        assert_eq!(
            aggregated_version(Some(
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
            )),
            Some("v2beta1")
        );
        assert_eq!(aggregated_version(Some("application/json")), None);
    }

    #[test]
    fn documents_list_resources() {
        let core = aggregated(true, "v2");
        let pods = core["items"][0]["versions"][0]["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["resource"] == "pods"))
            .cloned()
            .expect("pods");
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert_eq!(pods["subresources"].as_array().map(Vec::len), Some(3));
        let apps = aggregated(false, "v2");
        assert_eq!(apps["items"][0]["metadata"]["name"], "apps");
        let list = resource_list("apps", "v1").expect("apps/v1");
        let names: Vec<&str> = list["resources"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert!(
            names.contains(&"deployments/scale") && names.contains(&"replicasets/status"),
            "{names:?}"
        );
        assert!(resource_list("batch", "v1").is_none());
    }
}
