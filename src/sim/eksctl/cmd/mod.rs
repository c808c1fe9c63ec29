//! The eksctl command line, one file per verb: clap parses the words (see
//! [`crate::sim::cobra`]) and each verb checks them with eksctl's own words.

mod create;
mod delete;
mod get;
mod line;
mod version;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};

pub use create::CreateClusterArgs;
pub use delete::DeleteClusterArgs;
pub use get::{GetClusterArgs, GetNodegroupArgs};
pub use line::{parse_command_line, split_command_line};

use super::EksctlError;
use crate::sim::cobra::{self, CliError};

/// One parsed eksctl invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EksctlCommand {
    CreateCluster(CreateClusterArgs),
    GetCluster(GetClusterArgs),
    GetNodegroup(GetNodegroupArgs),
    DeleteCluster(DeleteClusterArgs),
    /// `eksctl version`.
    Version,
    /// `--help` anywhere: the help text, printed on stdout.
    Help(String),
}

/// The official CLI for Amazon EKS, simulated: creates, lists and deletes
/// clusters of the simulated EKS.
#[derive(Debug, Parser)]
#[command(name = "eksctl")]
struct Eksctl {
    #[command(subcommand)]
    verb: Option<Verb>,
}

#[derive(Debug, Subcommand)]
enum Verb {
    Create(create::Create),
    Get(get::Get),
    Delete(delete::Delete),
    Version(version::Version),
}

/// Parses the words after `eksctl`.
pub fn parse_args<S: AsRef<str>>(words: &[S]) -> Result<EksctlCommand, EksctlError> {
    let mut words: Vec<&str> = words.iter().map(AsRef::as_ref).collect();
    if words.is_empty() {
        return Err(EksctlError::MissingCommand);
    }
    words.insert(0, "eksctl");
    let command = Eksctl::command()
        .mut_subcommand("create", |c| {
            c.mut_subcommand("cluster", |c| cobra::unsupported(c, create::UNSUPPORTED))
        })
        .mut_subcommand("get", |c| {
            c.mut_subcommand("cluster", |c| cobra::unsupported(c, get::UNSUPPORTED))
                .mut_subcommand("nodegroup", |c| cobra::unsupported(c, get::UNSUPPORTED))
        })
        .mut_subcommand("delete", |c| {
            c.mut_subcommand("cluster", |c| cobra::unsupported(c, delete::UNSUPPORTED))
        });
    let matches = match cobra::parse(cobra::simulated(command, "eksctl"), &words) {
        Ok(m) => m,
        Err(CliError::Help(text)) => return Ok(EksctlCommand::Help(text)),
        Err(e) => return Err(from_cli(e)),
    };
    let unsupported = [create::UNSUPPORTED, get::UNSUPPORTED, delete::UNSUPPORTED].concat();
    if let Some(flag) = cobra::unsupported_given(leaf(&matches), &unsupported) {
        // `eksctl VERB RESOURCE`: flags can only follow the resource.
        let command = words[..words.len().min(3)].join(" ");
        return Err(EksctlError::Unsupported { flag, command });
    }
    let eksctl =
        Eksctl::from_arg_matches(&matches).map_err(|e| EksctlError::Usage(e.to_string()))?;
    match eksctl.verb {
        None => Err(EksctlError::MissingCommand),
        Some(Verb::Create(v)) => v.command(),
        Some(Verb::Get(v)) => v.command(),
        Some(Verb::Delete(v)) => v.command(),
        Some(Verb::Version(v)) => v.command(),
    }
}

/// The matches of the innermost subcommand.
fn leaf(matches: &ArgMatches) -> &ArgMatches {
    let mut current = matches;
    while let Some((_, sub)) = current.subcommand() {
        current = sub;
    }
    current
}

fn from_cli(e: CliError) -> EksctlError {
    match e {
        CliError::UnknownFlag(flag) => EksctlError::UnknownFlag(flag),
        CliError::UnknownShorthand { letter, word } => {
            EksctlError::UnknownShorthand { letter, word }
        }
        CliError::FlagNeedsArgument(flag) => EksctlError::FlagNeedsArgument(flag),
        CliError::InvalidArgument {
            value,
            flag,
            reason,
        } => EksctlError::InvalidArgument {
            value,
            flag,
            reason,
        },
        CliError::UnknownCommand {
            command, parent, ..
        } => match parent.strip_prefix("eksctl ") {
            Some(verb) => EksctlError::UnknownResource {
                verb: verb.to_string(),
                resource: command,
            },
            None => EksctlError::UnknownCommand(command),
        },
        other => EksctlError::Usage(other.to_string()),
    }
}

/// eksctl takes the cluster name either from `--name` or as the one
/// positional argument, never both.
fn name_from(
    flag_name: Option<String>,
    positional: Vec<String>,
    command: &str,
) -> Result<Option<String>, EksctlError> {
    match (flag_name, positional.as_slice()) {
        (name, []) => Ok(name),
        (None, [one]) => Ok(Some(one.clone())),
        (Some(flag), [arg, ..]) => Err(EksctlError::NameTwice {
            flag,
            arg: arg.clone(),
        }),
        (None, [_, second, ..]) => Err(EksctlError::UnexpectedArgument {
            command: command.into(),
            arg: second.clone(),
        }),
    }
}

/// An integer flag's value, refused in pflag's words; `flag` names it as
/// pflag does (`-N, --nodes`).
fn number(value: Option<String>, flag: &str) -> Result<Option<u32>, EksctlError> {
    value
        .map(|raw| {
            raw.parse::<u32>()
                .map_err(|_| EksctlError::InvalidArgument {
                    reason: format!("strconv.ParseInt: parsing {raw:?}: invalid syntax"),
                    value: raw,
                    flag: flag.to_string(),
                })
        })
        .transpose()
}

#[cfg(test)]
mod tests;
