//! Drives Kubernetes checks from watches: every change re-evaluates the
//! condition, so a check passes the moment it holds.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::time::Duration;

use futures::StreamExt;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource, ResourceExt};
use serde::de::DeserializeOwned;

use super::{CheckContext, CheckError, Evaluation};

/// The cluster's client, or why there is none.
pub(crate) fn client(ctx: &CheckContext) -> Result<Client, CheckError> {
    ctx.kube.clone().ok_or(CheckError::NoCluster)
}

/// The API of namespaced objects of type `K`, in `namespace` or else the
/// client's default namespace.
pub(crate) fn namespaced<K>(client: Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    K::DynamicType: Default,
{
    match namespace {
        Some(ns) => Api::namespaced(client, ns),
        None => Api::default_namespaced(client),
    }
}

/// Watch one object by name.
pub(crate) fn by_name(name: &str) -> watcher::Config {
    watcher::Config::default().fields(&format!("metadata.name={name}"))
}

/// Keep a map of the watched objects by name and re-evaluate on every change.
pub(crate) async fn drive<K>(
    api: Api<K>,
    config: watcher::Config,
    timeout: Duration,
    evaluate: impl Fn(&BTreeMap<String, K>) -> Evaluation,
) -> Result<String, CheckError>
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
                // Nothing is known until the first listing is done: an
                // `absent` check must not pass on the empty map it starts with.
                Ok(watcher::Event::Init) => {
                    initial.clear();
                    continue;
                }
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
                    super::observe(&last_seen, false);
                    continue;
                }
            }
            let evaluation = evaluate(&current);
            super::observe(&evaluation.seen, !current.is_empty());
            last_seen = evaluation.seen.clone();
            if evaluation.holds {
                return Ok(evaluation.seen);
            }
        }
        Err(())
    };
    match tokio::time::timeout(timeout, watching).await {
        Ok(Ok(seen)) => Ok(seen),
        Ok(Err(())) => Err(CheckError::WatchEnded { last_seen }),
        Err(_) => Err(CheckError::TimedOut {
            after: timeout,
            last_seen,
        }),
    }
}
