//! `kubectl cluster-info`.

use clap::Args;

use super::{Invocation, unsupported};
use crate::backend::kubectl_fallback::FallbackError;

/// Display addresses of the control plane and services
#[derive(Debug, Args)]
pub struct ClusterInfo {
    #[arg(hide = true)]
    args: Vec<String>,
}

impl ClusterInfo {
    pub(super) fn invocation(self) -> Result<Invocation, FallbackError> {
        match self.args.first() {
            None => Ok(Invocation::ClusterInfo),
            Some(arg) => Err(unsupported(&format!("cluster-info {arg}"))),
        }
    }
}
