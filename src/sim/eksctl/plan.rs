//! What a plan is made of: the world's actions, the builder that places
//! lines and actions at offsets into a real run, and what the three plans
//! share (version checks, stable pseudo-random ids).

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::create::plan_create;
use super::delete::plan_delete;
use super::get::{plan_get, plan_get_nodegroup};
use super::{
    EksctlCommand, EksctlEnv, EksctlError, ExistingCluster, OutputLine, Plan, PlanItem, PlanStep,
};

/// What the dry-run world does at a point of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanAction {
    /// CreateCluster in the EKS endpoint.
    CreateCluster {
        name: String,
        region: String,
        version: String,
    },
    /// Wait until DescribeCluster says ACTIVE.
    AwaitClusterActive {
        name: String,
    },
    /// CreateNodegroup in the EKS endpoint.
    CreateNodegroup {
        cluster: String,
        nodegroup: String,
        instance_type: String,
        desired: u32,
        min: u32,
        max: u32,
        volume_size: u32,
    },
    /// Wait until DescribeNodegroup says ACTIVE.
    AwaitNodegroupActive {
        cluster: String,
        nodegroup: String,
    },
    /// Write a kubeconfig entry for the cluster and make it current.
    WriteKubeconfig {
        cluster_entry: String,
        context: String,
        user_entry: String,
        set_current: bool,
    },
    /// Wait until `count` nodes of the nodegroup are Ready; their names are
    /// those of [`crate::sim::eks::naming::node_names`].
    AwaitNodesReady {
        cluster: String,
        nodegroup: String,
        count: u32,
    },
    /// Remove the cluster's context (and its cluster/user entries).
    RemoveKubeconfigContext {
        context: String,
        cluster_entry: String,
    },
    DeleteNodegroup {
        cluster: String,
        nodegroup: String,
    },
    AwaitNodegroupDeleted {
        cluster: String,
        nodegroup: String,
    },
    DeleteCluster {
        name: String,
    },
    AwaitClusterDeleted {
        name: String,
    },
}

/// Builds the plan for any parsed command.
pub fn plan(command: &EksctlCommand, env: &EksctlEnv) -> Result<Plan, EksctlError> {
    match command {
        EksctlCommand::CreateCluster(args) => plan_create(args, env),
        EksctlCommand::GetCluster(args) => plan_get(args, env),
        EksctlCommand::GetNodegroup(args) => plan_get_nodegroup(args, env),
        EksctlCommand::DeleteCluster(args) => plan_delete(args, env),
        EksctlCommand::Version => {
            let mut p = PlanBuilder::new();
            p.line(OutputLine::plain(env.eksctl_version.clone()));
            Ok(p.finish(0))
        }
        EksctlCommand::Help(text) => {
            let mut p = PlanBuilder::new();
            for line in text.trim_end().lines() {
                p.line(OutputLine::plain(line));
            }
            Ok(p.finish(0))
        }
    }
}

/// Collects steps at offsets into a real run.
pub(super) struct PlanBuilder {
    steps: Vec<PlanStep>,
    now: Duration,
}

impl PlanBuilder {
    pub(super) fn new() -> Self {
        Self {
            steps: Vec::new(),
            now: Duration::ZERO,
        }
    }

    /// Moves the clock to `secs` seconds into the run (never backwards).
    pub(super) fn at(&mut self, secs: u64) -> &mut Self {
        self.now = self.now.max(Duration::from_secs(secs));
        self
    }

    pub(super) fn line(&mut self, line: OutputLine) -> &mut Self {
        self.steps.push(PlanStep {
            at: self.now,
            item: PlanItem::Line(line),
        });
        self
    }

    pub(super) fn info(&mut self, text: impl Into<String>) -> &mut Self {
        self.line(OutputLine::info(text))
    }

    pub(super) fn success(&mut self, text: impl Into<String>) -> &mut Self {
        self.line(OutputLine::success(text))
    }

    pub(super) fn action(&mut self, action: PlanAction) -> &mut Self {
        self.steps.push(PlanStep {
            at: self.now,
            item: PlanItem::Action(action),
        });
        self
    }

    pub(super) fn finish(self, exit_code: i32) -> Plan {
        Plan {
            steps: self.steps,
            exit_code,
        }
    }
}

/// A stable pseudo-random number from a seed, for the generated names and
/// request ids a real run would randomise.
pub(super) fn stable_hash(seed: &str) -> [u8; 32] {
    Sha256::digest(seed.as_bytes()).into()
}

pub(super) fn request_id(seed: &str) -> String {
    let h = stable_hash(seed);
    let hex: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Checks `version` as eksctl does: anything older than the oldest
/// supported version is "no longer supported"; anything else unknown is
/// just invalid.
pub(super) fn resolve_version(
    version: Option<&str>,
    env: &EksctlEnv,
) -> Result<String, EksctlError> {
    let supported = &env.supported_versions;
    let requested = match version {
        None | Some("" | "auto" | "default") => return Ok(env.default_version.clone()),
        Some("latest") => {
            return Ok(supported
                .iter()
                .max_by_key(|v| minor_of(v))
                .cloned()
                .unwrap_or_else(|| env.default_version.clone()));
        }
        Some(v) => v,
    };
    if supported.iter().any(|s| s == requested) {
        return Ok(requested.to_string());
    }
    let oldest = supported.iter().filter_map(|v| minor_of(v)).min();
    match (minor_of(requested), oldest) {
        (Some(asked), Some(oldest)) if asked < oldest => {
            Err(EksctlError::VersionNoLongerSupported {
                version: requested.to_string(),
                supported: supported.clone(),
            })
        }
        _ => Err(EksctlError::VersionInvalid {
            version: requested.to_string(),
            supported: supported.clone(),
        }),
    }
}

/// `1.21` -> `Some((1, 21))`.
pub(super) fn minor_of(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

pub(super) fn find_cluster<'a>(
    env: &'a EksctlEnv,
    name: &str,
    region: &str,
) -> Option<&'a ExistingCluster> {
    env.existing_clusters
        .iter()
        .find(|c| c.name == name && c.region == region)
}
