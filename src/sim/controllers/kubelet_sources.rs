//! The kubelet's reading of ConfigMaps and Secrets for a pod: the copies a
//! container run starts with (env vars and subPath mounts never change
//! afterwards), and the files of ConfigMap and Secret volumes, which follow a
//! change of their source after the kubelet's sync delay.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

use crate::sim::store::{PodSources, SourceData, Store};

/// How long after a ConfigMap or Secret changes the files of the volumes
/// that mount it change. The real kubelet checks mounted sources on its
/// periodic pod sync (`syncFrequency`, one minute by default) through its
/// cache (watch-based by default; with the TTL strategy up to one more
/// minute), so the files follow within about a minute, sometimes two. The
/// simulation takes one sync period.
pub const VOLUME_SYNC_DELAY: Duration = Duration::from_secs(60);

/// The key of a source in [`PodSources`]: `ConfigMap/NAME` or `Secret/NAME`.
pub fn source_key(kind: &str, name: &str) -> String {
    format!("{kind}/{name}")
}

/// The sources a pod reads: (all of them, those mounted as volumes).
pub fn pod_source_keys(pod: &Pod) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut volumes = BTreeSet::new();
    let Some(spec) = pod.spec.as_ref() else {
        return (BTreeSet::new(), volumes);
    };
    for v in spec.volumes.iter().flatten() {
        if let Some(name) = v.config_map.as_ref().map(|c| c.name.clone()) {
            volumes.insert(source_key("ConfigMap", &name));
        }
        if let Some(name) = v.secret.as_ref().and_then(|s| s.secret_name.clone()) {
            volumes.insert(source_key("Secret", &name));
        }
        for p in v
            .projected
            .as_ref()
            .and_then(|p| p.sources.as_ref())
            .into_iter()
            .flatten()
        {
            if let Some(c) = &p.config_map {
                volumes.insert(source_key("ConfigMap", &c.name));
            }
            if let Some(s) = &p.secret {
                volumes.insert(source_key("Secret", &s.name));
            }
        }
    }
    let mut all = volumes.clone();
    for c in spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
    {
        for e in c.env_from.iter().flatten() {
            if let Some(r) = &e.config_map_ref {
                all.insert(source_key("ConfigMap", &r.name));
            }
            if let Some(r) = &e.secret_ref {
                all.insert(source_key("Secret", &r.name));
            }
        }
        for e in c.env.iter().flatten() {
            let Some(from) = &e.value_from else { continue };
            if let Some(r) = &from.config_map_key_ref {
                all.insert(source_key("ConfigMap", &r.name));
            }
            if let Some(r) = &from.secret_key_ref {
                all.insert(source_key("Secret", &r.name));
            }
        }
    }
    (all, volumes)
}

/// The data of a ConfigMap or Secret in its wire form (Secret values decoded).
pub fn source_data(object: Option<&Value>) -> SourceData {
    let object = object?;
    let mut data = BTreeMap::new();
    if let Some(map) = object["data"].as_object() {
        for (k, v) in map {
            let bytes = if object["kind"] == "Secret" {
                serde_json::from_value::<k8s_openapi::ByteString>(v.clone())
                    .map(|b| b.0)
                    .unwrap_or_default()
            } else {
                v.as_str().unwrap_or_default().as_bytes().to_vec()
            };
            data.insert(k.clone(), bytes);
        }
    }
    for (k, v) in object["stringData"].as_object().into_iter().flatten() {
        data.insert(
            k.clone(),
            v.as_str().unwrap_or_default().as_bytes().to_vec(),
        );
    }
    if let Some(map) = object["binaryData"].as_object() {
        for (k, v) in map {
            if let Ok(b) = serde_json::from_value::<k8s_openapi::ByteString>(v.clone()) {
                data.insert(k.clone(), b.0);
            }
        }
    }
    Some(data)
}

/// The running containers and when each run started.
fn runs(pod: &Pod) -> BTreeMap<String, String> {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|cs| {
            let started = cs.state.as_ref()?.running.as_ref()?.started_at.as_ref()?;
            Some((cs.name.clone(), started.0.to_string()))
        })
        .collect()
}

/// One kubelet look at a bound pod's sources: the new record when it
/// changed, and when a pending volume update is due.
pub fn sync_pod(
    pod: &Pod,
    record: Option<PodSources>,
    current: &dyn Fn(&str) -> SourceData,
    now: Timestamp,
) -> (Option<PodSources>, Option<Timestamp>) {
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let (all, volumes) = pod_source_keys(pod);
    let before = record.filter(|r| r.pod_uid == uid);
    let mut record = before.clone().unwrap_or_else(|| PodSources {
        pod_uid: uid,
        ..PodSources::default()
    });
    let running = runs(pod);
    if !running.is_empty() && running != record.runs {
        record.at_start = all.iter().map(|k| (k.clone(), current(k))).collect();
        record.runs = running;
    }
    let mut wake = None;
    for key in &volumes {
        let data = current(key);
        match record.projected.get(key) {
            None => {
                record.projected.insert(key.clone(), (data, now));
            }
            Some((projected, _)) if *projected == data => {
                record.changed_since.remove(key);
            }
            Some(_) => {
                let since = *record.changed_since.entry(key.clone()).or_insert(now);
                let due = since + VOLUME_SYNC_DELAY;
                if now >= due {
                    record.projected.insert(key.clone(), (data, now));
                    record.changed_since.remove(key);
                } else {
                    wake = Some(wake.map_or(due, |w: Timestamp| w.min(due)));
                }
            }
        }
    }
    let changed = before.as_ref() != Some(&record);
    (changed.then_some(record), wake)
}

/// Syncs every bound, live pod's sources in the store and forgets the
/// records of pods that are gone; returns the next due volume update.
pub fn sync_all(store: &Store, pods: &[Pod], now: Timestamp) -> Option<Timestamp> {
    let mut wake: Option<Timestamp> = None;
    let mut live = BTreeSet::new();
    for pod in pods {
        let (Some(ns), Some(name)) = (
            pod.metadata.namespace.as_deref(),
            pod.metadata.name.as_deref(),
        ) else {
            continue;
        };
        live.insert((
            ns.to_string(),
            name.to_string(),
            pod.metadata.uid.clone().unwrap_or_default(),
        ));
        if pod.metadata.deletion_timestamp.is_some() || super::pods::node_name(pod).is_none() {
            continue;
        }
        let current = |key: &str| {
            let (kind, source) = key.split_once('/').unwrap_or((key, ""));
            source_data(store.get(kind, Some(ns), source).as_ref())
        };
        let (record, at) = sync_pod(pod, store.pod_sources(ns, name), &current, now);
        if let Some(record) = record {
            store.set_pod_sources(ns, name, record);
        }
        if let Some(at) = at {
            wake = Some(wake.map_or(at, |w| w.min(at)));
        }
    }
    store.retain_pod_sources(|ns, pod, uid| {
        live.contains(&(ns.to_string(), pod.to_string(), uid.to_string()))
    });
    wake
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(running_since: Option<&str>) -> Pod {
        let mut p = json!({
            "metadata": {"name": "p", "namespace": "default", "uid": "u1"},
            "spec": {
                "nodeName": "n",
                "volumes": [{"name": "config", "configMap": {"name": "cfg"}}],
                "containers": [{"name": "c", "env": [{"name": "MODE",
                    "valueFrom": {"configMapKeyRef": {"name": "env", "key": "mode"}}}]}]
            },
            "status": {"containerStatuses": []}
        });
        if let Some(at) = running_since {
            p["status"]["containerStatuses"] = json!([{"name": "c", "image": "x", "imageID": "",
                "ready": true, "restartCount": 0, "state": {"running": {"startedAt": at}}}]);
        }
        serde_json::from_value(p).unwrap()
    }

    fn data(v: &str) -> SourceData {
        Some(BTreeMap::from([("k".to_string(), v.as_bytes().to_vec())]))
    }

    #[test]
    fn volumes_follow_after_the_sync_delay_and_start_copies_stay() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let value = std::cell::RefCell::new("one");
        let current = |_: &str| data(&value.borrow());
        let (record, wake) = sync_pod(&pod(Some("2026-01-01T00:00:00Z")), None, &current, t0);
        let record = record.expect("a first look records");
        assert_eq!(wake, None);
        assert_eq!(record.at_start["ConfigMap/env"], data("one"));
        assert_eq!(record.projected["ConfigMap/cfg"].0, data("one"));

        *value.borrow_mut() = "two";
        let t1 = t0 + Duration::from_secs(10);
        let (record, wake) = sync_pod(
            &pod(Some("2026-01-01T00:00:00Z")),
            Some(record),
            &current,
            t1,
        );
        let record = record.expect("the change is noted");
        assert_eq!(wake, Some(t1 + VOLUME_SYNC_DELAY));
        assert_eq!(record.projected["ConfigMap/cfg"].0, data("one"));

        let t2 = t1 + VOLUME_SYNC_DELAY;
        let (record, wake) = sync_pod(
            &pod(Some("2026-01-01T00:00:00Z")),
            Some(record),
            &current,
            t2,
        );
        let record = record.expect("the volume is rewritten");
        assert_eq!(wake, None);
        assert_eq!(record.projected["ConfigMap/cfg"], (data("two"), t2));
        assert_eq!(
            record.at_start["ConfigMap/env"],
            data("one"),
            "env never follows"
        );

        // A restart reads the sources again.
        let (record, _) = sync_pod(
            &pod(Some("2026-01-01T00:05:00Z")),
            Some(record),
            &current,
            t2,
        );
        assert_eq!(
            record.expect("new run").at_start["ConfigMap/env"],
            data("two")
        );
    }
}
