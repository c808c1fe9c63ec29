//! `eksctl create cluster`.

use clap::{Args, Subcommand};

use super::{EksctlCommand, name_from, number};
use crate::sim::eksctl::EksctlError;

/// `eksctl create cluster`. Unset fields take eksctl's defaults when the plan
/// is built (see [`crate::sim::eksctl::EksctlEnv`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateClusterArgs {
    pub name: Option<String>,
    pub version: Option<String>,
    pub region: Option<String>,
    pub nodegroup_name: Option<String>,
    pub node_type: Option<String>,
    pub nodes: Option<u32>,
    pub nodes_min: Option<u32>,
    pub nodes_max: Option<u32>,
    pub node_volume_size: Option<u32>,
    pub without_nodegroup: bool,
}

/// Real `eksctl create cluster` flags the simulation does not support.
pub(super) const UNSUPPORTED: &[&str] = &[
    "config-file",
    "zones",
    "profile",
    "dry-run",
    "tags",
    "timeout",
    "with-oidc",
    "fargate",
    "spot",
    "instance-types",
    "node-ami-family",
    "node-labels",
    "node-zones",
    "node-private-networking",
    "max-pods-per-node",
    "ssh-access",
    "ssh-public-key",
    "vpc-cidr",
    "kubeconfig",
    "auto-kubeconfig",
    "write-kubeconfig",
    "set-kubeconfig-context",
];

/// Create resource(s)
#[derive(Debug, Args)]
pub struct Create {
    #[command(subcommand)]
    resource: Option<Resource>,
}

#[derive(Debug, Subcommand)]
enum Resource {
    /// Create a cluster
    Cluster(ClusterFlags),
}

#[derive(Debug, Args)]
#[command(override_usage = "eksctl create cluster [flags]")]
struct ClusterFlags {
    /// EKS cluster name (generated if unspecified, e.g. "unique-mushroom-1638349421")
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// Kubernetes version
    #[arg(long)]
    version: Option<String>,
    /// AWS region
    #[arg(short = 'r', long)]
    region: Option<String>,
    /// name of the nodegroup (generated if unspecified, e.g. "ng-1b3c5d7e")
    #[arg(long = "nodegroup-name")]
    nodegroup_name: Option<String>,
    /// node instance type
    #[arg(short = 't', long = "node-type")]
    node_type: Option<String>,
    /// total number of nodes (for a static ASG)
    #[arg(short = 'N', long, value_name = "INT")]
    nodes: Option<String>,
    /// minimum nodes in ASG
    #[arg(short = 'm', long = "nodes-min", value_name = "INT")]
    nodes_min: Option<String>,
    /// maximum nodes in ASG
    #[arg(short = 'M', long = "nodes-max", value_name = "INT")]
    nodes_max: Option<String>,
    /// node volume size in GB
    #[arg(long = "node-volume-size", value_name = "INT")]
    node_volume_size: Option<String>,
    /// if set, initial nodegroup will not be created
    #[arg(long = "without-nodegroup")]
    without_nodegroup: bool,
    /// Create EKS-managed nodegroup (the simulation makes managed nodegroups only)
    #[arg(long, default_value_t = true, action = clap::ArgAction::SetTrue)]
    managed: bool,
    /// the cluster name, instead of --name
    #[arg(value_name = "NAME")]
    names: Vec<String>,
}

impl Create {
    pub(super) fn command(self) -> Result<EksctlCommand, EksctlError> {
        let Some(Resource::Cluster(flags)) = self.resource else {
            return Err(EksctlError::MissingResource {
                verb: "create".into(),
            });
        };
        if !flags.managed {
            return Err(EksctlError::Unsupported {
                flag: "--managed=false".into(),
                command: "eksctl create cluster".into(),
            });
        }
        Ok(EksctlCommand::CreateCluster(CreateClusterArgs {
            name: name_from(flags.name, flags.names, "create cluster")?,
            version: flags.version,
            region: flags.region,
            nodegroup_name: flags.nodegroup_name,
            node_type: flags.node_type,
            nodes: number(flags.nodes, "-N, --nodes")?,
            nodes_min: number(flags.nodes_min, "-m, --nodes-min")?,
            nodes_max: number(flags.nodes_max, "-M, --nodes-max")?,
            node_volume_size: number(flags.node_volume_size, "--node-volume-size")?,
            without_nodegroup: flags.without_nodegroup,
        }))
    }
}
