//! `kubectl scale`.

use clap::Args;

use super::target::one_target;
use super::{Invocation, number, usage};
use crate::backend::kubectl_fallback::FallbackError;

/// Set a new size for a deployment, replica set or stateful set
#[derive(Debug, Args)]
pub struct Scale {
    /// The new desired number of replicas. Required.
    #[arg(long, value_name = "INT")]
    replicas: Option<String>,
    #[arg(value_name = "TYPE NAME | TYPE/NAME")]
    args: Vec<String>,
}

impl Scale {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let target = one_target("scale", &self.args)?;
        if target.names.is_empty() {
            return Err(usage(
                "resource(s) were provided, but no name was specified",
            ));
        }
        let Some(replicas) = self.replicas else {
            return Err(usage("required flag(s) \"replicas\" not set"));
        };
        Ok(Invocation::Scale {
            target,
            namespace,
            replicas: number("--replicas", &replicas)?,
        })
    }
}
