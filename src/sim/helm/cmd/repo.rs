//! `helm repo add|update|list|remove`.

use clap::{ArgMatches, Args, Subcommand};

use super::{Arity, HelmCommand, UsageError, refused, require};

const ADD_USAGE: &str = "helm repo add [NAME] [URL] [flags]";
const UPDATE_USAGE: &str = "helm repo update [flags]";
const LIST_USAGE: &str = "helm repo list [flags]";
const REMOVE_USAGE: &str = "helm repo remove [REPO1 [REPO2 ...]] [flags]";

/// add, list, remove, and update chart repositories
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct Repo {
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// add a chart repository
    #[command(override_usage = ADD_USAGE)]
    Add {
        /// replace (overwrite) the repo if it already exists
        #[arg(long = "force-update")]
        force_update: bool,
        #[arg(hide = true)]
        args: Vec<String>,
    },
    /// update information of available charts locally from chart repositories
    #[command(visible_alias = "up")]
    #[command(override_usage = UPDATE_USAGE)]
    Update {
        #[arg(hide = true)]
        args: Vec<String>,
    },
    /// list chart repositories
    #[command(visible_alias = "ls")]
    #[command(override_usage = LIST_USAGE)]
    List {
        #[arg(hide = true)]
        args: Vec<String>,
    },
    /// remove one or more chart repositories
    #[command(visible_alias = "rm")]
    #[command(override_usage = REMOVE_USAGE)]
    Remove {
        #[arg(hide = true)]
        args: Vec<String>,
    },
}

impl Repo {
    pub(super) fn command(self, _matches: &ArgMatches) -> Result<HelmCommand, UsageError> {
        match self.action {
            None => Err(refused(
                "\"helm repo\" needs a subcommand: add, list, remove or update\n\nUsage:  helm repo [command]",
            )),
            Some(Action::Add { force_update, args }) => {
                require(&args, Arity::Exactly(2), ADD_USAGE)?;
                Ok(HelmCommand::RepoAdd {
                    name: args[0].clone(),
                    url: args[1].clone(),
                    force_update,
                })
            }
            Some(Action::Update { args }) => {
                if !args.is_empty() {
                    return Err(refused(
                        "trinetes' simulated helm updates all repositories at once; run `helm repo update` without names",
                    ));
                }
                Ok(HelmCommand::RepoUpdate)
            }
            Some(Action::List { args }) => {
                require(&args, Arity::None, LIST_USAGE)?;
                Ok(HelmCommand::RepoList)
            }
            Some(Action::Remove { args }) => {
                require(&args, Arity::AtLeast(1), REMOVE_USAGE)?;
                Ok(HelmCommand::RepoRemove { names: args })
            }
        }
    }
}
