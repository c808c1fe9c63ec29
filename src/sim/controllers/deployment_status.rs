//! A Deployment's status: replica counts summed over its ReplicaSets and
//! the Available and Progressing conditions that `kubectl rollout status`
//! and `await_condition` read.

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet};

use super::change::time;
use super::deployment::fenceposts;

/// Where the rollout stands, as the sync found it.
pub(super) struct Progress {
    pub replicas: i32,
    pub created: bool,
    pub complete: bool,
    pub paused: bool,
}

pub(super) fn deployment_status(
    dep: &Deployment,
    rss: &[ReplicaSet],
    new_index: Option<usize>,
    progress: Progress,
    now: Timestamp,
) -> DeploymentStatus {
    let Progress {
        replicas,
        created,
        complete,
        paused,
    } = progress;
    let old = dep.status.clone().unwrap_or_default();
    let new_rs = new_index.map(|i| &rss[i]);
    let total_spec: i32 = rss.iter().map(spec_replicas).sum();
    let available: i32 = rss.iter().map(available_replicas).sum();
    let (_, max_unavailable) = fenceposts(dep, replicas);
    let new_name = new_rs
        .and_then(|rs| rs.metadata.name.clone())
        .unwrap_or_default();

    let mut conditions = old.conditions.clone().unwrap_or_default();
    let (status, reason, message) = if available >= replicas - max_unavailable {
        (
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    } else {
        (
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    set_condition(
        &mut conditions,
        "Available",
        status,
        reason,
        message.to_string(),
        now,
    );
    if paused {
        set_condition(
            &mut conditions,
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".to_string(),
            now,
        );
    } else if complete {
        set_condition(
            &mut conditions,
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            format!("ReplicaSet \"{new_name}\" has successfully progressed."),
            now,
        );
    } else if created {
        set_condition(
            &mut conditions,
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            format!("Created new replica set \"{new_name}\""),
            now,
        );
    } else if new_rs.is_some() {
        set_condition(
            &mut conditions,
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            format!("ReplicaSet \"{new_name}\" is progressing."),
            now,
        );
    }
    // Kubernetes lists Available before Progressing.
    conditions.sort_by_key(|c| c.type_.as_deref() != Some("Available"));

    let positive = |v: i32| (v > 0).then_some(v);
    DeploymentStatus {
        observed_generation: dep.metadata.generation,
        replicas: positive(rss.iter().map(status_replicas).sum()),
        updated_replicas: positive(new_rs.map_or(0, status_replicas)),
        ready_replicas: positive(
            rss.iter()
                .map(|rs| {
                    rs.status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0)
                })
                .sum(),
        ),
        available_replicas: positive(available),
        unavailable_replicas: positive(total_spec - available),
        conditions: Some(conditions),
        collision_count: old.collision_count,
        terminating_replicas: None,
    }
}

fn set_condition(
    conditions: &mut Vec<DeploymentCondition>,
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Timestamp,
) {
    let now = time(now);
    match conditions
        .iter_mut()
        .find(|c| c.type_.as_deref() == Some(type_))
    {
        Some(c) => {
            if c.status.as_deref() != Some(status) {
                c.status = Some(status.to_string());
                c.last_transition_time = Some(now.clone());
            }
            if c.reason.as_deref() != Some(reason) || c.message.as_ref() != Some(&message) {
                c.reason = Some(reason.to_string());
                c.message = Some(message);
                c.last_update_time = Some(now);
            }
        }
        None => conditions.push(DeploymentCondition {
            type_: Some(type_.to_string()),
            status: Some(status.to_string()),
            reason: Some(reason.to_string()),
            message: Some(message),
            last_transition_time: Some(now.clone()),
            last_update_time: Some(now),
        }),
    }
}

pub(super) fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(1)
}

pub(super) fn status_replicas(rs: &ReplicaSet) -> i32 {
    rs.status.as_ref().map_or(0, |s| s.replicas)
}

pub(super) fn available_replicas(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}
