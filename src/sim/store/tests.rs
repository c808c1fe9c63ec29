//! Unit tests of the store: metadata filling, conflicts, namespaces, watches and history.

use std::time::Duration;

use serde_json::json;

use super::*;

fn store() -> Store {
    Store::new(Clock::manual(
        "2026-01-01T00:00:00Z".parse().expect("valid"),
    ))
}

fn cm(name: &str, ns: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": {"a": "1"}})
}

fn deploy(name: &str, replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}})
}

#[test]
fn seeds_namespaces() {
    let s = store();
    let (items, rv) = s.list("Namespace", None);
    let names: Vec<&str> = items.iter().filter_map(|o| meta_str(o, "name")).collect();
    assert_eq!(
        names,
        vec!["default", "kube-node-lease", "kube-public", "kube-system"]
    );
    assert_eq!(rv, 5, "four namespaces and the kubernetes service");
    assert_eq!(items[0]["status"]["phase"], "Active");
}

#[test]
fn create_fills_metadata_and_rejects_duplicates() {
    let s = store();
    let created = s.create("Deployment", deploy("web", 2)).expect("create");
    assert_eq!(created["metadata"]["generation"], 1);
    assert_eq!(
        created["metadata"]["creationTimestamp"],
        "2026-01-01T00:00:00Z"
    );
    assert_eq!(created["metadata"]["resourceVersion"], "6");
    assert_eq!(created["metadata"]["uid"].as_str().map(str::len), Some(36));
    assert_eq!(created["spec"]["strategy"]["type"], "RollingUpdate");
    let err = s
        .create("Deployment", deploy("web", 2))
        .expect_err("duplicate");
    assert_eq!(err.to_string(), "deployments.apps \"web\" already exists");
    let generated = s
        .create(
            "ConfigMap",
            json!({"metadata": {"generateName": "cfg-", "namespace": "default"}}),
        )
        .expect("generateName");
    let name = meta_str(&generated, "name").expect("named");
    assert!(name.starts_with("cfg-") && name.len() == 9, "{name}");
    assert!(s.create("ConfigMap", json!({"metadata": {}})).is_err());
    assert!(matches!(
        s.create("ConfigMap", cm("x", "nowhere")),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        s.create("Widget", json!({})),
        Err(StoreError::UnknownKind(_))
    ));
}

#[test]
fn update_conflicts_keeps_status_and_bumps_generation() {
    let s = store();
    let created = s.create("Deployment", deploy("web", 2)).expect("create");
    let mut status = created.clone();
    status["status"] = json!({"replicas": 2});
    let with_status = s.update_status("Deployment", status).expect("status");
    assert_eq!(
        with_status["metadata"]["generation"], 1,
        "status does not bump generation"
    );

    // Stale only by a status write: not a conflict (see `Store::replace`).
    // Stale by a write of the object itself: a conflict.
    let mut relabel = with_status.clone();
    relabel["metadata"]["labels"] = json!({"team": "a"});
    let relabelled = s.update("Deployment", relabel).expect("relabel");
    let mut stale = created.clone();
    stale["spec"]["replicas"] = json!(3);
    assert!(matches!(
        s.update("Deployment", stale.clone()),
        Err(StoreError::Conflict { .. })
    ));

    let mut fresh = relabelled.clone();
    fresh["spec"]["replicas"] = json!(3);
    fresh["status"] = json!({"replicas": 99});
    let updated = s.update("Deployment", fresh).expect("update");
    assert_eq!(updated["metadata"]["generation"], 2);
    assert_eq!(
        updated["status"]["replicas"], 2,
        "status only via update_status"
    );

    let mut labels_only = updated.clone();
    labels_only["metadata"]["labels"]["tier"] = json!("web");
    let relabelled = s.update("Deployment", labels_only).expect("update");
    assert_eq!(relabelled["metadata"]["generation"], 2);

    let rv_before = s.resource_version();
    let same = s.update("Deployment", relabelled.clone()).expect("no-op");
    assert_eq!(same, relabelled);
    assert_eq!(
        s.resource_version(),
        rv_before,
        "a no-op write is not an event"
    );
}

#[test]
fn namespace_delete_removes_contents() {
    let s = store();
    s.create("Namespace", json!({"metadata": {"name": "trino"}}))
        .expect("ns");
    s.create("ConfigMap", cm("a", "trino")).expect("cm");
    s.create("ConfigMap", cm("b", "default")).expect("cm");
    s.append_log("trino", "p", "c", "line".into());
    s.delete("Namespace", None, "trino").expect("delete");
    assert!(s.get("ConfigMap", Some("trino"), "a").is_none());
    assert!(s.get("ConfigMap", Some("default"), "b").is_some());
    assert!(s.logs("trino", "p", "c").is_empty());
    assert!(matches!(
        s.delete("Namespace", None, "trino"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn list_filters_by_namespace() {
    let s = store();
    s.create("Namespace", json!({"metadata": {"name": "a"}}))
        .expect("ns");
    s.create("ConfigMap", cm("x", "a")).expect("cm");
    s.create("ConfigMap", cm("y", "default")).expect("cm");
    s.create("ConfigMap", cm("z", "default")).expect("cm");
    assert_eq!(s.list("ConfigMap", Some("default")).0.len(), 2);
    assert_eq!(s.list("ConfigMap", Some("a")).0.len(), 1);
    assert_eq!(s.list("ConfigMap", None).0.len(), 3);
}

#[test]
fn service_gets_cluster_ip_and_node_port() {
    let s = store();
    let svc = s
        .create(
            "Service",
            json!({"metadata": {"name": "web", "namespace": "default"},
                   "spec": {"type": "NodePort", "ports": [{"port": 8080}]}}),
        )
        .expect("svc");
    assert!(
        svc["spec"]["clusterIP"]
            .as_str()
            .is_some_and(|ip| ip.starts_with("10.100."))
    );
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(svc["spec"]["ports"][0]["protocol"], "TCP");
    assert!(
        svc["spec"]["ports"][0]["nodePort"]
            .as_u64()
            .is_some_and(|p| p >= 30000)
    );
}

#[tokio::test]
async fn watch_replays_history_then_follows() {
    let s = store();
    let start = s.resource_version();
    s.create("ConfigMap", cm("a", "default")).expect("cm");
    let mut all = s.watch(None, None, start).expect("watch");
    let mut cms = s
        .watch(Some("ConfigMap"), Some("default"), start)
        .expect("watch");
    s.create("Namespace", json!({"metadata": {"name": "other"}}))
        .expect("ns");
    s.create("ConfigMap", cm("b", "other")).expect("cm");
    s.delete("ConfigMap", Some("default"), "a").expect("delete");
    let mut seen = Vec::new();
    for _ in 0..4 {
        let e = tokio::time::timeout(Duration::from_secs(5), all.next())
            .await
            .expect("in time")
            .expect("event");
        seen.push((e.kind, e.event_type, e.resource_version));
    }
    assert_eq!(
        seen,
        vec![
            ("ConfigMap".to_string(), WatchEventType::Added, start + 1),
            ("Namespace".to_string(), WatchEventType::Added, start + 2),
            ("ConfigMap".to_string(), WatchEventType::Added, start + 3),
            ("ConfigMap".to_string(), WatchEventType::Deleted, start + 4),
        ]
    );
    let first = cms.next().await.expect("event");
    assert_eq!(first.event_type, WatchEventType::Added);
    let second = cms.next().await.expect("event");
    assert_eq!(second.event_type, WatchEventType::Deleted);
    assert_eq!(
        second.object["metadata"]["resourceVersion"],
        (start + 4).to_string()
    );
    assert!(
        cms.try_next().is_none(),
        "the other namespace is filtered out"
    );
}

#[test]
fn old_resource_versions_expire() {
    let s = Store::with_history(Clock::real(1.0), 5);
    for i in 0..10 {
        s.create("ConfigMap", cm(&format!("c{i}"), "default"))
            .expect("cm");
    }
    let rv = s.resource_version();
    assert!(matches!(
        s.watch(None, None, 1),
        Err(StoreError::Expired { .. })
    ));
    assert!(s.watch(None, None, rv - 5).is_ok());
    assert!(matches!(
        s.watch(None, None, rv - 6),
        Err(StoreError::Expired { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_and_watchers_lose_nothing() {
    let s = store();
    let start = s.resource_version();
    let watchers: Vec<WatchStream> = (0..50)
        .map(|_| s.watch(Some("ConfigMap"), None, start).expect("watch"))
        .collect();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let s = s.clone();
            tokio::spawn(async move {
                for i in 0..50 {
                    let name = format!("w{w}-{i}");
                    s.create("ConfigMap", cm(&name, "default")).expect("create");
                    s.delete("ConfigMap", Some("default"), &name)
                        .expect("delete");
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for w in writers {
        w.await.expect("writer");
    }
    let total = 4 * 50 * 2;
    for mut w in watchers {
        let mut last = start;
        for _ in 0..total {
            let e = tokio::time::timeout(Duration::from_secs(10), w.next())
                .await
                .expect("in time")
                .expect("event");
            assert_eq!(e.resource_version, last + 1, "no gaps, no reordering");
            last = e.resource_version;
        }
        assert!(w.try_next().is_none());
    }
}

#[test]
fn logs_are_kept_per_container() {
    let s = store();
    s.append_log("default", "p", "a", "one".into());
    s.append_log("default", "p", "a", "two".into());
    s.append_log("default", "p", "b", "other".into());
    assert_eq!(s.logs("default", "p", "a"), vec!["one", "two"]);
    assert_eq!(s.logs("default", "p", "b"), vec!["other"]);
    assert!(s.logs("default", "q", "a").is_empty());
}

#[test]
fn a_restart_moves_the_log_to_previous() {
    let s = store();
    s.start_container_log("default", "p", "a");
    s.append_log("default", "p", "a", "first run".into());
    assert_eq!(s.previous_logs("default", "p", "a"), None);
    s.start_container_log("default", "p", "a");
    s.append_log("default", "p", "a", "second run".into());
    assert_eq!(s.logs("default", "p", "a"), vec!["second run"]);
    assert_eq!(
        s.previous_logs("default", "p", "a"),
        Some(vec!["first run".to_string()])
    );
    s.start_container_log("default", "p", "a");
    assert!(s.logs("default", "p", "a").is_empty());
    assert_eq!(
        s.previous_logs("default", "p", "a"),
        Some(vec!["second run".to_string()])
    );
}

#[tokio::test]
async fn list_and_watch_misses_nothing() {
    let s = store();
    s.create("ConfigMap", cm("before", "default")).expect("cm");
    let (items, rv, mut stream) = s.list_and_watch("ConfigMap", Some("default")).expect("ok");
    assert_eq!(items.len(), 1);
    assert_eq!(rv, s.resource_version());
    s.create("ConfigMap", cm("after", "default")).expect("cm");
    let e = stream.next().await.expect("event");
    assert_eq!(meta_str(&e.object, "name"), Some("after"));
    assert_eq!(e.resource_version, rv + 1);
    assert!(s.list_and_watch("Widget", None).is_err());
}

#[test]
fn a_replace_stale_only_by_status_writes_goes_through_and_a_spec_change_conflicts() {
    let store = Store::new(Clock::manual("2026-01-01T00:00:00Z".parse().unwrap()));
    let rs = json!({"metadata": {"name": "hello", "namespace": "default"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "hello"}},
                 "template": {"metadata": {"labels": {"app": "hello"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    let created = store.create("ReplicaSet", rs).unwrap();
    let read_rv = created["metadata"]["resourceVersion"].clone();
    // A controller writes the status: the version the client read is stale.
    let mut status = created.clone();
    status["status"] = json!({"replicas": 3, "readyReplicas": 2});
    store.update_status("ReplicaSet", status).unwrap();
    // kubectl replace with the version it read: only status changed since.
    let mut replaced = created.clone();
    replaced["spec"]["replicas"] = json!(4);
    replaced["metadata"]["resourceVersion"] = read_rv.clone();
    let written = store
        .update("ReplicaSet", replaced)
        .expect("only the status changed since");
    assert_eq!(written["spec"]["replicas"], 4);
    assert_eq!(
        written["status"]["readyReplicas"], 2,
        "the status is the stored one"
    );
    // A second writer with the same old version now meets a spec change.
    let mut late = created.clone();
    late["spec"]["replicas"] = json!(5);
    late["metadata"]["resourceVersion"] = read_rv;
    assert!(matches!(
        store.update("ReplicaSet", late),
        Err(StoreError::Conflict { .. })
    ));
}

#[test]
fn a_kind_version_moves_with_its_own_writes_and_with_a_rebase_only() {
    let s = store();
    let (names, before) = s.visit("ConfigMap", |o| meta_str(o, "name").map(str::to_string));
    assert!(names.is_empty());
    s.create("ConfigMap", cm("one", "default")).expect("cm");
    let (names, one) = s.visit("ConfigMap", |o| meta_str(o, "name").map(str::to_string));
    assert_eq!(names, vec!["one"]);
    assert_ne!(one, before, "a write of the kind moves it");
    s.create("Deployment", deploy("web", 1))
        .expect("deployment");
    assert_eq!(
        s.kind_version("ConfigMap"),
        one,
        "another kind's write does not"
    );
    let unchanged = s.get("ConfigMap", Some("default"), "one").expect("stored");
    s.update("ConfigMap", unchanged).expect("update");
    assert_eq!(
        s.kind_version("ConfigMap"),
        one,
        "an update that changes nothing writes nothing"
    );
    s.rebase("2026-01-01T01:00:00Z".parse().expect("valid"));
    assert_ne!(
        s.kind_version("ConfigMap"),
        one,
        "a rebase moves the stored times in place"
    );
}

#[test]
fn updates_that_change_nothing_but_the_version_are_not_written() {
    let a = json!({"metadata": {"name": "x", "resourceVersion": "3", "labels": {"a": "1"}}, "data": {"k": "v"}});
    let mut b = json!({"data": {"k": "v"}, "metadata": {"labels": {"a": "1"}, "name": "x"}});
    assert!(
        same_apart_from_rv(&a, &b),
        "order and a missing version do not count"
    );
    b["metadata"]["resourceVersion"] = json!("9");
    assert!(same_apart_from_rv(&a, &b));
    b["metadata"]["uid"] = json!("u");
    assert!(!same_apart_from_rv(&a, &b), "another metadata field counts");
    let mut c = a.clone();
    c["data"]["k"] = json!("w");
    assert!(!same_apart_from_rv(&a, &c), "the rest counts");
    let mut d = a.clone();
    d["status"] = json!({});
    assert!(!same_apart_from_rv(&a, &d), "a field more counts");
    assert!(same_apart_from_rv(
        &json!({"metadata": {"resourceVersion": "1"}}),
        &json!({})
    ));
}
