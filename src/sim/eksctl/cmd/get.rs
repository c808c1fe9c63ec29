//! `eksctl get cluster` (also `clusters`, `cl`) and `eksctl get nodegroup`
//! (also `nodegroups`, `ng`).

use clap::{Args, Subcommand};

use super::{EksctlCommand, name_from};
use crate::sim::eksctl::EksctlError;

/// `eksctl get cluster`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetClusterArgs {
    pub name: Option<String>,
    pub region: Option<String>,
}

/// `eksctl get nodegroup`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetNodegroupArgs {
    pub cluster: String,
    pub name: Option<String>,
    pub region: Option<String>,
}

/// Real `eksctl get cluster` and `get nodegroup` flags the simulation does
/// not support.
pub(super) const UNSUPPORTED: &[&str] = &["output", "all-regions", "profile", "chunk-size"];

/// Get resource(s)
#[derive(Debug, Args)]
pub struct Get {
    #[command(subcommand)]
    resource: Option<Resource>,
}

#[derive(Debug, Subcommand)]
enum Resource {
    /// Get cluster(s)
    #[command(visible_aliases = ["clusters", "cl"])]
    Cluster(ClusterFlags),
    /// Get nodegroup(s)
    #[command(visible_aliases = ["nodegroups", "ng"])]
    Nodegroup(NodegroupFlags),
}

#[derive(Debug, Args)]
#[command(override_usage = "eksctl get cluster [flags]")]
struct ClusterFlags {
    /// EKS cluster name
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// AWS region
    #[arg(short = 'r', long)]
    region: Option<String>,
    /// the cluster name, instead of --name
    #[arg(value_name = "NAME")]
    names: Vec<String>,
}

#[derive(Debug, Args)]
#[command(override_usage = "eksctl get nodegroup [flags]")]
struct NodegroupFlags {
    /// EKS cluster name
    #[arg(long)]
    cluster: Option<String>,
    /// Name of the nodegroup
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// AWS region
    #[arg(short = 'r', long)]
    region: Option<String>,
    /// the nodegroup name, instead of --name
    #[arg(value_name = "NAME")]
    names: Vec<String>,
}

impl Get {
    pub(super) fn command(self) -> Result<EksctlCommand, EksctlError> {
        match self.resource {
            None => Err(EksctlError::MissingResource { verb: "get".into() }),
            Some(Resource::Cluster(flags)) => Ok(EksctlCommand::GetCluster(GetClusterArgs {
                name: name_from(flags.name, flags.names, "get cluster")?,
                region: flags.region,
            })),
            Some(Resource::Nodegroup(flags)) => {
                let cluster = flags
                    .cluster
                    .filter(|c| !c.is_empty())
                    .ok_or(EksctlError::ClusterRequired)?;
                Ok(EksctlCommand::GetNodegroup(GetNodegroupArgs {
                    cluster,
                    name: name_from(flags.name, flags.names, "get nodegroup")?,
                    region: flags.region,
                }))
            }
        }
    }
}
