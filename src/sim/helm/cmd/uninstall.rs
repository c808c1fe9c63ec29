//! `helm uninstall RELEASE_NAME [...]`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

/// uninstall a release
#[derive(Debug, Args)]
pub struct Uninstall {
    #[arg(value_name = "RELEASE_NAME")]
    args: Vec<String>,
}

impl Uninstall {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(
            &self.args,
            Arity::AtLeast(1),
            "helm uninstall RELEASE_NAME [...] [flags]",
        )?;
        Ok(HelmCommand::Uninstall {
            releases: self.args,
        })
    }
}
