//! `helm list`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

const USAGE: &str = "helm list [flags]";

/// list releases
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct List {
    /// list releases across all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    all_namespaces: bool,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl List {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::None, USAGE)?;
        Ok(HelmCommand::List {
            all_namespaces: self.all_namespaces,
        })
    }
}
