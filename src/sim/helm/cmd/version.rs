//! `helm version`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

/// print the client version information
#[derive(Debug, Args)]
pub struct Version {
    /// print the version number
    #[arg(long)]
    short: bool,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Version {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::None, "helm version [flags]")?;
        Ok(HelmCommand::Version { short: self.short })
    }
}
