//! `pods`: watches the pods a label selector matches. What kubectl's STATUS
//! and RESTARTS columns show for a pod, and whether the matching pods are as
//! many, in the phase and in the status the check asks for.

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::runtime::watcher;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, watch};
use crate::lesson::checks::Pods;

impl Evaluate for Pods {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let api = watch::namespaced::<Pod>(watch::client(ctx)?, self.namespace.as_deref());
        let config = watcher::Config::default().labels(&self.selector);
        watch::drive(api, config, timeout, |seen| {
            let pods: Vec<Pod> = seen.values().cloned().collect();
            evaluate(self, &pods)
        })
        .await
    }
}

fn pod_phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

/// What kubectl's STATUS column shows for a pod: the first container's waiting
/// or terminated reason, else the pod's own reason or its phase; `Terminating`
/// once it is being deleted.
fn pod_status(pod: &Pod) -> String {
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
fn pod_restarts(pod: &Pod) -> u32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|cs| u32::try_from(cs.restart_count).unwrap_or(0))
        .sum()
}

fn evaluate(want: &Pods, pods: &[Pod]) -> Evaluation {
    let selector = &want.selector;
    let qualifies = |p: &Pod| {
        want.phase
            .as_deref()
            .is_none_or(|ph| pod_phase(p).eq_ignore_ascii_case(ph))
            && want.reason.as_deref().is_none_or(|r| pod_status(p) == r)
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
    use crate::check::kinds::tests::fixture;

    fn count_phase(selector: &str, count: Option<u32>, phase: Option<&str>) -> Pods {
        Pods {
            selector: selector.to_string(),
            count,
            phase: phase.map(str::to_string),
            ..Pods::default()
        }
    }

    #[test]
    fn pods_match_count_and_phase() {
        let pods_seen: Vec<Pod> = fixture("pods-mixed.yaml");
        let sel = "component=worker";
        assert!(evaluate(&count_phase(sel, Some(1), Some("Running")), &pods_seen).holds);
        assert!(!evaluate(&count_phase(sel, Some(2), Some("Running")), &pods_seen).holds);
        assert!(evaluate(&count_phase(sel, Some(2), None), &pods_seen).holds);
        let none = evaluate(&count_phase(sel, None, Some("Running")), &[]);
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
        let looping = Pods {
            selector: "component=coordinator".to_string(),
            count: Some(1),
            reason: Some("CrashLoopBackOff".to_string()),
            ..Pods::default()
        };
        let eval = evaluate(&looping, &seen);
        assert!(eval.holds, "{}", eval.seen);
        assert!(
            eval.seen.contains("CrashLoopBackOff with 3 restarts"),
            "{}",
            eval.seen
        );
        // Restarts are counted over the pod's containers.
        let restarted_often = Pods {
            min_restarts: Some(3),
            ..looping.clone()
        };
        assert!(evaluate(&restarted_often, &seen).holds);
        let restarted_more = Pods {
            min_restarts: Some(4),
            ..looping.clone()
        };
        let eval = evaluate(&restarted_more, &seen);
        assert!(!eval.holds, "{}", eval.seen);
        // Restarts alone: two pods have restarted at least once.
        let any_restart = Pods {
            selector: looping.selector.clone(),
            count: Some(2),
            min_restarts: Some(1),
            ..Pods::default()
        };
        assert!(evaluate(&any_restart, &seen).holds);
        // Phase and status together: the crash-looping pod is still Running.
        let running_but_looping = Pods {
            phase: Some("Running".to_string()),
            ..looping.clone()
        };
        assert!(evaluate(&running_but_looping, &seen).holds);
        // No pod is in a status nobody has.
        let pulling = Pods {
            selector: looping.selector.clone(),
            reason: Some("ImagePullBackOff".to_string()),
            ..Pods::default()
        };
        assert!(!evaluate(&pulling, &seen).holds);
    }
}
