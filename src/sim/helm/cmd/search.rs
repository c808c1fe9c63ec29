//! `helm search repo`.

use clap::{ArgMatches, Args, Subcommand};

use super::{Arity, HelmCommand, UsageError, refused, require};

const REPO_USAGE: &str = "helm search repo [keyword] [flags]";

/// search for a keyword in charts
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct Search {
    #[command(subcommand)]
    place: Option<Place>,
}

#[derive(Debug, Subcommand)]
enum Place {
    /// search repositories for a keyword in charts
    #[command(override_usage = REPO_USAGE)]
    Repo {
        /// show the long listing, with each version of each chart on its own line
        #[arg(short = 'l', long)]
        versions: bool,
        #[arg(hide = true)]
        args: Vec<String>,
    },
}

impl Search {
    pub(super) fn command(self, _matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        match self.place {
            None => Err(refused(
                "trinetes' simulated helm searches chart repositories only: helm search repo [keyword]",
            )),
            Some(Place::Repo { versions, args }) => {
                require(&args, Arity::AtMost(1), REPO_USAGE)?;
                Ok(HelmCommand::SearchRepo {
                    keyword: args.into_iter().next(),
                    all_versions: versions,
                })
            }
        }
    }
}
