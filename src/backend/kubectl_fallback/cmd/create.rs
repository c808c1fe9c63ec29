//! `kubectl create deployment` (the only kind of `create` the fallback covers).

use clap::{Args, Subcommand};

use super::{Invocation, number, unsupported, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateDeploymentArgs {
    pub name: String,
    pub namespace: String,
    pub image: String,
    pub replicas: u32,
    pub port: Option<u16>,
}

/// Create a resource (the fallback creates deployments)
#[derive(Debug, Args)]
pub struct Create {
    #[command(subcommand)]
    what: Option<What>,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Create a deployment with the specified name
    #[command(visible_alias = "deploy")]
    Deployment(Deployment),
}

#[derive(Debug, Args)]
struct Deployment {
    /// Image names to run (the fallback takes one)
    #[arg(long)]
    image: Vec<String>,
    /// Number of replicas to create. Default is 1.
    #[arg(short = 'r', long, value_name = "INT")]
    replicas: Option<String>,
    /// The containerPort that this deployment exposes
    #[arg(long, value_name = "INT")]
    port: Option<String>,
    #[arg(value_name = "NAME")]
    args: Vec<String>,
}

impl Create {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let Some(What::Deployment(d)) = self.what else {
            return Err(unsupported("create"));
        };
        let [name] = d.args.as_slice() else {
            return Err(usage(format!(
                "exactly one NAME is required, got {}",
                d.args.len()
            )));
        };
        let image = match d.image.as_slice() {
            [] => return Err(usage("required flag(s) \"image\" not set")),
            [one] => one.clone(),
            _ => {
                return Err(usage(
                    "the built-in kubectl fallback creates deployments with one --image; install kubectl for more",
                ));
            }
        };
        Ok(Invocation::CreateDeployment(CreateDeploymentArgs {
            name: name.clone(),
            namespace,
            image,
            replicas: match d.replicas {
                Some(r) => number("--replicas", &r)?,
                None => 1,
            },
            port: d.port.map(|p| number("--port", &p)).transpose()?,
        }))
    }
}
