//! `helm history RELEASE_NAME`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

/// fetch release history
#[derive(Debug, Args)]
pub struct History {
    #[arg(value_name = "RELEASE_NAME")]
    args: Vec<String>,
}

impl History {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(
            &self.args,
            Arity::Exactly(1),
            "helm history RELEASE_NAME [flags]",
        )?;
        Ok(HelmCommand::History {
            release: self.args[0].clone(),
        })
    }
}
