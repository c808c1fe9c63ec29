//! `kubectl describe`.

use clap::Args;

use super::target::one_target;
use super::{Invocation, usage};
use crate::backend::kubectl_fallback::FallbackError;

/// Show details of a specific resource or group of resources
#[derive(Debug, Args)]
pub struct Describe {
    /// Selector (label query) to filter on
    #[arg(short = 'l', long)]
    selector: Option<String>,
    #[arg(value_name = "TYPE [NAME...]")]
    args: Vec<String>,
}

impl Describe {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let target = one_target("describe", &self.args)?;
        if target.names.is_empty() && self.selector.is_none() {
            return Err(usage(
                "the built-in kubectl fallback describes named objects or a -l selector; give a name",
            ));
        }
        Ok(Invocation::Describe {
            target,
            namespace,
            selector: self.selector,
        })
    }
}
