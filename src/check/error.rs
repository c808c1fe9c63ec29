//! Why a check did not pass.

use std::time::Duration;

use crate::lesson::OBJECT_KINDS;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The condition did not hold in time.
    #[error("timed out after {}; last seen: {last_seen}", humanize(.after))]
    TimedOut { after: Duration, last_seen: String },
    /// What the check saw cannot come to hold by waiting.
    #[error("{seen}")]
    WillNotHold { seen: String },
    /// The API server closed the watch before the condition held.
    #[error("the watch ended; last seen: {last_seen}")]
    WatchEnded { last_seen: String },
    #[error("no Kubernetes cluster is configured for this backend")]
    NoCluster,
    #[error("EKS checks need an EKS endpoint, and none is configured for this backend")]
    NoEksEndpoint,
    /// The AWS configuration or credentials for real EKS could not be loaded.
    #[error("{0}")]
    Aws(String),
    /// An `absent` check names a resource the object kinds table lacks.
    #[error("unknown resource {resource:?}; known: {}", known_resources())]
    UnknownResource { resource: String },
    /// An `absent` check of an EKS cluster without the cluster's name.
    #[error("an EKS cluster is found by its name, and this check gives none")]
    EksClusterWithoutName,
    #[error("{url:?} is not a URL: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("cannot build a client for {url}: {reason}")]
    Client { url: String, reason: String },
}

fn known_resources() -> String {
    let names: Vec<&str> = OBJECT_KINDS.iter().map(|k| k.name).collect();
    names.join(", ")
}

/// `800ms`, `90s`, `5m`, `2m30s`: how long a check waited.
pub(crate) fn humanize(d: &Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        1..=119 => format!("{secs}s"),
        _ if secs.is_multiple_of(60) => format!("{}m", secs / 60),
        _ => format!("{}m{}s", secs / 60, secs % 60),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_timeout_says_how_long_and_what_was_seen_last() {
        let error = CheckError::TimedOut {
            after: Duration::from_secs(150),
            last_seen: "1 of 2 node(s) Ready (want 2)".into(),
        };
        assert_eq!(
            error.to_string(),
            "timed out after 2m30s; last seen: 1 of 2 node(s) Ready (want 2)"
        );
        assert_eq!(humanize(&Duration::from_millis(800)), "800ms");
        assert_eq!(humanize(&Duration::from_secs(90)), "90s");
        assert_eq!(humanize(&Duration::from_secs(300)), "5m");
    }
}
