//! `kubectl expose`.

use clap::Args;

use super::target::one_target;
use super::{Invocation, Target, number, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposeArgs {
    pub target: Target,
    pub namespace: String,
    pub port: Option<u16>,
    pub target_port: Option<String>,
    pub service_type: Option<String>,
    pub service_name: Option<String>,
    pub protocol: String,
}

/// Take a deployment, service, replica set or pod and expose it as a new Kubernetes service
#[derive(Debug, Args)]
pub struct Expose {
    /// The port that the service should serve on
    #[arg(long, value_name = "INT")]
    port: Option<String>,
    /// Name or number for the port on the container that the service should direct traffic to
    #[arg(long = "target-port")]
    target_port: Option<String>,
    /// Type for this service: ClusterIP, NodePort or LoadBalancer
    #[arg(long = "type")]
    service_type: Option<String>,
    /// The name for the newly created object
    #[arg(long)]
    name: Option<String>,
    /// The network protocol for the service to be created. Default is 'TCP'.
    #[arg(long)]
    protocol: Option<String>,
    #[arg(value_name = "TYPE NAME | TYPE/NAME")]
    args: Vec<String>,
}

impl Expose {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let target = one_target("expose", &self.args)?;
        if target.names.len() != 1 {
            return Err(usage("kubectl expose takes one resource name"));
        }
        Ok(Invocation::Expose(ExposeArgs {
            target,
            namespace,
            port: self.port.map(|p| number("--port", &p)).transpose()?,
            target_port: self.target_port,
            service_type: self.service_type,
            service_name: self.name,
            protocol: self.protocol.unwrap_or_else(|| "TCP".to_string()),
        }))
    }
}
