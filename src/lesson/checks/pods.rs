//! `pods`: the pods a label selector matches, how many, in which phase, with
//! which status (what kubectl's STATUS column shows, e.g. `CrashLoopBackOff`)
//! and restarted at least how often.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, and_list, in_namespace, plural};

const POD_PHASES: [&str; 5] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

/// What kubectl's STATUS column shows for a pod: a container's waiting or
/// terminated reason, or else the pod's own reason or phase.
pub const POD_STATUSES: [&str; 20] = [
    "Pending",
    "ContainerCreating",
    "PodInitializing",
    "Running",
    "Terminating",
    "CrashLoopBackOff",
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "Error",
    "Completed",
    "OOMKilled",
    "ContainerStatusUnknown",
    "Evicted",
    "Succeeded",
    "Failed",
    "Unknown",
];

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pods {
    pub selector: String,
    pub namespace: Option<String>,
    /// Exactly this many pods qualify; `None`: at least one.
    pub count: Option<u32>,
    pub phase: Option<String>,
    /// kubectl's STATUS, e.g. `CrashLoopBackOff`.
    pub reason: Option<String>,
    pub min_restarts: Option<u32>,
}

impl CheckSpec for Pods {
    const KEYS: &'static [&'static str] = &[
        "selector",
        "namespace",
        "count",
        "phase",
        "reason",
        "min-restarts",
    ];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let selector = r.string("selector");
        let namespace = r.optional_string("namespace");
        let count = r.optional_integer("count");
        let phase = r.optional_string("phase");
        let phase = r.one_of("phase", phase, &POD_PHASES);
        let reason = r.optional_string("reason");
        let reason = r.one_of("reason", reason, &POD_STATUSES);
        let min_restarts = r.optional_integer("min-restarts");
        Some(Pods {
            selector: selector?,
            namespace,
            count,
            phase,
            reason,
            min_restarts,
        })
    }

    fn explain(&self) -> String {
        let (who, verb) = match self.count {
            Some(1) => ("exactly 1 pod".to_string(), "is"),
            Some(n) => (format!("exactly {n} pods"), "are"),
            None => ("at least one pod".to_string(), "is"),
        };
        let mut states = Vec::new();
        if let Some(phase) = &self.phase {
            states.push(format!("{verb} {phase}"));
        }
        if let Some(reason) = &self.reason {
            states.push(format!("{} the status {reason}", if verb == "is" { "shows" } else { "show" }));
        }
        match self.min_restarts {
            Some(1) => states.push(format!("{} restarted at least once", if verb == "is" { "has" } else { "have" })),
            Some(n) => states.push(format!("{} restarted at least {n} times", if verb == "is" { "has" } else { "have" })),
            None => {}
        }
        let mut sentence = format!(
            "{who} matching the selector {}{}",
            self.selector,
            in_namespace(&self.namespace)
        );
        if states.is_empty() {
            sentence.push_str(&format!(" {}", if verb == "is" { "exists" } else { "exist" }));
        } else {
            sentence.push_str(&format!(" {}", and_list(&states)));
        }
        sentence
    }

    fn describe(&self) -> String {
        let what = match self.count {
            Some(n) => plural(n, "pod", "pods"),
            None => "pods".to_string(),
        };
        let phase = self
            .phase
            .as_ref()
            .map_or(String::new(), |p| format!(" {p}"));
        let mut text = format!(
            "{what}{phase} matching {}{}",
            self.selector,
            in_namespace(&self.namespace)
        );
        if let Some(r) = &self.reason {
            text.push_str(&format!(" with status {r}"));
        }
        match self.min_restarts {
            Some(1) => text.push_str(", restarted at least once"),
            Some(n) => text.push_str(&format!(", restarted at least {n} times")),
            None => {}
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::Pods;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn reads_like_the_pods_it_waits_for() {
        let running = Pods {
            selector: "app=hello".into(),
            count: Some(3),
            phase: Some("Running".into()),
            ..Pods::default()
        };
        assert_eq!(sentence(running), "3 pods Running matching app=hello");
        let looping = Pods {
            selector: "app=trino".into(),
            count: Some(1),
            reason: Some("CrashLoopBackOff".into()),
            min_restarts: Some(1),
            ..Pods::default()
        };
        assert_eq!(
            sentence(looping),
            "1 pod matching app=trino with status CrashLoopBackOff, restarted at least once"
        );
    }
}
