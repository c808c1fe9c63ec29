//! `helm history RELEASE_NAME`.

use clap::Args;

use super::{Arity, HelmCommand, UsageError, require};

const USAGE: &str = "helm history RELEASE_NAME [flags]";

/// fetch release history
#[derive(Debug, Args)]
#[command(override_usage = USAGE)]
pub struct History {
    #[arg(hide = true)]
    args: Vec<String>,
}

impl History {
    pub(super) fn command(self) -> Result<HelmCommand, UsageError> {
        require(&self.args, Arity::Exactly(1), USAGE)?;
        Ok(HelmCommand::History {
            release: self.args[0].clone(),
        })
    }
}
