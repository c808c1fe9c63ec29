//! `helm version`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

const USAGE: &str = "helm version [flags]";

/// print the client version information
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct Version {
    /// print the version number
    #[arg(long)]
    short: bool,
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Version {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::None, USAGE)?;
        Ok(HelmCommand::Version { short: self.short })
    }
}
