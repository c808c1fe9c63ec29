//! The simulated EKS service: clusters and managed nodegroups with their
//! CREATING → ACTIVE → DELETING → gone life cycle on an injected [`Clock`],
//! served over the REST-JSON protocol that aws-sdk-eks and the `aws` CLI
//! speak, with events the rest of the dry-run world reacts to.
//!
//! Requests are never authenticated: any credentials and any SigV4 signature
//! are accepted unchecked, because the simulator runs on 127.0.0.1 for one
//! learner and holds nothing secret. One endpoint serves one region.

mod api_error;
mod http;
pub mod naming;
mod nodegroups;
mod records;
mod saved;
mod shapes;
mod state;

use std::time::Duration;

pub use api_error::{EksApiError, EksErrorKind};
pub use http::{EksServer, router};
pub use records::{
    ClusterSummary, CreateClusterRequest, CreateNodegroupRequest, NodegroupSummary, ScalingConfig,
};
pub use saved::EksSnapshot;
pub use state::EksState;

#[cfg(doc)]
use crate::sim::Clock;

/// How the simulated service behaves.
#[derive(Debug, Clone, PartialEq)]
pub struct EksConfig {
    pub region: String,
    pub account_id: String,
    /// Kubernetes versions CreateCluster accepts.
    pub supported_versions: Vec<String>,
    /// Used when CreateCluster names no version.
    pub default_version: String,
    pub durations: EksDurations,
    /// Reported as the cluster's API server endpoint (the simulated
    /// Kubernetes API server, when there is one).
    pub cluster_endpoint: Option<String>,
}

impl Default for EksConfig {
    fn default() -> Self {
        Self {
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            supported_versions: ["1.31", "1.32", "1.33"].map(String::from).to_vec(),
            default_version: "1.32".into(),
            durations: EksDurations::default(),
            cluster_endpoint: None,
        }
    }
}

/// How long each transition takes in simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksDurations {
    pub cluster_create: Duration,
    pub cluster_delete: Duration,
    pub nodegroup_create: Duration,
    pub nodegroup_delete: Duration,
}

impl Default for EksDurations {
    /// Close to what real EKS takes.
    fn default() -> Self {
        Self {
            cluster_create: Duration::from_secs(9 * 60),
            cluster_delete: Duration::from_secs(3 * 60),
            nodegroup_create: Duration::from_secs(3 * 60),
            nodegroup_delete: Duration::from_secs(6 * 60),
        }
    }
}

impl EksDurations {
    /// Every transition takes `d`.
    pub fn uniform(d: Duration) -> Self {
        Self {
            cluster_create: d,
            cluster_delete: d,
            nodegroup_create: d,
            nodegroup_delete: d,
        }
    }
}

/// Something that happened in the simulated EKS, for the world to react to
/// (a nodegroup turning ACTIVE should make Ready nodes appear).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EksEvent {
    ClusterActive {
        cluster: String,
        version: String,
    },
    NodegroupActive {
        cluster: String,
        nodegroup: String,
        /// The nodegroup's Kubernetes version, e.g. `1.21` (see
        /// [`naming::kubelet_version`] for what the nodes report).
        version: String,
        desired: u32,
        instance_type: String,
        /// The names the nodes should get (see [`naming::node_names`]; node
        /// `i` lives in [`naming::node_zone`]`(region, i)`).
        node_names: Vec<String>,
    },
    NodegroupDeleted {
        cluster: String,
        nodegroup: String,
    },
    ClusterDeleted {
        cluster: String,
    },
}

/// Failures of the simulated service itself (not API errors).
#[derive(Debug, thiserror::Error)]
pub enum EksError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
}

#[cfg(test)]
mod tests;
