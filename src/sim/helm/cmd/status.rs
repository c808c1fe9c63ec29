//! `helm status RELEASE_NAME`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

const USAGE: &str = "helm status RELEASE_NAME [flags]";

/// display the status of the named release
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct Status {
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Status {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::Exactly(1), USAGE)?;
        Ok(HelmCommand::Status {
            release: self.args[0].clone(),
        })
    }
}
