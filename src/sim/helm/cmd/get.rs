//! `helm get values RELEASE_NAME`.

use clap::{ArgMatches, Args, Subcommand};

use super::{Arity, HelmCommand, UsageError, refused, require};

const VALUES_USAGE: &str = "helm get values RELEASE_NAME [flags]";

/// download extended information of a named release
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct Get {
    #[command(subcommand)]
    what: Option<What>,
}

#[derive(Debug, Subcommand)]
enum What {
    /// download the values file for a named release
    #[command(override_usage = VALUES_USAGE)]
    Values {
        /// dump all (computed) values
        #[arg(short = 'a', long)]
        all: bool,
        #[arg(hide = true)]
        args: Vec<String>,
    },
}

impl Get {
    pub(super) fn command(self, _matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        match self.what {
            None => Err(refused(
                "trinetes' simulated helm gets a release's values only: helm get values RELEASE_NAME",
            )),
            Some(What::Values { all, args }) => {
                require(&args, Arity::Exactly(1), VALUES_USAGE)?;
                Ok(HelmCommand::GetValues {
                    release: args[0].clone(),
                    all,
                })
            }
        }
    }
}
