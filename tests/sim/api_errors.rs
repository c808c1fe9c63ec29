//! Bad input and the less common wire paths: each bad request gets a Status
//! with the right code and reason, and the server keeps serving afterwards.

use crate::support::apiserver::*;
use serde_json::{Value, json};

struct Http {
    base: String,
    client: reqwest::Client,
}

impl Http {
    fn new(sim: &Sim) -> Http {
        Http {
            base: sim.url(),
            client: reqwest::Client::new(),
        }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (u16, Value, String) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = req.send().await.expect("server answers");
        let code = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = resp.bytes().await.expect("body");
        (
            code,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            ct,
        )
    }

    async fn get(&self, path: &str, accept: &str) -> (u16, Value, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .header("accept", accept)
            .send()
            .await
            .expect("server answers");
        let code = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = resp.bytes().await.expect("body");
        (
            code,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            ct,
        )
    }
}

fn assert_status(got: &(u16, Value, String), code: u16, reason: &str) {
    let (status, body, _) = got;
    assert_eq!(*status, code, "{body}");
    assert_eq!(body["kind"], "Status", "{body}");
    assert_eq!(body["status"], "Failure", "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["reason"], reason, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";
const DEPLOYS: &str = "/apis/apps/v1/namespaces/default/deployments";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_status_errors_and_the_server_keeps_serving() {
    let sim = Sim::start().await;
    let http = Http::new(&sim);
    let json_ct = Some("application/json");

    assert_status(
        &http
            .send("POST", CMS, json_ct, b"{\"metadata\": {".to_vec())
            .await,
        400,
        "BadRequest",
    );
    assert_status(
        &http
            .send(
                "POST",
                CMS,
                Some("application/yaml"),
                b"metadata: [unclosed".to_vec(),
            )
            .await,
        400,
        "BadRequest",
    );
    assert_status(
        &http.send("POST", CMS, json_ct, b"[1, 2]".to_vec()).await,
        400,
        "BadRequest",
    );

    let unknown = http.get("/api/v1/widgets", "application/json").await;
    assert_status(&unknown, 404, "NotFound");
    assert_status(
        &http
            .get("/apis/batch/v1/namespaces/default/jobs", "application/json")
            .await,
        404,
        "NotFound",
    );
    assert_status(
        &http.get("/no/such/path", "application/json").await,
        404,
        "NotFound",
    );
    let missing = http
        .get(&format!("{DEPLOYS}/ghost"), "application/json")
        .await;
    assert_status(&missing, 404, "NotFound");
    assert_eq!(missing.1["message"], "deployments.apps \"ghost\" not found");
    assert_eq!(
        missing.1["details"],
        json!({"name": "ghost", "group": "apps", "kind": "deployments"})
    );

    let wrong_version =
        json!({"apiVersion": "v1", "kind": "Deployment", "metadata": {"name": "d"}});
    let got = http
        .send(
            "POST",
            DEPLOYS,
            json_ct,
            wrong_version.to_string().into_bytes(),
        )
        .await;
    assert_status(&got, 422, "Invalid");
    assert_eq!(got.1["details"]["causes"][0]["field"], "apiVersion");
    let wrong_kind = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    let got = http
        .send("POST", CMS, json_ct, wrong_kind.to_string().into_bytes())
        .await;
    assert_status(&got, 422, "Invalid");
    assert_eq!(got.1["details"]["causes"][0]["field"], "kind");
    let nameless = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}});
    let got = http
        .send("POST", CMS, json_ct, nameless.to_string().into_bytes())
        .await;
    assert_status(&got, 422, "Invalid");
    assert_eq!(got.1["details"]["causes"][0]["field"], "metadata.name");
    let other_ns = json!({"metadata": {"name": "x", "namespace": "kube-system"}});
    assert_status(
        &http
            .send("POST", CMS, json_ct, other_ns.to_string().into_bytes())
            .await,
        400,
        "BadRequest",
    );

    let huge =
        json!({"metadata": {"name": "big"}, "data": {"blob": "x".repeat(3 * 1024 * 1024 + 10)}});
    assert_status(
        &http
            .send("POST", CMS, json_ct, huge.to_string().into_bytes())
            .await,
        413,
        "RequestEntityTooLarge",
    );

    assert_status(
        &http
            .get(
                &format!("{CMS}?labelSelector=app%20in%20(a"),
                "application/json",
            )
            .await,
        400,
        "BadRequest",
    );
    assert_status(
        &http
            .get(
                &format!("{CMS}?fieldSelector=spec.nodeName%3Dx"),
                "application/json",
            )
            .await,
        400,
        "BadRequest",
    );
    assert_status(
        &http
            .get(
                &format!("{CMS}?watch=1&labelSelector=%3D%3D"),
                "application/json",
            )
            .await,
        400,
        "BadRequest",
    );

    let cm = json!({"metadata": {"name": "ok"}, "data": {"a": "b"}});
    let created = http
        .send("POST", CMS, json_ct, cm.to_string().into_bytes())
        .await;
    assert_eq!(created.0, 201, "{}", created.1);
    assert_status(
        &http
            .send("POST", CMS, json_ct, cm.to_string().into_bytes())
            .await,
        409,
        "AlreadyExists",
    );
    assert_status(
        &http
            .send(
                "PATCH",
                &format!("{CMS}/ok"),
                Some("text/plain"),
                b"{}".to_vec(),
            )
            .await,
        415,
        "UnsupportedMediaType",
    );
    assert_status(
        &http
            .send(
                "PATCH",
                &format!("{CMS}/ok"),
                Some("application/merge-patch+json"),
                b"{bad".to_vec(),
            )
            .await,
        400,
        "BadRequest",
    );
    assert_status(
        &http
            .send(
                "POST",
                &format!("{CMS}/ok"),
                json_ct,
                cm.to_string().into_bytes(),
            )
            .await,
        405,
        "MethodNotAllowed",
    );
    let stale = json!({"metadata": {"name": "ok", "resourceVersion": "1"}, "data": {}});
    assert_status(
        &http
            .send(
                "PUT",
                &format!("{CMS}/ok"),
                json_ct,
                stale.to_string().into_bytes(),
            )
            .await,
        409,
        "Conflict",
    );
    let renamed = json!({"metadata": {"name": "other"}, "data": {}});
    assert_status(
        &http
            .send(
                "PUT",
                &format!("{CMS}/ok"),
                json_ct,
                renamed.to_string().into_bytes(),
            )
            .await,
        400,
        "BadRequest",
    );
    assert_status(
        &http
            .send(
                "DELETE",
                &format!("{CMS}/ok"),
                json_ct,
                b"{not json".to_vec(),
            )
            .await,
        400,
        "BadRequest",
    );

    // Still serving, and nothing half-written.
    let (code, body, _) = http.get(CMS, "application/json").await;
    assert_eq!(code, 200);
    let names: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["metadata"]["name"].as_str())
        .collect();
    assert_eq!(names, vec!["ok"]);
    let (code, _, _) = http.get("/healthz", "*/*").await;
    assert_eq!(code, 200);
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_version_and_openapi() {
    let sim = Sim::start().await;
    let http = Http::new(&sim);
    let (code, version, _) = http.get("/version", "application/json").await;
    assert_eq!(code, 200);
    assert_eq!(
        (version["major"].as_str(), version["minor"].as_str()),
        (Some("1"), Some("32"))
    );
    assert!(
        version["gitVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("v1.32."))
    );

    let kubectl_accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    let (_, agg, ct) = http.get("/apis", kubectl_accept).await;
    assert_eq!(
        ct,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    assert_eq!(agg["kind"], "APIGroupDiscoveryList");
    assert_eq!(agg["items"][0]["metadata"]["name"], "apps");
    let (_, beta, ct) = http
        .get(
            "/api",
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
        )
        .await;
    assert!(ct.contains("v=v2beta1"), "{ct}");
    assert_eq!(beta["apiVersion"], "apidiscovery.k8s.io/v2beta1");
    let (_, plain, _) = http.get("/api", "application/json").await;
    assert_eq!(plain["kind"], "APIVersions");
    let (_, groups, _) = http.get("/apis", "application/json").await;
    assert_eq!(
        groups["groups"][0]["preferredVersion"]["groupVersion"],
        "apps/v1"
    );
    let (_, core, _) = http.get("/api/v1", "application/json").await;
    let pods = core["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["name"] == "pods")
        .cloned()
        .expect("pods");
    assert_eq!(pods["shortNames"], json!(["po"]));
    assert_eq!(pods["singularName"], "pod");
    let (_, apps, _) = http.get("/apis/apps/v1", "application/json").await;
    let scale = apps["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["name"] == "deployments/scale")
        .cloned()
        .expect("scale");
    assert_eq!(
        (scale["kind"].as_str(), scale["group"].as_str()),
        (Some("Scale"), Some("autoscaling"))
    );

    let (_, index, _) = http.get("/openapi/v3", "application/json").await;
    let url = index["paths"]["api/v1"]["serverRelativeURL"]
        .as_str()
        .expect("url")
        .to_string();
    let (code, doc, _) = http.get(&url, "application/json").await;
    assert_eq!(code, 200);
    assert!(doc["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]["x-kubernetes-group-version-kind"].is_object());
    assert_status(
        &http.get("/openapi/v2", "application/json").await,
        404,
        "NotFound",
    );
    assert_status(
        &http
            .get("/openapi/v3/apis/batch/v1", "application/json")
            .await,
        404,
        "NotFound",
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_and_paging() {
    let sim = Sim::start().await;
    for i in 0..5 {
        seed(
            &sim.store,
            "ConfigMap",
            configmap(&format!("cm-{i}"), &[("k", "v")]),
        );
    }
    let http = Http::new(&sim);
    let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    let (_, t, _) = http.get(&format!("{CMS}?limit=2"), table).await;
    assert_eq!(t["kind"], "Table");
    assert_eq!(t["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    assert_eq!(t["metadata"]["remainingItemCount"], 3);
    let token = t["metadata"]["continue"]
        .as_str()
        .expect("continue")
        .to_string();
    let (_, rest, _) = http
        .get(&format!("{CMS}?limit=10&continue={token}"), table)
        .await;
    let names: Vec<&str> = rest["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["cells"][0].as_str())
        .collect();
    assert_eq!(names, vec!["cm-2", "cm-3", "cm-4"]);
    assert!(rest["metadata"]["continue"].is_null());
    let (_, none, _) = http
        .get(&format!("{CMS}/cm-0?includeObject=None"), table)
        .await;
    assert!(none["rows"][0]["object"].is_null());
    let (_, full, _) = http
        .get(&format!("{CMS}/cm-0?includeObject=Object"), table)
        .await;
    assert_eq!(full["rows"][0]["object"]["data"]["k"], "v");
    assert_status(
        &http
            .get(
                &format!("{CMS}?limit=1&continue=%21%21"),
                "application/json",
            )
            .await,
        400,
        "BadRequest",
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_get_of_an_unknown_resource_gets_a_clear_error() {
    let sim = Sim::start().await;
    let missing = sim.kubectl(&["get", "widgets"]).await;
    assert!(
        missing
            .stderr
            .contains("the server doesn't have a resource type \"widgets\""),
        "{}",
        missing.stderr
    );
    sim.stop().await;
}

/// A streaming list (`sendInitialEvents=true`) ends its initial ADDED events
/// with a BOOKMARK annotated `k8s.io/initial-events-end`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_list_marks_the_end_of_initial_events() {
    let sim = Sim::start().await;
    seed(&sim.store, "ConfigMap", configmap("one", &[]));
    let url = format!(
        "{}{CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1",
        sim.url()
    );
    let text = reqwest::get(url)
        .await
        .expect("watch")
        .text()
        .await
        .expect("body");
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(events.len(), 3, "{text}");
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[1]["type"], "BOOKMARK");
    assert_eq!(
        events[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    assert_eq!(events[2]["type"], "BOOKMARK", "the closing bookmark");
    assert!(text.ends_with('\n'));
    sim.stop().await;
}
