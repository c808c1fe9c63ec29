//! `eksctl delete cluster`.

use clap::{Args, Subcommand};

use super::{EksctlCommand, name_from};
use crate::sim::eksctl::EksctlError;

/// `eksctl delete cluster`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteClusterArgs {
    pub name: Option<String>,
    pub region: Option<String>,
    pub wait: bool,
}

/// Real `eksctl delete cluster` flags the simulation does not support.
pub(super) const UNSUPPORTED: &[&str] = &[
    "config-file",
    "force",
    "disable-nodegroup-eviction",
    "parallel",
    "profile",
    "timeout",
];

/// Delete resource(s)
#[derive(Debug, Args)]
pub struct Delete {
    #[command(subcommand)]
    resource: Option<Resource>,
}

#[derive(Debug, Subcommand)]
enum Resource {
    /// Delete a cluster
    Cluster(ClusterFlags),
}

#[derive(Debug, Args)]
#[command(override_usage = "eksctl delete cluster [flags]")]
struct ClusterFlags {
    /// EKS cluster name
    #[arg(short = 'n', long)]
    name: Option<String>,
    /// AWS region
    #[arg(short = 'r', long)]
    region: Option<String>,
    /// wait for deletion of all resources before exiting
    #[arg(short = 'w', long)]
    wait: bool,
    /// the cluster name, instead of --name
    #[arg(value_name = "NAME")]
    names: Vec<String>,
}

impl Delete {
    pub(super) fn command(self) -> Result<EksctlCommand, EksctlError> {
        let Some(Resource::Cluster(flags)) = self.resource else {
            return Err(EksctlError::MissingResource {
                verb: "delete".into(),
            });
        };
        Ok(EksctlCommand::DeleteCluster(DeleteClusterArgs {
            name: name_from(flags.name, flags.names, "delete cluster")?,
            region: flags.region,
            wait: flags.wait,
        }))
    }
}
