//! `eksctl get cluster` (also `clusters`, `cl`).

use clap::{Args, Subcommand};

use super::{EksctlCommand, name_from};
use crate::sim::eksctl::EksctlError;

/// `eksctl get cluster`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetClusterArgs {
    pub name: Option<String>,
    pub region: Option<String>,
}

/// Real `eksctl get cluster` flags the simulation does not support.
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

impl Get {
    pub(super) fn command(self) -> Result<EksctlCommand, EksctlError> {
        let Some(Resource::Cluster(flags)) = self.resource else {
            return Err(EksctlError::MissingResource { verb: "get".into() });
        };
        Ok(EksctlCommand::GetCluster(GetClusterArgs {
            name: name_from(flags.name, flags.names, "get cluster")?,
            region: flags.region,
        }))
    }
}
