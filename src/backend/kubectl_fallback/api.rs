//! The fallback's API calls: discovery (to resolve `po`, `deploy`,
//! `deployments.apps`...), and raw requests through kube-rs that turn a
//! server's Status into kubectl's `Error from server (Reason): message`.

use serde_json::Value;

use super::FallbackError;

/// The Accept header `kubectl get` sends: a server-side Table, else JSON.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json";

/// One resource type, as the server's discovery lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub short_names: Vec<String>,
    pub namespaced: bool,
}

impl Resource {
    /// `deployment.apps` or `pod`: how kubectl names the type in its messages.
    pub fn singular_qualified(&self) -> String {
        with_group(&self.singular, &self.group)
    }

    /// `deployments.apps` or `pods`.
    pub fn plural_qualified(&self) -> String {
        with_group(&self.plural, &self.group)
    }

    /// The collection's path, in one namespace or across all of them.
    pub fn collection_path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => format!("{base}/namespaces/{ns}/{}", self.plural),
            _ => format!("{base}/{}", self.plural),
        }
    }

    pub fn object_path(&self, namespace: &str, name: &str) -> String {
        format!("{}/{name}", self.collection_path(Some(namespace)))
    }

    /// Whether `word` names this type: plural, singular, short name, kind,
    /// each optionally qualified with the group (`deployments.apps`).
    pub fn matches(&self, word: &str) -> bool {
        let word = word.to_lowercase();
        let (name, group) = match word.split_once('.') {
            Some((n, g)) => (n.to_string(), Some(g.to_string())),
            None => (word, None),
        };
        if group.is_some_and(|g| g != self.group) {
            return false;
        }
        name == self.plural
            || name == self.singular
            || name == self.kind.to_lowercase()
            || self.short_names.contains(&name)
    }
}

fn with_group(name: &str, group: &str) -> String {
    if group.is_empty() {
        name.to_string()
    } else {
        format!("{name}.{group}")
    }
}

/// Turn discovery's APIResourceList into resources (subresources skipped).
pub fn resources_from_list(list: &Value) -> Vec<Resource> {
    let group_version = list["groupVersion"].as_str().unwrap_or_default();
    let (group, version) = match group_version.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), group_version.to_string()),
    };
    list["resources"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            let plural = r["name"].as_str()?;
            if plural.contains('/') {
                return None;
            }
            let kind = r["kind"].as_str().unwrap_or_default().to_string();
            let singular = match r["singularName"].as_str() {
                Some(s) if !s.is_empty() => s.to_string(),
                _ => kind.to_lowercase(),
            };
            Some(Resource {
                group: group.clone(),
                version: version.clone(),
                plural: plural.to_string(),
                singular,
                kind,
                short_names: r["shortNames"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                namespaced: r["namespaced"].as_bool().unwrap_or(true),
            })
        })
        .collect()
}

/// Percent-encode a query value (selectors carry `=`, `,`, `!` and spaces).
pub fn encode_query(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A kube client with the few verbs the fallback needs.
pub struct Server {
    client: kube::Client,
    url: String,
}

impl Server {
    pub fn new(client: kube::Client, url: String) -> Self {
        Server { client, url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The client itself, for what is not a plain request (exec's WebSocket).
    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// Every resource type the server lists (core and the named groups'
    /// preferred versions).
    pub async fn discover(&self) -> Result<Vec<Resource>, FallbackError> {
        let mut out = resources_from_list(&self.get("/api/v1").await?);
        let groups = self.get("/apis").await?;
        for group in groups["groups"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let Some(gv) = group["preferredVersion"]["groupVersion"].as_str() else {
                continue;
            };
            out.extend(resources_from_list(
                &self.get(&format!("/apis/{gv}")).await?,
            ));
        }
        Ok(out)
    }

    /// Resolve a kind word through discovery, with kubectl's message when unknown.
    pub async fn resolve(&self, word: &str) -> Result<Resource, FallbackError> {
        self.discover()
            .await?
            .into_iter()
            .find(|r| r.matches(word))
            .ok_or_else(|| {
                FallbackError::Usage(format!(
                    "the server doesn't have a resource type \"{word}\""
                ))
            })
    }

    pub async fn get(&self, path: &str) -> Result<Value, FallbackError> {
        self.json(http::Method::GET, path, "application/json", None)
            .await
    }

    pub async fn get_table(&self, path: &str) -> Result<Value, FallbackError> {
        self.json(http::Method::GET, path, TABLE_ACCEPT, None).await
    }

    pub async fn get_text(&self, path: &str) -> Result<String, FallbackError> {
        self.send(http::Method::GET, path, "*/*", None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, FallbackError> {
        self.json(
            http::Method::POST,
            path,
            "application/json",
            Some(("application/json", body)),
        )
        .await
    }

    /// A replace (kubectl's PUT), conditional on the object's resourceVersion.
    pub async fn put(&self, path: &str, body: &Value) -> Result<Value, FallbackError> {
        self.json(
            http::Method::PUT,
            path,
            "application/json",
            Some(("application/json", body)),
        )
        .await
    }

    pub async fn merge_patch(&self, path: &str, body: &Value) -> Result<Value, FallbackError> {
        self.json(
            http::Method::PATCH,
            path,
            "application/json",
            Some(("application/merge-patch+json", body)),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Result<Value, FallbackError> {
        let body = serde_json::json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"});
        self.json(
            http::Method::DELETE,
            path,
            "application/json",
            Some(("application/json", &body)),
        )
        .await
    }

    async fn json(
        &self,
        method: http::Method,
        path: &str,
        accept: &str,
        body: Option<(&str, &Value)>,
    ) -> Result<Value, FallbackError> {
        let text = self.send(method, path, accept, body).await?;
        serde_json::from_str(&text).map_err(|e| {
            FallbackError::Transport(format!("the server's answer to {path} is not JSON: {e}"))
        })
    }

    async fn send(
        &self,
        method: http::Method,
        path: &str,
        accept: &str,
        body: Option<(&str, &Value)>,
    ) -> Result<String, FallbackError> {
        let mut request = http::Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::ACCEPT, accept);
        let bytes = match body {
            Some((content_type, value)) => {
                request = request.header(http::header::CONTENT_TYPE, content_type);
                serde_json::to_vec(value).map_err(|e| FallbackError::Transport(e.to_string()))?
            }
            None => Vec::new(),
        };
        let request = request
            .body(bytes)
            .map_err(|e| FallbackError::Transport(format!("bad request for {path}: {e}")))?;
        self.client
            .request_text(request)
            .await
            .map_err(|e| server_error(e, &self.url))
    }
}

fn server_error(e: kube::Error, url: &str) -> FallbackError {
    match e {
        kube::Error::Api(status) => FallbackError::Server {
            reason: if status.reason.is_empty() {
                "Unknown".into()
            } else {
                status.reason.clone()
            },
            message: status.message.clone(),
        },
        other => FallbackError::Transport(format!("cannot reach the server at {url}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployments() -> Resource {
        Resource {
            group: "apps".into(),
            version: "v1".into(),
            plural: "deployments".into(),
            singular: "deployment".into(),
            kind: "Deployment".into(),
            short_names: vec!["deploy".into()],
            namespaced: true,
        }
    }

    #[test]
    fn a_type_matches_every_name_kubectl_accepts() {
        let d = deployments();
        for word in [
            "deployments",
            "deployment",
            "deploy",
            "Deployment",
            "deployments.apps",
            "deploy.apps",
        ] {
            assert!(d.matches(word), "{word}");
        }
        for word in ["deployments.extensions", "deploys", "pods", "rs"] {
            assert!(!d.matches(word), "{word}");
        }
    }

    #[test]
    fn paths_and_names_follow_the_group() {
        let d = deployments();
        assert_eq!(
            d.object_path("default", "web"),
            "/apis/apps/v1/namespaces/default/deployments/web"
        );
        assert_eq!(d.collection_path(None), "/apis/apps/v1/deployments");
        assert_eq!(d.singular_qualified(), "deployment.apps");
        assert_eq!(d.plural_qualified(), "deployments.apps");
    }

    #[test]
    fn discovery_lists_become_resources_without_subresources() {
        let list = serde_json::json!({
            "kind": "APIResourceList", "groupVersion": "v1",
            "resources": [
                {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "shortNames": ["po"]},
                {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod"},
                {"name": "nodes", "singularName": "", "namespaced": false, "kind": "Node", "shortNames": ["no"]}
            ]
        });
        let r = resources_from_list(&list);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0].collection_path(Some("kube-system")),
            "/api/v1/namespaces/kube-system/pods"
        );
        assert_eq!(
            r[1].singular, "node",
            "an empty singularName falls back to the kind"
        );
        assert_eq!(r[1].collection_path(Some("default")), "/api/v1/nodes");
    }

    #[test]
    fn selectors_are_percent_encoded() {
        assert_eq!(
            encode_query("app=web,tier in (a)"),
            "app%3Dweb%2Ctier%20in%20%28a%29"
        );
    }
}
