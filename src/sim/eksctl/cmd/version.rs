//! `eksctl version`.

use clap::Args;

use super::EksctlCommand;
use crate::sim::eksctl::EksctlError;

/// Output the version of eksctl
#[derive(Debug, Args)]
pub struct Version {
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Version {
    pub(super) fn command(self) -> Result<EksctlCommand, EksctlError> {
        match self.args.first() {
            None => Ok(EksctlCommand::Version),
            Some(arg) => Err(EksctlError::UnexpectedArgument {
                command: "version".into(),
                arg: arg.clone(),
            }),
        }
    }
}
