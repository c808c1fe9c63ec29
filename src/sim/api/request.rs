//! Parsing request paths and query strings into what the handlers act on.

use std::collections::HashMap;

use crate::sim::api::status::ApiError;
use crate::sim::kinds::{self, ResourceKind};

/// A resource path: `/api/v1/...` or `/apis/GROUP/VERSION/...`.
#[derive(Debug, Clone)]
pub struct ResourcePath {
    pub kind: &'static ResourceKind,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

/// Splits a resource path; Ok(None) when the path is a discovery or other
/// non-resource path, Err(404) when it names an unknown resource.
pub fn parse_resource_path(path: &str) -> Result<Option<ResourcePath>, ApiError> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] if !rest.is_empty() => ("", *version, rest),
        ["apis", group, version, rest @ ..] if !rest.is_empty() => (*group, *version, rest),
        _ => return Ok(None),
    };
    let lookup = |plural: &str| -> Result<&'static ResourceKind, ApiError> {
        kinds::by_plural(group, plural)
            .filter(|k| k.version == version)
            .ok_or_else(ApiError::not_found_path)
    };
    let parts = match rest {
        // The namespace object itself and its subresources.
        ["namespaces", name] => (lookup("namespaces")?, None, Some(*name), None),
        ["namespaces", name, sub @ ("status" | "finalize")] => {
            (lookup("namespaces")?, None, Some(*name), Some(*sub))
        }
        ["namespaces", ns, plural] => (lookup(plural)?, Some(*ns), None, None),
        ["namespaces", ns, plural, name] => (lookup(plural)?, Some(*ns), Some(*name), None),
        ["namespaces", ns, plural, name, sub] => {
            (lookup(plural)?, Some(*ns), Some(*name), Some(*sub))
        }
        [plural] => (lookup(plural)?, None, None, None),
        [plural, name] => (lookup(plural)?, None, Some(*name), None),
        [plural, name, sub] => (lookup(plural)?, None, Some(*name), Some(*sub)),
        _ => return Err(ApiError::not_found_path()),
    };
    let (kind, namespace, name, subresource) = parts;
    if namespace.is_some() && !kind.namespaced {
        return Err(ApiError::not_found_path());
    }
    if let Some(sub) = subresource
        && !kind.subresources.contains(&sub)
    {
        return Err(ApiError::not_found_path());
    }
    if name.is_some_and(str::is_empty) {
        return Err(ApiError::not_found_path());
    }
    Ok(Some(ResourcePath {
        kind,
        namespace: namespace.map(str::to_string),
        name: name.map(str::to_string),
        subresource: subresource.map(str::to_string),
    }))
}

/// Query parameters, percent-decoded; empty pairs (`?&a=b`) are skipped.
#[derive(Debug, Default, Clone)]
pub struct Query {
    params: HashMap<String, String>,
}

impl Query {
    pub fn parse(raw: Option<&str>) -> Query {
        let mut params = HashMap::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            params.insert(percent_decode(k), percent_decode(v));
        }
        Query { params }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true" | "1"))
    }

    pub fn number(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(|v| v.parse().ok())
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths() {
        let p = parse_resource_path("/apis/apps/v1/namespaces/default/deployments/web/scale")
            .expect("ok")
            .expect("resource");
        assert_eq!(p.kind.kind, "Deployment");
        assert_eq!(p.namespace.as_deref(), Some("default"));
        assert_eq!(p.name.as_deref(), Some("web"));
        assert_eq!(p.subresource.as_deref(), Some("scale"));
        let ns = parse_resource_path("/api/v1/namespaces/trino")
            .expect("ok")
            .expect("resource");
        assert_eq!(
            (ns.kind.kind, ns.name.as_deref()),
            ("Namespace", Some("trino"))
        );
        let pods = parse_resource_path("/api/v1/pods")
            .expect("ok")
            .expect("resource");
        assert!(pods.namespace.is_none() && pods.name.is_none());
        assert!(parse_resource_path("/api/v1").expect("ok").is_none());
        assert!(parse_resource_path("/api/v1/widgets").is_err());
        assert!(
            parse_resource_path("/api/v1/deployments").is_err(),
            "deployments are apps/v1"
        );
        assert!(
            parse_resource_path("/api/v1/namespaces/default/nodes").is_err(),
            "nodes are cluster-wide"
        );
        assert!(parse_resource_path("/api/v1/namespaces/default/configmaps/x/scale").is_err());
    }

    #[test]
    fn parses_queries() {
        let q = Query::parse(Some(
            "&labelSelector=app%3Dweb%2Ctier+in+%28a%29&watch=1&&limit=5",
        ));
        assert_eq!(q.get("labelSelector"), Some("app=web,tier in (a)"));
        assert!(q.flag("watch"));
        assert_eq!(q.number("limit"), Some(5));
        assert_eq!(Query::parse(Some("a=%zz")).get("a"), Some("%zz"));
        assert_eq!(Query::parse(Some("a=%4")).get("a"), Some("%4"));
    }
}
