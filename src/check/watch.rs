//! Drives Kubernetes checks from watches: every change re-evaluates the
//! condition, so a check passes the moment it holds.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Node, Pod, Secret, Service};
use kube::api::{Api, ApiResource, DynamicObject};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;

use super::eval::{self, Evaluation};
use crate::lesson::CheckKind;

/// Watch until the check's condition holds (Ok with what was seen) or the
/// timeout ends (Err with the last state seen).
pub async fn until(client: Client, kind: &CheckKind, timeout: Duration) -> Result<String, String> {
    match kind {
        CheckKind::NodesReady { count } => {
            let want = *count;
            drive(
                Api::<Node>::all(client),
                watcher::Config::default(),
                timeout,
                |nodes| eval::nodes_ready(&nodes.values().cloned().collect::<Vec<_>>(), want),
            )
            .await
        }
        CheckKind::Deployment {
            name,
            namespace,
            ready,
            up_to_date,
            available,
        } => {
            let want = eval::DeploymentWant {
                ready: *ready,
                up_to_date: *up_to_date,
                available: *available,
            };
            drive(
                namespaced::<Deployment>(client, namespace.as_deref()),
                by_name(name),
                timeout,
                |seen| eval::deployment(name, seen.get(name.as_str()), &want),
            )
            .await
        }
        CheckKind::Pods {
            selector,
            namespace,
            count,
            phase,
            reason,
            min_restarts,
        } => {
            let want = eval::PodsWant {
                count: *count,
                phase: phase.as_deref(),
                reason: reason.as_deref(),
                min_restarts: *min_restarts,
            };
            drive(
                namespaced::<Pod>(client, namespace.as_deref()),
                watcher::Config::default().labels(selector),
                timeout,
                |seen| {
                    let pods: Vec<Pod> = seen.values().cloned().collect();
                    eval::pods(selector, &pods, &want)
                },
            )
            .await
        }
        CheckKind::Service {
            name,
            namespace,
            service_type,
            ports,
            node_port_range,
        } => {
            let want = eval::ServiceWant {
                service_type: service_type.as_deref(),
                ports,
                node_port_range: *node_port_range,
            };
            drive(
                namespaced::<Service>(client, namespace.as_deref()),
                by_name(name),
                timeout,
                |seen| eval::service(name, seen.get(name.as_str()), &want),
            )
            .await
        }
        CheckKind::ConfigMapKey {
            name,
            namespace,
            key,
            contains,
        } => {
            drive(
                namespaced::<ConfigMap>(client, namespace.as_deref()),
                by_name(name),
                timeout,
                |seen| eval::configmap_key(name, seen.get(name.as_str()), key, contains),
            )
            .await
        }
        CheckKind::Absent {
            resource,
            name,
            selector,
            namespace,
            ..
        } => {
            let Some((ar, namespaced)) = api_resource(resource) else {
                return Err(format!(
                    "unknown resource {resource:?}; known: {}",
                    KNOWN_RESOURCES.join(", ")
                ));
            };
            let api: Api<DynamicObject> = match (namespaced, namespace) {
                (false, _) => Api::all_with(client, &ar),
                (true, Some(ns)) => Api::namespaced_with(client, ns, &ar),
                (true, None) => Api::default_namespaced_with(client, &ar),
            };
            let mut config = watcher::Config::default();
            if let Some(n) = name {
                config = config.fields(&format!("metadata.name={n}"));
            }
            if let Some(s) = selector {
                config = config.labels(s);
            }
            let what = match (name, selector) {
                (Some(n), _) => format!("{resource}/{n}"),
                (None, Some(s)) => format!("{resource} matching {s:?}"),
                (None, None) => resource.clone(),
            };
            drive(api, config, timeout, |seen| {
                eval::absent(&what, &seen.keys().cloned().collect::<Vec<_>>())
            })
            .await
        }
        CheckKind::Http { .. } | CheckKind::EksCluster { .. } | CheckKind::EksNodegroup { .. } => {
            Err("not a Kubernetes check".to_string())
        }
    }
}

fn namespaced<K>(client: Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match namespace {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::default_namespaced(client),
    }
}

fn by_name(name: &str) -> watcher::Config {
    watcher::Config::default().fields(&format!("metadata.name={name}"))
}

const KNOWN_RESOURCES: [&str; 8] = [
    "pods",
    "deployments",
    "replicasets",
    "services",
    "configmaps",
    "secrets",
    "nodes",
    "namespaces",
];

/// Map a resource name as lessons write it (plural, singular or short name) to
/// its API resource and whether it is namespaced.
fn api_resource(resource: &str) -> Option<(ApiResource, bool)> {
    let r = resource.to_ascii_lowercase();
    Some(match r.as_str() {
        "pods" | "pod" | "po" => (ApiResource::erase::<Pod>(&()), true),
        "deployments" | "deployment" | "deploy" => (ApiResource::erase::<Deployment>(&()), true),
        "replicasets" | "replicaset" | "rs" => (ApiResource::erase::<ReplicaSet>(&()), true),
        "services" | "service" | "svc" => (ApiResource::erase::<Service>(&()), true),
        "configmaps" | "configmap" | "cm" => (ApiResource::erase::<ConfigMap>(&()), true),
        "secrets" | "secret" => (ApiResource::erase::<Secret>(&()), true),
        "nodes" | "node" | "no" => (ApiResource::erase::<Node>(&()), false),
        "namespaces" | "namespace" | "ns" => (ApiResource::erase::<Namespace>(&()), false),
        _ => return None,
    })
}

/// Keep a map of the watched objects by name and re-evaluate on every change.
async fn drive<K>(
    api: Api<K>,
    config: watcher::Config,
    timeout: Duration,
    evaluate: impl Fn(&BTreeMap<String, K>) -> Evaluation,
) -> Result<String, String>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
{
    let mut last_seen = "nothing seen yet: the watch has not answered".to_string();
    let watching = async {
        let mut stream = watcher(api, config).default_backoff().boxed();
        let mut current: BTreeMap<String, K> = BTreeMap::new();
        let mut initial: BTreeMap<String, K> = BTreeMap::new();
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::Init) => initial.clear(),
                Ok(watcher::Event::InitApply(obj)) => {
                    initial.insert(obj.name_any(), obj);
                    continue;
                }
                Ok(watcher::Event::InitDone) => current = std::mem::take(&mut initial),
                Ok(watcher::Event::Apply(obj)) => {
                    current.insert(obj.name_any(), obj);
                }
                Ok(watcher::Event::Delete(obj)) => {
                    current.remove(&obj.name_any());
                }
                Err(err) => {
                    last_seen = format!("cannot watch the cluster: {err}");
                    continue;
                }
            }
            let evaluation = evaluate(&current);
            last_seen = evaluation.seen.clone();
            if evaluation.holds {
                return Ok(evaluation.seen);
            }
        }
        Err(())
    };
    match tokio::time::timeout(timeout, watching).await {
        Ok(Ok(seen)) => Ok(seen),
        Ok(Err(())) => Err(format!("the watch ended; last seen: {last_seen}")),
        Err(_) => Err(format!(
            "timed out after {}; last seen: {last_seen}",
            humanize(timeout)
        )),
    }
}

pub(crate) fn humanize(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        1..=119 => format!("{secs}s"),
        _ if secs.is_multiple_of(60) => format!("{}m", secs / 60),
        _ => format!("{}m{}s", secs / 60, secs % 60),
    }
}
