//! kube-rs against the simulated API server: CRUD on every kind, a watcher
//! that keeps every event in order across reconnects, the 410 Expired path,
//! the scale subresource, logs, and port-forward into the pod network.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use crate::support::apiserver::*;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Event, Namespace, Node, Pod, Secret, Service,
};
use kube::api::{
    Api, DeleteParams, ListParams, LogParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::runtime::watcher;
use kube::{Client, Resource, ResourceExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use trinetes::sim::{Clock, PortHandler, RouterPortHandler, Store};

fn client(sim: &Sim) -> Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let config = kube::Config::new(sim.url().parse().expect("server url"));
    Client::try_from(config).expect("client")
}

/// Create, get, list, replace, patch, delete and get-after-delete for one kind.
async fn crud<K>(api: Api<K>, obj: Value)
where
    K: Resource + Clone + DeserializeOwned + Serialize + Debug,
{
    let obj: K = serde_json::from_value(obj).expect("typed object");
    let name = obj.name_any();
    let created = api
        .create(&PostParams::default(), &obj)
        .await
        .expect("create");
    assert!(created.meta().uid.is_some(), "{name}: uid");
    assert!(
        created.meta().creation_timestamp.is_some(),
        "{name}: creationTimestamp"
    );
    let fetched = api.get(&name).await.expect("get");
    assert_eq!(fetched.meta().uid, created.meta().uid);
    let listed = api.list(&ListParams::default()).await.expect("list");
    assert!(
        listed
            .metadata
            .resource_version
            .is_some_and(|rv| !rv.is_empty()),
        "list rv"
    );
    assert!(
        listed.items.iter().any(|o| o.name_any() == name),
        "{name} listed"
    );

    let mut changed = fetched.clone();
    changed.labels_mut().insert("replaced".into(), "yes".into());
    let replaced = api
        .replace(&name, &PostParams::default(), &changed)
        .await
        .expect("replace");
    assert_eq!(
        replaced.labels().get("replaced").map(String::as_str),
        Some("yes")
    );
    // The version just replaced is stale now.
    let stale = api.replace(&name, &PostParams::default(), &changed).await;
    assert!(
        matches!(stale, Err(kube::Error::Api(ref e)) if e.code == 409),
        "{name}: {stale:?}"
    );

    let patch = json!({"metadata": {"annotations": {"patched": "merge"}}});
    let patched = api
        .patch(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("merge patch");
    assert_eq!(
        patched.annotations().get("patched").map(String::as_str),
        Some("merge")
    );
    let patch = json!({"metadata": {"labels": {"strategic": "yes"}}});
    let patched = api
        .patch(&name, &PatchParams::default(), &Patch::Strategic(&patch))
        .await
        .expect("strategic patch");
    assert_eq!(
        patched.labels().get("strategic").map(String::as_str),
        Some("yes")
    );
    assert_eq!(
        patched.labels().get("replaced").map(String::as_str),
        Some("yes")
    );
    let ops: json_patch::Patch = serde_json::from_value(
        json!([{"op": "add", "path": "/metadata/labels/json", "value": "yes"}]),
    )
    .expect("ops");
    let patched = api
        .patch(&name, &PatchParams::default(), &Patch::<()>::Json(ops))
        .await
        .expect("json patch");
    assert_eq!(
        patched.labels().get("json").map(String::as_str),
        Some("yes")
    );

    api.delete(&name, &DeleteParams::default())
        .await
        .expect("delete");
    let gone = api.get(&name).await;
    assert!(
        matches!(gone, Err(kube::Error::Api(ref e)) if e.code == 404 && e.reason == "NotFound"),
        "{name}: {gone:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crud_on_every_kind() {
    let sim = Sim::start().await;
    let c = client(&sim);
    let meta = |name: &str| json!({"name": name, "namespace": "default"});
    crud(
        Api::<Namespace>::all(c.clone()),
        json!({"metadata": {"name": "trino"}}),
    )
    .await;
    crud(
        Api::<Node>::all(c.clone()),
        node("ip-10-0-0-1.ec2.internal", "10.0.0.1"),
    )
    .await;
    crud(
        Api::<Pod>::default_namespaced(c.clone()),
        pod("p", "web", "n1", "10.1.0.1"),
    )
    .await;
    crud(
        Api::<Deployment>::default_namespaced(c.clone()),
        deployment("d", 2),
    )
    .await;
    let mut rs = deployment("r", 1);
    rs["kind"] = json!("ReplicaSet");
    crud(Api::<ReplicaSet>::default_namespaced(c.clone()), rs).await;
    crud(
        Api::<Service>::default_namespaced(c.clone()),
        json!({"metadata": meta("s"), "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}),
    )
    .await;
    crud(
        Api::<Endpoints>::default_namespaced(c.clone()),
        json!({"metadata": meta("s"), "subsets": [{"addresses": [{"ip": "10.1.0.1"}], "ports": [{"port": 80}]}]}),
    )
    .await;
    crud(
        Api::<ConfigMap>::default_namespaced(c.clone()),
        configmap("cm", &[("a", "b")]),
    )
    .await;
    crud(
        Api::<Secret>::default_namespaced(c.clone()),
        json!({"metadata": meta("sec"), "data": {"k": "dg=="}}),
    )
    .await;
    crud(
        Api::<Event>::default_namespaced(c.clone()),
        json!({"metadata": meta("ev"), "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "Test", "message": "hi"}),
    )
    .await;
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scale_subresource_and_server_side_apply() {
    let sim = Sim::start().await;
    let api = Api::<Deployment>::default_namespaced(client(&sim));
    let applied = api
        .patch(
            "web",
            &PatchParams::apply("test").force(),
            &Patch::Apply(deployment("web", 2)),
        )
        .await
        .expect("apply creates");
    assert_eq!(applied.spec.replicas, Some(2));
    let scale = api.get_scale("web").await.expect("scale");
    assert_eq!(scale.spec.and_then(|s| s.replicas), Some(2));
    assert_eq!(
        scale.status.and_then(|s| s.selector).as_deref(),
        Some("app=web")
    );
    let patched = api
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 4}})),
        )
        .await
        .expect("patch scale");
    assert_eq!(patched.spec.and_then(|s| s.replicas), Some(4));
    let stored = api.get("web").await.expect("get");
    assert_eq!(stored.spec.replicas, Some(4));
    assert_eq!(stored.metadata.generation, Some(2));
    let status = api
        .patch_status(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"readyReplicas": 4, "replicas": 4}})),
        )
        .await
        .expect("patch status");
    assert_eq!(status.status.and_then(|s| s.ready_replicas), Some(4));
    assert_eq!(
        status.metadata.generation,
        Some(2),
        "status writes leave generation alone"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_sees_every_event_in_order_across_reconnects() {
    let sim = Sim::start().await;
    let api = Api::<ConfigMap>::default_namespaced(client(&sim));
    // The server ends each watch after a second; the watcher resumes from the
    // last resourceVersion it saw.
    let stream = watcher(api.clone(), watcher::Config::default().timeout(1));
    let collector = tokio::spawn(async move {
        let mut seen: Vec<(String, String, u64)> = Vec::new();
        let mut stream = std::pin::pin!(stream);
        while let Ok(Some(event)) = tokio::time::timeout(Duration::from_secs(20), stream.try_next())
            .await
            .map(|r| r.expect("watch ok"))
        {
            let (what, obj) = match event {
                watcher::Event::Apply(o) => ("apply", o),
                watcher::Event::Delete(o) => ("delete", o),
                _ => continue,
            };
            let rv: u64 = obj
                .resource_version()
                .and_then(|r| r.parse().ok())
                .expect("numeric rv");
            let done = obj.name_any() == "last";
            seen.push((what.to_string(), obj.name_any(), rv));
            if done {
                break;
            }
        }
        seen
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut expected = Vec::new();
    for round in 0..3 {
        for i in 0..5 {
            let name = format!("cm-{round}-{i}");
            let created = sim
                .store
                .create("ConfigMap", configmap(&name, &[("v", "1")]))
                .expect("create");
            expected.push(("apply".to_string(), name.clone(), rv_of(&created)));
            let mut next = created.clone();
            next["data"]["v"] = json!("2");
            let updated = sim.store.update("ConfigMap", next).expect("update");
            expected.push(("apply".to_string(), name.clone(), rv_of(&updated)));
            if i % 2 == 0 {
                let deleted = sim
                    .store
                    .delete("ConfigMap", Some("default"), &name)
                    .expect("delete");
                expected.push(("delete".to_string(), name, rv_of(&deleted)));
            }
        }
        // Long enough for the server to end the watch and the watcher to resume.
        tokio::time::sleep(Duration::from_millis(1300)).await;
    }
    let last = sim
        .store
        .create("ConfigMap", configmap("last", &[]))
        .expect("last");
    expected.push(("apply".to_string(), "last".to_string(), rv_of(&last)));
    let seen = collector.await.expect("collector");
    assert_eq!(seen, expected);
    sim.stop().await;
}

fn rv_of(obj: &Value) -> u64 {
    obj["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|r| r.parse().ok())
        .expect("rv")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_old_resource_version_is_an_in_stream_410() {
    let store = Store::with_history(Clock::manual(START.parse().expect("time")), 3);
    let sim = Sim::with_store(store).await;
    for i in 0..10 {
        sim.store
            .create("ConfigMap", configmap(&format!("c{i}"), &[]))
            .expect("create");
    }
    let api = Api::<ConfigMap>::default_namespaced(client(&sim));
    let stream = api
        .watch(&WatchParams::default().timeout(5), "2")
        .await
        .expect("watch answers 200");
    let mut stream = std::pin::pin!(stream);
    let first = stream.next().await.expect("one event").expect("decodes");
    match first {
        WatchEvent::Error(e) => {
            assert_eq!(e.code, 410);
            assert_eq!(e.reason, "Expired");
        }
        other => panic!("expected an ERROR event, got {other:?}"),
    }
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
    // A fresh list gives a version the server can watch from.
    let list = api.list(&ListParams::default()).await.expect("list");
    let rv = list.metadata.resource_version.expect("rv");
    let stream = api
        .watch(&WatchParams::default().timeout(1), &rv)
        .await
        .expect("watch");
    sim.store
        .create("ConfigMap", configmap("after", &[]))
        .expect("create");
    let events: Vec<_> = stream.try_collect().await.expect("events");
    assert!(
        matches!(&events[..], [WatchEvent::Added(cm), WatchEvent::Bookmark(_)] if cm.name_any() == "after"),
        "{events:?}"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_and_label_selectors_on_watch() {
    let sim = Sim::start().await;
    let api = Api::<ConfigMap>::default_namespaced(client(&sim));
    let params = WatchParams::default()
        .fields("metadata.name=wanted")
        .timeout(2);
    let stream = api.watch(&params, "0").await.expect("watch");
    sim.store
        .create("ConfigMap", configmap("other", &[]))
        .expect("create");
    sim.store
        .create("ConfigMap", configmap("wanted", &[]))
        .expect("create");
    sim.store
        .delete("ConfigMap", Some("default"), "wanted")
        .expect("delete");
    let events: Vec<_> = stream.try_collect().await.expect("events");
    let kinds: Vec<String> = events
        .iter()
        .map(|e| match e {
            WatchEvent::Added(o) => format!("ADDED {}", o.name_any()),
            WatchEvent::Modified(o) => format!("MODIFIED {}", o.name_any()),
            WatchEvent::Deleted(o) => format!("DELETED {}", o.name_any()),
            WatchEvent::Bookmark(_) => "BOOKMARK".to_string(),
            WatchEvent::Error(e) => format!("ERROR {e:?}"),
        })
        .collect();
    assert_eq!(kinds, vec!["ADDED wanted", "DELETED wanted", "BOOKMARK"]);

    // An object that stops matching a label selector is DELETED for the watcher.
    let mut labelled = configmap("tagged", &[]);
    labelled["metadata"]["labels"] = json!({"team": "data"});
    let created = sim.store.create("ConfigMap", labelled).expect("create");
    let params = WatchParams::default().labels("team=data").timeout(2);
    let stream = api.watch(&params, "0").await.expect("watch");
    let mut relabelled = created.clone();
    relabelled["metadata"]["labels"]["team"] = json!("web");
    sim.store.update("ConfigMap", relabelled).expect("update");
    let events: Vec<_> = stream.try_collect().await.expect("events");
    assert!(
        matches!(
            &events[..],
            [
                WatchEvent::Added(_),
                WatchEvent::Deleted(_),
                WatchEvent::Bookmark(_)
            ]
        ),
        "{events:?}"
    );
    sim.stop().await;
}

struct Echo;
impl PortHandler for Echo {
    fn serve(&self, mut conn: tokio::io::DuplexStream) -> futures::future::BoxFuture<'static, ()> {
        Box::pin(async move {
            let mut buf = [0u8; 1024];
            while let Ok(n) = conn.read(&mut buf).await {
                if n == 0 || conn.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_forward_reaches_the_pod_network() {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "n1", "10.1.0.1"));
    sim.store
        .pod_network()
        .bind("default", "web-1", 9000, Arc::new(Echo));
    let router = axum::Router::new().route(
        "/v1/info",
        axum::routing::get(|| async { "{\"starting\":false}" }),
    );
    sim.store.pod_network().bind(
        "default",
        "web-1",
        8080,
        Arc::new(RouterPortHandler::new(router)),
    );
    let pods = Api::<Pod>::default_namespaced(client(&sim));

    let mut pf = pods
        .portforward("web-1", &[9000])
        .await
        .expect("portforward");
    let mut echo = pf.take_stream(9000).expect("stream 9000");
    echo.write_all(b"hello through the tunnel")
        .await
        .expect("write");
    let mut buf = vec![0u8; 24];
    tokio::time::timeout(Duration::from_secs(10), echo.read_exact(&mut buf))
        .await
        .expect("in time")
        .expect("read");
    assert_eq!(&buf, b"hello through the tunnel");

    drop(echo);
    pf.abort();

    // One port per forward: when the pod side closes, the whole forward ends,
    // which is the only end-of-stream the channel protocol can express.
    let mut pf = pods
        .portforward("web-1", &[8080])
        .await
        .expect("portforward");
    let mut http = pf.take_stream(8080).expect("stream 8080");
    http.write_all(b"GET /v1/info HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(10), http.read_to_string(&mut response))
        .await
        .expect("in time")
        .expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("{\"starting\":false}"), "{response}");
    pf.abort();

    // Nothing listening: the error channel says so.
    let mut pf = pods
        .portforward("web-1", &[7777])
        .await
        .expect("portforward");
    let error = pf.take_error(7777).expect("error channel");
    let message = tokio::time::timeout(Duration::from_secs(10), error)
        .await
        .expect("in time");
    assert!(
        message.is_some_and(|m| m.contains("7777")),
        "refused port reported"
    );
    pf.abort();

    let missing = pods.portforward("nope", &[80]).await;
    assert!(missing.is_err(), "no such pod");
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pod_logs() {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "n1", "10.1.0.1"));
    for i in 0..5 {
        sim.store
            .append_log("default", "web-1", "web", format!("line {i}"));
    }
    let pods = Api::<Pod>::default_namespaced(client(&sim));
    let all = pods
        .logs("web-1", &LogParams::default())
        .await
        .expect("logs");
    assert_eq!(all, "line 0\nline 1\nline 2\nline 3\nline 4\n");
    let tail = pods
        .logs(
            "web-1",
            &LogParams {
                tail_lines: Some(2),
                ..LogParams::default()
            },
        )
        .await
        .expect("tail");
    assert_eq!(tail, "line 3\nline 4\n");
    let bad = pods
        .logs(
            "web-1",
            &LogParams {
                container: Some("nope".into()),
                ..LogParams::default()
            },
        )
        .await;
    assert!(
        matches!(bad, Err(kube::Error::Api(ref e)) if e.code == 400),
        "{bad:?}"
    );

    // --previous: nothing before the first restart, then the run before.
    let previous = LogParams {
        previous: true,
        ..LogParams::default()
    };
    let none = pods.logs("web-1", &previous).await;
    assert!(
        matches!(none, Err(kube::Error::Api(ref e)) if e.code == 400
            && e.message.contains("previous terminated container \"web\"")),
        "{none:?}"
    );
    sim.store.start_container_log("default", "web-2", "web");
    seed(&sim.store, "Pod", pod("web-2", "web", "n1", "10.1.0.2"));
    sim.store
        .append_log("default", "web-2", "web", "crashed".into());
    sim.store.start_container_log("default", "web-2", "web");
    sim.store
        .append_log("default", "web-2", "web", "running again".into());
    assert_eq!(
        pods.logs("web-2", &previous).await.expect("previous"),
        "crashed\n"
    );
    assert_eq!(
        pods.logs("web-2", &LogParams::default())
            .await
            .expect("current"),
        "running again\n"
    );

    // follow: existing lines, then new ones, until the pod is deleted.
    let stream = pods
        .log_stream(
            "web-1",
            &LogParams {
                follow: true,
                tail_lines: Some(1),
                ..LogParams::default()
            },
        )
        .await
        .expect("follow");
    let store = sim.store.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        store.append_log("default", "web-1", "web", "line 5".into());
        tokio::time::sleep(Duration::from_millis(500)).await;
        store
            .delete("Pod", Some("default"), "web-1")
            .expect("delete");
    });
    use futures::AsyncBufReadExt;
    let lines: Vec<String> =
        tokio::time::timeout(Duration::from_secs(20), stream.lines().try_collect())
            .await
            .expect("stream ends when the pod goes")
            .expect("lines");
    assert_eq!(lines, vec!["line 4", "line 5"]);
    sim.stop().await;
}
