//! `kubectl version`.

use clap::Args;

use super::{Invocation, unsupported};
use crate::backend::kubectl_fallback::FallbackError;

/// Print the client and server version information
#[derive(Debug, Args)]
pub struct Version {
    #[arg(hide = true)]
    args: Vec<String>,
}

impl Version {
    pub(super) fn invocation(self) -> Result<Invocation, FallbackError> {
        match self.args.first() {
            None => Ok(Invocation::Version),
            Some(arg) => Err(unsupported(&format!("version {arg}"))),
        }
    }
}
