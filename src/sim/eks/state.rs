//! The simulated EKS service's data: clusters and nodegroups, their status
//! transitions on the clock, and the events those transitions emit.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::api_error::{EksApiError, EksErrorKind};
use super::records::{
    ClusterRecord, ClusterSummary, CreateClusterRequest, NodegroupSummary, Status,
};
use super::{EksConfig, EksEvent, naming, shapes};
use crate::sim::clock::Clock;

pub(super) struct Inner {
    pub(super) config: EksConfig,
    pub(super) clock: Clock,
    clusters: Mutex<BTreeMap<String, ClusterRecord>>,
    events: broadcast::Sender<EksEvent>,
    // Timer tasks stop when the state goes away.
    cancel: CancellationToken,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The service's data, shared by the HTTP endpoint and in-process callers.
/// Cheap to clone.
///
/// Transitions happen on time even when nobody asks: each one schedules a
/// timer task on the current tokio runtime, and every call settles whatever
/// is due first, so reads are exact on a manual clock too.
#[derive(Clone)]
pub struct EksState {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for EksState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EksState")
            .field("region", &self.inner.config.region)
            .finish_non_exhaustive()
    }
}

pub(super) fn after(now: Timestamp, d: Duration) -> Timestamp {
    let step = SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
    now.checked_add(step).unwrap_or(Timestamp::MAX)
}

impl EksState {
    pub fn new(clock: Clock, config: EksConfig) -> Self {
        let (events, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                config,
                clock,
                clusters: Mutex::new(BTreeMap::new()),
                events,
                cancel: CancellationToken::new(),
            }),
        }
    }

    pub fn config(&self) -> &EksConfig {
        &self.inner.config
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    /// Events from now on. A receiver that falls more than 256 events
    /// behind gets `Lagged`.
    pub fn subscribe(&self) -> broadcast::Receiver<EksEvent> {
        self.inner.events.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, ClusterRecord>> {
        // A panic while holding the lock leaves consistent maps behind.
        self.inner
            .clusters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies every transition that is due, in time order, and emits its
    /// event. Returns the locked data.
    pub(super) fn settled(&self) -> MutexGuard<'_, BTreeMap<String, ClusterRecord>> {
        let now = self.inner.clock.now();
        let mut clusters = self.lock();
        loop {
            // The earliest due transition, if any.
            let mut next: Option<(Timestamp, String, Option<String>)> = None;
            for cluster in clusters.values() {
                if let Some(due) = cluster.due.filter(|d| *d <= now)
                    && next.as_ref().is_none_or(|(t, ..)| due < *t)
                {
                    next = Some((due, cluster.name.clone(), None));
                }
                for ng in cluster.nodegroups.values() {
                    if let Some(due) = ng.due.filter(|d| *d <= now)
                        && next.as_ref().is_none_or(|(t, ..)| due < *t)
                    {
                        next = Some((due, cluster.name.clone(), Some(ng.name.clone())));
                    }
                }
            }
            let Some((_, cluster_name, nodegroup_name)) = next else {
                break;
            };
            let event = match nodegroup_name {
                None => Self::transition_cluster(&mut clusters, &cluster_name),
                Some(ng) => self.transition_nodegroup(&mut clusters, &cluster_name, &ng),
            };
            if let Some(event) = event {
                // Nobody listening is fine.
                let _ = self.inner.events.send(event);
            }
        }
        clusters
    }

    fn transition_cluster(
        clusters: &mut BTreeMap<String, ClusterRecord>,
        name: &str,
    ) -> Option<EksEvent> {
        let cluster = clusters.get_mut(name)?;
        cluster.due = None;
        match cluster.status {
            Status::Creating => {
                cluster.status = Status::Active;
                Some(EksEvent::ClusterActive {
                    cluster: name.to_string(),
                    version: cluster.version.clone(),
                })
            }
            Status::Deleting => {
                clusters.remove(name);
                Some(EksEvent::ClusterDeleted {
                    cluster: name.to_string(),
                })
            }
            Status::Active => None,
        }
    }

    fn transition_nodegroup(
        &self,
        clusters: &mut BTreeMap<String, ClusterRecord>,
        cluster_name: &str,
        name: &str,
    ) -> Option<EksEvent> {
        let cluster = clusters.get_mut(cluster_name)?;
        let ng = cluster.nodegroups.get_mut(name)?;
        ng.due = None;
        match ng.status {
            Status::Creating => {
                ng.status = Status::Active;
                Some(EksEvent::NodegroupActive {
                    cluster: cluster_name.to_string(),
                    nodegroup: name.to_string(),
                    version: ng.version.clone(),
                    desired: ng.desired,
                    instance_type: ng.instance_types.first().cloned().unwrap_or_default(),
                    node_names: naming::node_names(
                        cluster_name,
                        name,
                        &self.inner.config.region,
                        ng.desired,
                    ),
                })
            }
            Status::Deleting => {
                cluster.nodegroups.remove(name);
                Some(EksEvent::NodegroupDeleted {
                    cluster: cluster_name.to_string(),
                    nodegroup: name.to_string(),
                })
            }
            Status::Active => None,
        }
    }

    /// Makes sure the transition due at `due` happens on time even if no
    /// request comes: a timer task settles the state then.
    pub(super) fn schedule(&self, due: Timestamp) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // Without a runtime, transitions still happen at the next call.
            return;
        };
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        let clock = self.inner.clock.clone();
        let cancel = self.inner.cancel.clone();
        runtime.spawn(async move {
            let wait = async {
                let remaining = due.duration_since(clock.now());
                if remaining.is_positive() {
                    clock.sleep(remaining.unsigned_abs()).await;
                }
            };
            tokio::select! {
                _ = wait => {
                    if let Some(inner) = weak.upgrade() {
                        drop(EksState { inner }.settled());
                    }
                }
                _ = cancel.cancelled() => {}
            }
        });
    }

    fn cluster_arn(&self, name: &str) -> String {
        let c = &self.inner.config;
        format!("arn:aws:eks:{}:{}:cluster/{name}", c.region, c.account_id)
    }

    /// CreateCluster.
    pub fn create_cluster(&self, request: CreateClusterRequest) -> Result<Value, EksApiError> {
        let name = request
            .name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| EksApiError::invalid_parameter("name is required"))?;
        let role_arn = request
            .role_arn
            .ok_or_else(|| EksApiError::invalid_parameter("roleArn is required").cluster(&name))?;
        let resources_vpc_config = request.resources_vpc_config.ok_or_else(|| {
            EksApiError::invalid_parameter("resourcesVpcConfig is required").cluster(&name)
        })?;
        let config = &self.inner.config;
        let version = request
            .version
            .unwrap_or_else(|| config.default_version.clone());
        if !config.supported_versions.contains(&version) {
            return Err(EksApiError::invalid_parameter(format!(
                "unsupported Kubernetes version {version}"
            ))
            .cluster(&name));
        }
        let now = self.inner.clock.now();
        let due = after(now, config.durations.cluster_create);
        let record = ClusterRecord {
            arn: self.cluster_arn(&name),
            endpoint: config
                .cluster_endpoint
                .clone()
                .unwrap_or_else(|| shapes::fake_endpoint(&name, &config.region)),
            name: name.clone(),
            version,
            role_arn,
            resources_vpc_config,
            kubernetes_network_config: request.kubernetes_network_config,
            logging: request.logging,
            client_request_token: request.client_request_token,
            tags: request.tags,
            created_at: now,
            status: Status::Creating,
            due: Some(due),
            nodegroups: BTreeMap::new(),
        };
        let body = {
            let mut clusters = self.settled();
            if clusters.contains_key(&name) {
                return Err(EksApiError::new(
                    EksErrorKind::ResourceInUse,
                    format!("Cluster already exists with name: {name}"),
                )
                .cluster(&name));
            }
            let body = shapes::cluster(&record, config);
            clusters.insert(name, record);
            body
        };
        self.schedule(due);
        Ok(body)
    }

    /// DescribeCluster.
    pub fn describe_cluster(&self, name: &str) -> Result<Value, EksApiError> {
        let clusters = self.settled();
        let cluster = clusters
            .get(name)
            .ok_or_else(|| EksApiError::cluster_not_found(name))?;
        Ok(shapes::cluster(cluster, &self.inner.config))
    }

    /// ListClusters: names in alphabetical order, paged by `next_token`
    /// (an index) and `max_results` (1–100).
    pub fn list_clusters(
        &self,
        max_results: Option<usize>,
        next_token: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), EksApiError> {
        let clusters = self.settled();
        let names: Vec<String> = clusters.keys().cloned().collect();
        page(names, max_results, next_token)
    }

    /// DeleteCluster: refused while nodegroups exist, as the real API does.
    pub fn delete_cluster(&self, name: &str) -> Result<Value, EksApiError> {
        let config = &self.inner.config;
        let (body, due) = {
            let mut clusters = self.settled();
            let cluster = clusters
                .get_mut(name)
                .ok_or_else(|| EksApiError::cluster_not_found(name))?;
            if !cluster.nodegroups.is_empty() {
                return Err(EksApiError::new(
                    EksErrorKind::ResourceInUse,
                    "Cluster has nodegroups attached",
                )
                .cluster(name));
            }
            let mut due = None;
            if cluster.status != Status::Deleting {
                let when = after(self.inner.clock.now(), config.durations.cluster_delete);
                cluster.status = Status::Deleting;
                cluster.due = Some(when);
                due = Some(when);
            }
            (shapes::cluster(cluster, config), due)
        };
        if let Some(due) = due {
            self.schedule(due);
        }
        Ok(body)
    }

    /// Every cluster with its status and nodegroups, for in-process callers
    /// (the simulated eksctl's view of the world).
    pub fn summaries(&self) -> Vec<ClusterSummary> {
        let clusters = self.settled();
        clusters
            .values()
            .map(|c| ClusterSummary {
                name: c.name.clone(),
                region: self.inner.config.region.clone(),
                status: c.status.as_str().to_string(),
                nodegroups: c
                    .nodegroups
                    .values()
                    .map(|ng| NodegroupSummary {
                        name: ng.name.clone(),
                        status: ng.status.as_str().to_string(),
                        created_at: ng.created_at,
                        min: ng.min,
                        max: ng.max,
                        desired: ng.desired,
                        instance_type: ng.instance_types.first().cloned().unwrap_or_default(),
                        ami_type: ng.ami_type.clone(),
                        asg_name: shapes::asg_name(ng),
                    })
                    .collect(),
                tags: c.tags.clone(),
            })
            .collect()
    }
}

/// One page of `names`: `next_token` is the index to start at.
pub(super) fn page(
    names: Vec<String>,
    max_results: Option<usize>,
    next_token: Option<&str>,
) -> Result<(Vec<String>, Option<String>), EksApiError> {
    let max = max_results.unwrap_or(100);
    if !(1..=100).contains(&max) {
        return Err(EksApiError::invalid_parameter(
            "maxResults must be between 1 and 100",
        ));
    }
    let start = match next_token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| EksApiError::invalid_parameter("The nextToken is not valid"))?,
    };
    let end = names.len().min(start.saturating_add(max));
    let items = names
        .get(start..end)
        .map(<[String]>::to_vec)
        .unwrap_or_default();
    let next = (end < names.len()).then(|| end.to_string());
    Ok((items, next))
}
