//! `kubectl delete`.

use clap::Args;

use super::target::one_target;
use super::{Invocation, Target, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteArgs {
    pub target: Target,
    pub namespace: String,
    pub selector: Option<String>,
    pub all: bool,
    pub ignore_not_found: bool,
}

/// Delete resources by names or by a label selector
#[derive(Debug, Args)]
pub struct Delete {
    /// Selector (label query) to filter on
    #[arg(short = 'l', long)]
    selector: Option<String>,
    /// Delete all resources, in the namespace of the specified resource types
    #[arg(long)]
    all: bool,
    /// If true, wait for resources to be gone before returning (the fallback never waits for finalization, so both values are fine)
    #[arg(long, default_value_t = true, action = clap::ArgAction::SetTrue)]
    wait: bool,
    /// Treat "resource not found" as a successful delete
    #[arg(long = "ignore-not-found")]
    ignore_not_found: bool,
    #[arg(value_name = "TYPE [NAME...] | TYPE/NAME...")]
    args: Vec<String>,
}

impl Delete {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let target = one_target("delete", &self.args)?;
        let ways = usize::from(!target.names.is_empty())
            + usize::from(self.all)
            + usize::from(self.selector.is_some());
        if ways == 0 {
            return Err(usage(
                "resource(s) were provided, but no name was specified",
            ));
        }
        if ways > 1 {
            return Err(usage(
                "name cannot be provided when a selector or --all is specified",
            ));
        }
        // kubectl's --wait only decides whether to wait for finalizers; the
        // fallback's deletes are done when the API answers, so both agree.
        let _ = self.wait;
        Ok(Invocation::Delete(DeleteArgs {
            target,
            namespace,
            selector: self.selector,
            all: self.all,
            ignore_not_found: self.ignore_not_found,
        }))
    }
}
