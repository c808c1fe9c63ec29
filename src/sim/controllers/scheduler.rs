//! The scheduler: binds pending pods to Ready nodes with room for their
//! requests, or leaves them Pending with the reasons Kubernetes gives.
//! Among the nodes that fit, it prefers the least allocated one, as the
//! default scheduler's scoring does, so replicas spread over empty nodes.

use std::collections::BTreeMap;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Node, Pod, PodCondition, PodSpec, Taint, Toleration};

use super::change::{Change, EventRecord, object_ref, time, to_wire};
use super::pods;
use super::resources::Resources;

const COMPONENT: &str = "default-scheduler";

/// What a container that requests no CPU counts as when nodes are scored
/// (not when they are checked for room), as the default scheduler does.
const SCORING_CPU_MILLIS: i64 = 100;
/// The same for memory: 200Mi.
const SCORING_MEMORY_BYTES: i64 = 200 * 1024 * 1024;

/// Room left on a node as the scheduler sees it.
struct Candidate<'a> {
    node: &'a Node,
    name: String,
    allocatable: Resources,
    max_pods: i64,
    used: Resources,
    /// What the placed pods count as for scoring.
    scored: Resources,
    pods: i64,
}

/// Binds every unscheduled pod it can, in creation order.
pub fn schedule(all_pods: &[Pod], nodes: &[Node], now: Timestamp) -> Vec<Change> {
    let mut candidates: Vec<Candidate> = nodes.iter().map(|n| candidate(n, all_pods)).collect();
    let mut pending: Vec<&Pod> = all_pods
        .iter()
        .filter(|p| pods::node_name(p).is_none() && p.metadata.deletion_timestamp.is_none())
        .filter(|p| pods::phase(p) == "Pending")
        .collect();
    pending.sort_by(|a, b| {
        (&a.metadata.creation_timestamp, &a.metadata.name)
            .cmp(&(&b.metadata.creation_timestamp, &b.metadata.name))
    });
    let mut changes = Vec::new();
    for pod in pending {
        let spec = pod.spec.clone().unwrap_or_default();
        let wants = Resources::requested_by(&spec);
        let scored = scoring_requests(&spec);
        let mut failures: BTreeMap<String, usize> = BTreeMap::new();
        let mut resource_failures = 0;
        let mut best: Option<(i64, usize)> = None;
        for (i, c) in candidates.iter().enumerate() {
            let reasons = misfits(c, pod, wants);
            if reasons.is_empty() {
                let score = c.least_allocated_score(scored);
                // Ties go to the node whose name sorts first, so a test
                // sees the same placement every run.
                let better = best
                    .is_none_or(|(s, b)| score > s || (score == s && c.name < candidates[b].name));
                if better {
                    best = Some((score, i));
                }
            } else {
                if reasons
                    .iter()
                    .all(|r| r.starts_with("Insufficient") || r == "Too many pods")
                {
                    resource_failures += 1;
                }
                for r in reasons {
                    *failures.entry(r).or_default() += 1;
                }
            }
        }
        match best {
            Some((_, i)) => {
                let c = &mut candidates[i];
                c.used = c.used + wants;
                c.scored = c.scored + scored;
                c.pods += 1;
                changes.extend(bind(pod, &c.name, now));
            }
            None => changes.extend(unschedulable(
                pod,
                nodes.len(),
                &failures,
                resource_failures,
                now,
            )),
        }
    }
    changes
}

fn candidate<'a>(node: &'a Node, all_pods: &[Pod]) -> Candidate<'a> {
    let name = node.metadata.name.clone().unwrap_or_default();
    let allocatable = node.status.as_ref().and_then(|s| s.allocatable.as_ref());
    let on_node = all_pods
        .iter()
        .filter(|p| pods::node_name(p) == Some(name.as_str()) && pods::is_active(p));
    let (used, scored, count) = on_node.fold(
        (Resources::default(), Resources::default(), 0),
        |(used, scored, n), p| {
            let spec = p.spec.clone().unwrap_or_default();
            (
                used + Resources::requested_by(&spec),
                scored + scoring_requests(&spec),
                n + 1,
            )
        },
    );
    Candidate {
        node,
        allocatable: Resources::from_list(allocatable),
        max_pods: allocatable
            .and_then(|a| a.get("pods"))
            .and_then(|q| q.0.parse().ok())
            .unwrap_or(110),
        used,
        scored,
        pods: count,
        name,
    }
}

impl Candidate<'_> {
    /// The least-allocated score (0..=100) after placing the pod: for cpu
    /// and memory, the share of the node left free, averaged. Higher spreads.
    fn least_allocated_score(&self, wants: Resources) -> i64 {
        let free = |requested: i64, capacity: i64| {
            if capacity <= 0 || requested > capacity {
                0
            } else {
                (capacity - requested) * 100 / capacity
            }
        };
        let after = self.scored + wants;
        (free(after.cpu_millis, self.allocatable.cpu_millis)
            + free(after.memory_bytes, self.allocatable.memory_bytes))
            / 2
    }
}

/// A pod's requests as scoring counts them: each container's own, with
/// 100m CPU and 200Mi memory for a container that requests none.
fn scoring_requests(spec: &PodSpec) -> Resources {
    spec.containers
        .iter()
        .map(|c| {
            let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
            let own = Resources::from_list(requests);
            let has = |key: &str| requests.is_some_and(|r| r.contains_key(key));
            Resources {
                cpu_millis: if has("cpu") {
                    own.cpu_millis
                } else {
                    SCORING_CPU_MILLIS
                },
                memory_bytes: if has("memory") {
                    own.memory_bytes
                } else {
                    SCORING_MEMORY_BYTES
                },
            }
        })
        .fold(Resources::default(), |a, b| a + b)
}

/// Why a pod cannot go on a node, worded as the scheduler words it.
fn misfits(c: &Candidate, pod: &Pod, wants: Resources) -> Vec<String> {
    let spec = pod.spec.clone().unwrap_or_default();
    let node_spec = c.node.spec.clone().unwrap_or_default();
    let tolerations = spec.tolerations.clone().unwrap_or_default();
    if node_spec.unschedulable == Some(true) {
        return vec!["node(s) were unschedulable".to_string()];
    }
    let ready = c
        .node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|cond| cond.type_ == "Ready" && cond.status == "True")
        });
    if !ready {
        return vec!["node(s) had untolerated taint {node.kubernetes.io/not-ready: }".to_string()];
    }
    if let Some(taint) = node_spec.taints.iter().flatten().find(|t| {
        matches!(t.effect.as_str(), "NoSchedule" | "NoExecute")
            && !tolerations.iter().any(|tol| tolerates(tol, t))
    }) {
        return vec![format!(
            "node(s) had untolerated taint {{{}: {}}}",
            taint.key,
            taint.value.as_deref().unwrap_or("")
        )];
    }
    let node_labels = c.node.metadata.labels.clone().unwrap_or_default();
    if let Some(selector) = spec.node_selector.as_ref()
        && !selector.iter().all(|(k, v)| node_labels.get(k) == Some(v))
    {
        return vec!["node(s) didn't match Pod's node affinity/selector".to_string()];
    }
    let mut reasons = Vec::new();
    if c.pods + 1 > c.max_pods {
        reasons.push("Too many pods".to_string());
    }
    if c.used.cpu_millis + wants.cpu_millis > c.allocatable.cpu_millis {
        reasons.push("Insufficient cpu".to_string());
    }
    if c.used.memory_bytes + wants.memory_bytes > c.allocatable.memory_bytes {
        reasons.push("Insufficient memory".to_string());
    }
    reasons
}

fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect_ok = toleration
        .effect
        .as_deref()
        .is_none_or(|e| e.is_empty() || e == taint.effect);
    let key_ok = toleration
        .key
        .as_deref()
        .is_none_or(|k| k.is_empty() || k == taint.key);
    let value_ok = match toleration.operator.as_deref() {
        Some("Exists") => true,
        _ => toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
    };
    effect_ok && key_ok && value_ok
}

fn bind(pod: &Pod, node: &str, now: Timestamp) -> Vec<Change> {
    let mut bound = pod.clone();
    bound.spec.get_or_insert_with(Default::default).node_name = Some(node.to_string());
    let mut with_status = bound.clone();
    set_scheduled(&mut with_status, "True", None, None, now);
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    vec![
        Change::Update {
            kind: "Pod",
            object: to_wire(&bound),
        },
        Change::UpdateStatus {
            kind: "Pod",
            object: to_wire(&with_status),
        },
        Change::Event(EventRecord::normal(
            object_ref("v1", "Pod", &pod.metadata),
            COMPONENT,
            "Scheduled",
            format!("Successfully assigned {ns}/{name} to {node}"),
        )),
    ]
}

/// The FailedScheduling message: "0/2 nodes are available: 2 Insufficient
/// cpu. preemption: ...", with reasons sorted as the scheduler sorts them.
pub fn failure_message(
    node_count: usize,
    failures: &BTreeMap<String, usize>,
    resource_failures: usize,
) -> String {
    if node_count == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let mut reasons: Vec<String> = failures.iter().map(|(r, n)| format!("{n} {r}")).collect();
    reasons.sort();
    let mut preemption = Vec::new();
    if resource_failures > 0 {
        preemption.push(format!(
            "{resource_failures} No preemption victims found for incoming pod"
        ));
    }
    if node_count > resource_failures {
        preemption.push(format!(
            "{} Preemption is not helpful for scheduling",
            node_count - resource_failures
        ));
    }
    preemption.sort();
    format!(
        "0/{node_count} nodes are available: {}. preemption: 0/{node_count} nodes are available: {}.",
        reasons.join(", "),
        preemption.join(", ")
    )
}

fn unschedulable(
    pod: &Pod,
    node_count: usize,
    failures: &BTreeMap<String, usize>,
    resource_failures: usize,
    now: Timestamp,
) -> Vec<Change> {
    let message = failure_message(node_count, failures, resource_failures);
    let current = pods::condition(pod, "PodScheduled");
    if current.is_some_and(|c| c.status == "False" && c.message.as_deref() == Some(&message)) {
        return Vec::new();
    }
    let mut updated = pod.clone();
    set_scheduled(
        &mut updated,
        "False",
        Some("Unschedulable"),
        Some(message.clone()),
        now,
    );
    vec![
        Change::UpdateStatus {
            kind: "Pod",
            object: to_wire(&updated),
        },
        Change::Event(EventRecord::warning(
            object_ref("v1", "Pod", &pod.metadata),
            COMPONENT,
            "FailedScheduling",
            message,
        )),
    ]
}

fn set_scheduled(
    pod: &mut Pod,
    status: &str,
    reason: Option<&str>,
    message: Option<String>,
    now: Timestamp,
) {
    let st = pod.status.get_or_insert_with(Default::default);
    st.phase.get_or_insert_with(|| "Pending".to_string());
    let conditions = st.conditions.get_or_insert_with(Vec::new);
    conditions.retain(|c| c.type_ != "PodScheduled");
    conditions.push(PodCondition {
        type_: "PodScheduled".to_string(),
        status: status.to_string(),
        reason: reason.map(str::to_string),
        message,
        last_transition_time: Some(time(now)),
        ..PodCondition::default()
    });
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
