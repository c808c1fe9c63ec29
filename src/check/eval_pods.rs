//! Pure evaluation of `pods` checks: what kubectl's STATUS and RESTARTS
//! columns show for a pod, and whether the pods a selector matches are as many,
//! in the phase and in the status the check asks for.

use k8s_openapi::api::core::v1::Pod;

use super::eval::Evaluation;

pub fn pod_phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

/// What kubectl's STATUS column shows for a pod: the first container's waiting
/// or terminated reason, else the pod's own reason or its phase; `Terminating`
/// once it is being deleted.
pub fn pod_status(pod: &Pod) -> String {
    if pod.metadata.deletion_timestamp.is_some() {
        return "Terminating".to_string();
    }
    let status = pod.status.as_ref();
    let mut shown = status
        .and_then(|s| s.reason.clone())
        .unwrap_or_else(|| pod_phase(pod).to_string());
    let containers = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default();
    // kubectl walks the containers from the last to the first, so the first
    // container with a reason is the one shown.
    for cs in containers.iter().rev() {
        let Some(state) = cs.state.as_ref() else {
            continue;
        };
        if let Some(reason) = state.waiting.as_ref().and_then(|w| w.reason.clone())
            && !reason.is_empty()
        {
            shown = reason;
        } else if let Some(t) = state.terminated.as_ref() {
            shown = match (&t.reason, t.signal) {
                (Some(reason), _) if !reason.is_empty() => reason.clone(),
                (_, Some(signal)) if signal != 0 => format!("Signal:{signal}"),
                _ => format!("ExitCode:{}", t.exit_code),
            };
        }
    }
    shown
}

/// How often the pod's containers have restarted, summed (kubectl's RESTARTS).
pub fn pod_restarts(pod: &Pod) -> u32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|cs| u32::try_from(cs.restart_count).unwrap_or(0))
        .sum()
}

/// What a `pods` check asks of the pods its selector matches.
#[derive(Debug, Clone, Copy, Default)]
pub struct PodsWant<'a> {
    /// Exactly this many pods qualify; `None`: at least one.
    pub count: Option<u32>,
    pub phase: Option<&'a str>,
    /// kubectl's STATUS, e.g. `CrashLoopBackOff`.
    pub reason: Option<&'a str>,
    pub min_restarts: Option<u32>,
}

pub fn pods(selector: &str, pods: &[Pod], want: &PodsWant<'_>) -> Evaluation {
    let qualifies = |p: &Pod| {
        want.phase
            .is_none_or(|ph| pod_phase(p).eq_ignore_ascii_case(ph))
            && want.reason.is_none_or(|r| pod_status(p) == r)
            && want.min_restarts.is_none_or(|n| pod_restarts(p) >= n)
    };
    let qualifying = pods.iter().filter(|p| qualifies(p)).count();
    let holds = match want.count {
        Some(c) => qualifying == c as usize,
        None => qualifying > 0,
    };
    let mut phases: Vec<&str> = pods.iter().map(pod_phase).collect();
    phases.sort_unstable();
    let summary = if phases.is_empty() {
        "none".to_string()
    } else {
        phases.join(", ")
    };
    let mut seen = format!(
        "{} pod(s) match {selector:?} (phases: {summary}",
        pods.len()
    );
    if want.reason.is_some() || want.min_restarts.is_some() {
        let mut statuses: Vec<String> = pods
            .iter()
            .map(|p| {
                let restarts = pod_restarts(p);
                let word = if restarts == 1 { "restart" } else { "restarts" };
                format!("{} with {restarts} {word}", pod_status(p))
            })
            .collect();
        statuses.sort_unstable();
        if !statuses.is_empty() {
            seen.push_str(&format!("; status: {}", statuses.join(", ")));
        }
    }
    seen.push(')');
    Evaluation::new(holds, seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::eval::tests::fixture;

    fn count_phase(count: Option<u32>, phase: Option<&str>) -> PodsWant<'_> {
        PodsWant {
            count,
            phase,
            ..PodsWant::default()
        }
    }

    #[test]
    fn pods_match_count_and_phase() {
        let pods_seen: Vec<Pod> = fixture("pods-mixed.yaml");
        let sel = "component=worker";
        assert!(pods(sel, &pods_seen, &count_phase(Some(1), Some("Running"))).holds);
        assert!(!pods(sel, &pods_seen, &count_phase(Some(2), Some("Running"))).holds);
        assert!(pods(sel, &pods_seen, &count_phase(Some(2), None)).holds);
        let none = pods(sel, &[], &count_phase(None, Some("Running")));
        assert!(!none.holds);
        assert_eq!(
            none.seen,
            "0 pod(s) match \"component=worker\" (phases: none)"
        );
    }

    #[test]
    fn pod_status_reads_like_kubectls_status_column() {
        let seen: Vec<Pod> = fixture("pods-crashloop.yaml");
        let statuses: Vec<String> = seen.iter().map(pod_status).collect();
        assert_eq!(
            statuses,
            [
                "CrashLoopBackOff",
                "ContainerCreating",
                "Running",
                "Error",
                "Terminating"
            ]
        );
        let restarts: Vec<u32> = seen.iter().map(pod_restarts).collect();
        assert_eq!(restarts, [3, 0, 0, 1, 0]);
    }

    #[test]
    fn pods_can_wait_for_a_crash_loop_and_its_restarts() {
        let seen: Vec<Pod> = fixture("pods-crashloop.yaml");
        let sel = "component=coordinator";
        let looping = PodsWant {
            count: Some(1),
            reason: Some("CrashLoopBackOff"),
            ..PodsWant::default()
        };
        let eval = pods(sel, &seen, &looping);
        assert!(eval.holds, "{}", eval.seen);
        assert!(
            eval.seen.contains("CrashLoopBackOff with 3 restarts"),
            "{}",
            eval.seen
        );
        // Restarts are counted over the pod's containers.
        let restarted_often = PodsWant {
            min_restarts: Some(3),
            ..looping
        };
        assert!(pods(sel, &seen, &restarted_often).holds);
        let restarted_more = PodsWant {
            min_restarts: Some(4),
            ..looping
        };
        let eval = pods(sel, &seen, &restarted_more);
        assert!(!eval.holds, "{}", eval.seen);
        // Restarts alone: two pods have restarted at least once.
        let any_restart = PodsWant {
            count: Some(2),
            min_restarts: Some(1),
            ..PodsWant::default()
        };
        assert!(pods(sel, &seen, &any_restart).holds);
        // Phase and status together: the crash-looping pod is still Running.
        let running_but_looping = PodsWant {
            phase: Some("Running"),
            ..looping
        };
        assert!(pods(sel, &seen, &running_but_looping).holds);
        // No pod is in a status nobody has.
        let pulling = PodsWant {
            count: None,
            reason: Some("ImagePullBackOff"),
            ..PodsWant::default()
        };
        assert!(!pods(sel, &seen, &pulling).holds);
    }
}
