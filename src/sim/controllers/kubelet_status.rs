//! What the kubelet reports: pod phase and conditions derived from the
//! container states, container images as containerd names them, and the
//! crash-loop back-off.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateWaiting, ContainerStatus, PodCondition, PodStatus,
};
use rand::Rng;
use sha2::{Digest, Sha256};

use super::change::time;

const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Phase and the pod conditions follow from the container states.
pub(super) fn summarise(status: &mut PodStatus, now: Timestamp) {
    let statuses = status.container_statuses.clone().unwrap_or_default();
    let all_ready = !statuses.is_empty() && statuses.iter().all(|c| c.ready);
    let all_terminated = !statuses.is_empty()
        && statuses
            .iter()
            .all(|c| c.state.as_ref().is_some_and(|s| s.terminated.is_some()));
    let any_running = statuses
        .iter()
        .any(|c| c.state.as_ref().is_some_and(|s| s.running.is_some()) || c.last_state.is_some());
    status.phase = Some(
        if all_terminated {
            let failed = statuses.iter().any(|c| {
                c.state
                    .as_ref()
                    .and_then(|s| s.terminated.as_ref())
                    .is_some_and(|t| t.exit_code != 0)
            });
            if failed { "Failed" } else { "Succeeded" }
        } else if any_running {
            "Running"
        } else {
            "Pending"
        }
        .to_string(),
    );
    let unready: Vec<&str> = statuses
        .iter()
        .filter(|c| !c.ready)
        .map(|c| c.name.as_str())
        .collect();
    let not_ready =
        (!all_ready).then(|| format!("containers with unready status: [{}]", unready.join(" ")));
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    set_condition(conditions, "PodReadyToStartContainers", true, None, now);
    set_condition(conditions, "Initialized", true, None, now);
    set_condition(conditions, "Ready", all_ready, not_ready.clone(), now);
    set_condition(conditions, "ContainersReady", all_ready, not_ready, now);
    set_condition(conditions, "PodScheduled", true, None, now);
    const ORDER: [&str; 5] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    conditions.sort_by_key(|c| {
        ORDER
            .iter()
            .position(|o| *o == c.type_)
            .unwrap_or(ORDER.len())
    });
}

fn set_condition(
    conditions: &mut Vec<PodCondition>,
    type_: &str,
    ok: bool,
    message: Option<String>,
    now: Timestamp,
) {
    let status = if ok { "True" } else { "False" };
    let reason = (!ok && message.is_some()).then(|| "ContainersNotReady".to_string());
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) if c.status == status && c.message == message => {}
        Some(c) => {
            if c.status != status {
                c.last_transition_time = Some(time(now));
            }
            c.status = status.to_string();
            c.reason = reason;
            c.message = message;
        }
        None => conditions.push(PodCondition {
            type_: type_.to_string(),
            status: status.to_string(),
            reason,
            message,
            last_transition_time: Some(time(now)),
            ..PodCondition::default()
        }),
    }
}

pub(super) fn waiting(reason: &str, message: Option<String>) -> ContainerState {
    ContainerState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.to_string()),
            message,
        }),
        ..ContainerState::default()
    }
}

pub(super) fn terminated_at(cs: &ContainerStatus) -> Option<Timestamp> {
    Some(
        cs.last_state
            .as_ref()?
            .terminated
            .as_ref()?
            .finished_at
            .as_ref()?
            .0,
    )
}

/// 10s, 20s, 40s ... capped at five minutes, as the kubelet backs off.
pub fn backoff(restart_count: i32) -> Duration {
    let exp = u32::try_from(restart_count.clamp(0, 10)).expect("clamped to 0..=10");
    (Duration::from_secs(10) * 2u32.pow(exp)).min(MAX_BACKOFF)
}

/// "nginx" -> "docker.io/library/nginx:latest", as container statuses show.
pub fn normalise_image(image: &str) -> String {
    let (name, has_tag) = match image.rsplit_once('/') {
        Some((_, last)) => (image.to_string(), last.contains(':') || last.contains('@')),
        None => (
            image.to_string(),
            image.contains(':') || image.contains('@'),
        ),
    };
    let first = name.split('/').next().unwrap_or_default();
    let has_registry =
        name.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let qualified = match (has_registry, name.contains('/')) {
        (true, _) => name,
        (false, true) => format!("docker.io/{name}"),
        (false, false) => format!("docker.io/library/{name}"),
    };
    if has_tag {
        qualified
    } else {
        format!("{qualified}:latest")
    }
}

pub(super) fn image_id(image: &str) -> String {
    let repo = image.split('@').next().unwrap_or(image);
    let repo = match repo.rsplit_once(':') {
        Some((r, tag)) if !tag.contains('/') => r,
        _ => repo,
    };
    let digest = Sha256::digest(image.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{repo}@sha256:{hex}")
}

pub(super) fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).expect("below 16"))
        .collect()
}
