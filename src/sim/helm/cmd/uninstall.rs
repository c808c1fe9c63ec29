//! `helm uninstall RELEASE_NAME [...]`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

const USAGE: &str = "helm uninstall RELEASE_NAME [...] [flags]";

/// uninstall a release
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct Uninstall {
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Uninstall {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::AtLeast(1), USAGE)?;
        Ok(HelmCommand::Uninstall {
            releases: self.args,
        })
    }
}
