//! `helm list`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

/// list releases
#[derive(Debug, Args)]
pub struct List {
    /// list releases across all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    all_namespaces: bool,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl List {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::None, "helm list [flags]")?;
        Ok(HelmCommand::List {
            all_namespaces: self.all_namespaces,
        })
    }
}
