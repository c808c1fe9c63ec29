//! The deployment controller: Deployment -> ReplicaSets, rolling updates
//! bounded by maxSurge/maxUnavailable, revisions and status conditions.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentStatus, ReplicaSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::change::{Change, EventRecord, controller_ref, is_terminating, object_ref, to_wire};
use super::deployment_status::{
    Progress, available_replicas, deployment_status, spec_replicas, status_replicas,
};
use super::names::{POD_TEMPLATE_HASH, pod_template_hash};
use super::templates::same_template;

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
const COMPONENT: &str = "deployment-controller";
const DEFAULT_HISTORY_LIMIT: i32 = 10;

/// Everything the controller wants done for one Deployment, given the
/// ReplicaSets it controls (by ownerReference uid).
pub fn reconcile_deployment(dep: &Deployment, owned: &[ReplicaSet], now: Timestamp) -> Vec<Change> {
    if is_terminating(&dep.metadata) {
        return Vec::new();
    }
    let spec = &dep.spec;
    let mut sync = Sync::new(dep, owned);
    let replicas = spec.replicas.unwrap_or(1);
    let paused = spec.paused == Some(true);

    let mut created = None;
    if sync.new_index.is_none() && !paused {
        created = sync.create_new_replica_set(replicas);
    }
    sync.stamp_new_revision();

    if let Some(new_index) = sync.new_index {
        if is_recreate(dep) {
            sync.rollout_recreate(new_index, replicas);
        } else {
            sync.rollout_rolling(new_index, replicas);
        }
    }
    let complete = sync.cleanup_if_complete(replicas);

    // ReplicaSets are written before the events that mention them.
    let mut changes = sync.replica_set_writes();
    changes.append(&mut sync.changes);
    let new_revision = sync
        .new_index
        .and_then(|i| revision_of(&sync.rss[i].metadata))
        .map(|r| r.to_string());
    if let Some(revision) = new_revision {
        let current = dep
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(REVISION));
        if current != Some(&revision) {
            let mut updated = dep.clone();
            updated
                .metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(REVISION.to_string(), revision);
            changes.push(Change::Update {
                kind: "Deployment",
                object: to_wire(&updated),
            });
        }
    }
    let status = deployment_status(
        dep,
        &sync.rss,
        sync.new_index,
        Progress {
            replicas,
            created: created.is_some(),
            complete,
            paused,
        },
        now,
    );
    if dep.status.as_ref() != Some(&status) {
        let mut updated = dep.clone();
        updated.status = Some(status);
        changes.push(Change::UpdateStatus {
            kind: "Deployment",
            object: to_wire(&updated),
        });
    }
    changes
}

/// Working state of one sync: copies of the ReplicaSets (the new one, if
/// any, at `new_index`), which of them changed, and what to report.
struct Sync<'a> {
    dep: &'a Deployment,
    rss: Vec<ReplicaSet>,
    new_index: Option<usize>,
    dirty: BTreeSet<usize>,
    created: BTreeSet<usize>,
    changes: Vec<Change>,
}

impl<'a> Sync<'a> {
    fn new(dep: &'a Deployment, owned: &[ReplicaSet]) -> Self {
        let mut rss: Vec<ReplicaSet> = owned
            .iter()
            .filter(|rs| !is_terminating(&rs.metadata))
            .cloned()
            .collect();
        rss.sort_by(|a, b| {
            (&a.metadata.creation_timestamp, &a.metadata.name)
                .cmp(&(&b.metadata.creation_timestamp, &b.metadata.name))
        });
        let template = &dep.spec.template;
        let new_index = rss
            .iter()
            .rposition(|rs| same_template(rs.spec.template.as_ref(), template));
        Sync {
            dep,
            rss,
            new_index,
            dirty: BTreeSet::new(),
            created: BTreeSet::new(),
            changes: Vec::new(),
        }
    }

    fn name(&self) -> String {
        self.dep.metadata.name.clone().unwrap_or_default()
    }

    fn old_indexes(&self) -> Vec<usize> {
        (0..self.rss.len())
            .filter(|i| Some(*i) != self.new_index)
            .collect()
    }

    fn max_old_revision(&self) -> u64 {
        self.old_indexes()
            .iter()
            .filter_map(|i| revision_of(&self.rss[*i].metadata))
            .max()
            .unwrap_or(0)
    }

    fn create_new_replica_set(&mut self, replicas: i32) -> Option<usize> {
        let spec = &self.dep.spec;
        let collision_count = self.dep.status.as_ref().and_then(|s| s.collision_count);
        let hash = pod_template_hash(&spec.template, collision_count);
        let name = format!("{}-{hash}", self.name());
        if self
            .rss
            .iter()
            .any(|rs| rs.metadata.name.as_deref() == Some(&name))
        {
            // A hash collision with an RS of another template: Kubernetes
            // bumps collisionCount, and the next sync picks a new name.
            let mut updated = self.dep.clone();
            let status = updated.status.get_or_insert_with(DeploymentStatus::default);
            status.collision_count = Some(collision_count.unwrap_or(0) + 1);
            self.changes.push(Change::UpdateStatus {
                kind: "Deployment",
                object: to_wire(&updated),
            });
            return None;
        }
        let mut template = spec.template.clone();
        template
            .metadata
            .get_or_insert_with(ObjectMeta::default)
            .labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH.to_string(), hash.clone());
        let mut selector: LabelSelector = spec.selector.clone();
        selector
            .match_labels
            .get_or_insert_with(BTreeMap::new)
            .insert(POD_TEMPLATE_HASH.to_string(), hash);
        let labels = template.metadata.as_ref().and_then(|m| m.labels.clone());
        let rs = ReplicaSet {
            metadata: ObjectMeta {
                name: Some(name),
                namespace: self.dep.metadata.namespace.clone(),
                labels,
                annotations: Some(BTreeMap::from([(
                    REVISION.to_string(),
                    (self.max_old_revision() + 1).to_string(),
                )])),
                owner_references: Some(vec![controller_ref(
                    "apps/v1",
                    "Deployment",
                    &self.dep.metadata,
                )]),
                ..ObjectMeta::default()
            },
            spec: k8s_openapi::api::apps::v1::ReplicaSetSpec {
                replicas: Some(0),
                min_ready_seconds: spec.min_ready_seconds,
                selector,
                template: Some(template),
            },
            status: None,
        };
        self.rss.push(rs);
        let index = self.rss.len() - 1;
        self.new_index = Some(index);
        self.created.insert(index);
        // The first size of a new RS: everything for a fresh Deployment,
        // what the surge allows during a rolling update, nothing while a
        // Recreate waits for the old pods to go.
        let first = if is_recreate(self.dep) {
            if self
                .old_indexes()
                .iter()
                .any(|i| spec_replicas(&self.rss[*i]) > 0 || status_replicas(&self.rss[*i]) > 0)
            {
                0
            } else {
                replicas
            }
        } else {
            self.new_rs_new_replicas(index, replicas)
        };
        self.scale(index, first);
        Some(index)
    }

    /// After `rollout undo` an old RS becomes the new one again and takes
    /// the next revision number.
    fn stamp_new_revision(&mut self) {
        let Some(index) = self.new_index else { return };
        let next = self.max_old_revision() + 1;
        let current = revision_of(&self.rss[index].metadata).unwrap_or(0);
        if current < next {
            self.rss[index]
                .metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert(REVISION.to_string(), next.to_string());
            self.dirty.insert(index);
        }
    }

    fn rollout_rolling(&mut self, new_index: usize, replicas: i32) {
        let current = spec_replicas(&self.rss[new_index]);
        if current > replicas {
            self.scale(new_index, replicas);
            return;
        }
        if current < replicas {
            let target = self.new_rs_new_replicas(new_index, replicas);
            if target > current {
                self.scale(new_index, target);
                return;
            }
        }
        self.scale_down_old(new_index, replicas);
    }

    fn rollout_recreate(&mut self, new_index: usize, replicas: i32) {
        let olds = self.old_indexes();
        let mut old_running = false;
        for i in olds {
            if spec_replicas(&self.rss[i]) > 0 {
                self.scale(i, 0);
            }
            old_running |= status_replicas(&self.rss[i]) > 0;
        }
        if !old_running && spec_replicas(&self.rss[new_index]) != replicas {
            self.scale(new_index, replicas);
        }
    }

    /// How big the new RS may grow now without passing replicas + maxSurge.
    fn new_rs_new_replicas(&self, new_index: usize, replicas: i32) -> i32 {
        let (surge, _) = fenceposts(self.dep, replicas);
        let current_pods: i32 = self.rss.iter().map(spec_replicas).sum();
        let new_current = spec_replicas(&self.rss[new_index]);
        let max_total = replicas + surge;
        if current_pods >= max_total {
            return new_current;
        }
        new_current
            + (max_total - current_pods)
                .min(replicas - new_current)
                .max(0)
    }

    /// Old ReplicaSets shrink only as far as keeping replicas - maxUnavailable
    /// pods available allows; unavailable old pods go first.
    fn scale_down_old(&mut self, new_index: usize, replicas: i32) {
        let (_, unavailable) = fenceposts(self.dep, replicas);
        let min_available = replicas - unavailable;
        let all_pods: i32 = self.rss.iter().map(spec_replicas).sum();
        let new_rs = &self.rss[new_index];
        let new_unavailable = spec_replicas(new_rs) - available_replicas(new_rs);
        let mut max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return;
        }
        let olds = self.old_indexes();
        for &i in &olds {
            if max_scaled_down <= 0 {
                break;
            }
            let (spec, available) = (
                spec_replicas(&self.rss[i]),
                available_replicas(&self.rss[i]),
            );
            if spec == 0 || spec <= available {
                continue;
            }
            let down = max_scaled_down.min(spec - available);
            self.scale(i, spec - down);
            max_scaled_down -= down;
        }
        let available: i32 = self.rss.iter().map(available_replicas).sum();
        if available <= min_available {
            return;
        }
        let mut remaining = available - min_available;
        for &i in &olds {
            if remaining <= 0 {
                break;
            }
            let spec = spec_replicas(&self.rss[i]);
            if spec == 0 {
                continue;
            }
            let down = spec.min(remaining);
            self.scale(i, spec - down);
            remaining -= down;
        }
    }

    fn scale(&mut self, index: usize, to: i32) {
        let dep_replicas = self.dep.spec.replicas.unwrap_or(1);
        let (surge, _) = fenceposts(self.dep, dep_replicas);
        let rs = &mut self.rss[index];
        let from = spec_replicas(rs);
        let annotations = rs.metadata.annotations.get_or_insert_with(BTreeMap::new);
        annotations.insert(DESIRED_REPLICAS.to_string(), dep_replicas.to_string());
        annotations.insert(MAX_REPLICAS.to_string(), (dep_replicas + surge).to_string());
        rs.spec.replicas = Some(to);
        self.dirty.insert(index);
        if from != to {
            let rs_name = rs.metadata.name.clone().unwrap_or_default();
            let direction = if to > from { "up" } else { "down" };
            self.changes.push(Change::Event(EventRecord::normal(
                object_ref("apps/v1", "Deployment", &self.dep.metadata),
                COMPONENT,
                "ScalingReplicaSet",
                format!("Scaled {direction} replica set {rs_name} from {from} to {to}"),
            )));
        }
    }

    /// Once the rollout is complete, old empty ReplicaSets beyond
    /// revisionHistoryLimit are deleted, oldest first.
    fn cleanup_if_complete(&mut self, replicas: i32) -> bool {
        let Some(new_index) = self.new_index else {
            return false;
        };
        let new_rs = &self.rss[new_index];
        let olds = self.old_indexes();
        let complete = spec_replicas(new_rs) == replicas
            && status_replicas(new_rs) == replicas
            && available_replicas(new_rs) == replicas
            && olds.iter().all(|i| status_replicas(&self.rss[*i]) == 0);
        if !complete {
            return false;
        }
        let limit = self
            .dep
            .spec
            .revision_history_limit
            .unwrap_or(DEFAULT_HISTORY_LIMIT)
            .max(0) as usize;
        let mut empty: Vec<usize> = olds
            .into_iter()
            .filter(|i| spec_replicas(&self.rss[*i]) == 0 && status_replicas(&self.rss[*i]) == 0)
            .collect();
        empty.sort_by_key(|i| revision_of(&self.rss[*i].metadata).unwrap_or(0));
        let excess = empty.len().saturating_sub(limit);
        for i in empty.into_iter().take(excess) {
            self.dirty.remove(&i);
            self.changes.push(Change::Delete {
                kind: "ReplicaSet",
                namespace: self.rss[i].metadata.namespace.clone(),
                name: self.rss[i].metadata.name.clone().unwrap_or_default(),
            });
        }
        true
    }

    fn replica_set_writes(&self) -> Vec<Change> {
        let mut writes = Vec::new();
        for &i in self.created.iter() {
            writes.push(Change::Create {
                kind: "ReplicaSet",
                object: to_wire(&self.rss[i]),
            });
        }
        for &i in self.dirty.iter().filter(|i| !self.created.contains(i)) {
            writes.push(Change::Update {
                kind: "ReplicaSet",
                object: to_wire(&self.rss[i]),
            });
        }
        writes
    }
}

fn is_recreate(dep: &Deployment) -> bool {
    dep.spec.strategy.as_ref().and_then(|s| s.type_.as_deref()) == Some("Recreate")
}

/// (maxSurge, maxUnavailable) as numbers of pods: a surge percentage rounds
/// up, an unavailable one down, and both zero means one may be unavailable.
pub fn fenceposts(dep: &Deployment, replicas: i32) -> (i32, i32) {
    if is_recreate(dep) {
        return (0, 0);
    }
    let rolling = dep
        .spec
        .strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let default = IntOrString::String("25%".to_string());
    let surge = rolling
        .and_then(|r| r.max_surge.as_ref())
        .unwrap_or(&default);
    let unavailable = rolling
        .and_then(|r| r.max_unavailable.as_ref())
        .unwrap_or(&default);
    let surge = scaled(surge, replicas, true);
    let mut unavailable = scaled(unavailable, replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable.min(replicas))
}

fn scaled(value: &IntOrString, total: i32, round_up: bool) -> i32 {
    match value {
        IntOrString::Int(n) => *n,
        IntOrString::String(s) => {
            let pct: f64 = s.trim_end_matches('%').parse().unwrap_or(0.0);
            let exact = pct * f64::from(total) / 100.0;
            (if round_up {
                exact.ceil()
            } else {
                exact.floor()
            }) as i32
        }
    }
}

pub fn revision_of(meta: &ObjectMeta) -> Option<u64> {
    meta.annotations.as_ref()?.get(REVISION)?.parse().ok()
}

#[cfg(test)]
#[path = "deployment_tests.rs"]
mod tests;
