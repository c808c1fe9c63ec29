//! `helm status RELEASE_NAME`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

/// display the status of the named release
#[derive(Debug, Args)]
pub struct Status {
    #[arg(value_name = "RELEASE_NAME")]
    args: Vec<String>,
}

impl Status {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(
            &self.args,
            Arity::Exactly(1),
            "helm status RELEASE_NAME [flags]",
        )?;
        Ok(HelmCommand::Status {
            release: self.args[0].clone(),
        })
    }
}
