//! Parsing a `kubectl ...` word list into what the fallback does, one file
//! per verb. clap parses the words (see [`crate::sim::cobra`]); each verb
//! checks them with kubectl's words, or says plainly what the fallback does
//! not cover. Pure: the kind words stay unresolved here (the server's
//! discovery resolves them).

mod cluster_info;
mod create;
mod delete;
mod describe;
mod exec;
mod expose;
mod get;
mod logs;
mod rollout;
mod scale;
mod set;
mod target;
mod version;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use create::CreateDeploymentArgs;
pub use delete::DeleteArgs;
pub use exec::ExecArgs;
pub use expose::ExposeArgs;
pub use get::{GetArgs, OutputFormat, Scope};
pub use logs::LogsArgs;
pub use rollout::RolloutArgs;
pub use set::SetImageArgs;
pub use target::Target;

use super::FallbackError;
use crate::sim::cobra::{self, CliError};

/// One fallback command, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    Get(GetArgs),
    Describe {
        target: Target,
        namespace: String,
        selector: Option<String>,
    },
    Scale {
        target: Target,
        namespace: String,
        replicas: u32,
    },
    Delete(DeleteArgs),
    Logs(LogsArgs),
    Exec(ExecArgs),
    CreateDeployment(CreateDeploymentArgs),
    Expose(ExposeArgs),
    SetImage(SetImageArgs),
    Rollout(RolloutArgs),
    Version,
    ClusterInfo,
    /// `--help` anywhere: the help text, printed on stdout.
    Help(String),
}

/// What the fallback covers, for notices and errors.
pub const COVERED: &str = "get, describe (deployments and pods), scale, delete, logs, exec (without -i/-t), create deployment, expose, set image, rollout status|history|undo|restart (deployments), version and cluster-info";

/// kubectl controls the Kubernetes cluster manager. This built-in fallback
/// covers the commands the lessons use.
#[derive(Debug, Parser)]
#[command(name = "kubectl")]
struct Kubectl {
    /// If present, the namespace scope for this CLI request
    #[arg(short = 'n', long, global = true)]
    namespace: Option<String>,
    #[command(subcommand)]
    verb: Option<Verb>,
}

#[derive(Debug, Subcommand)]
enum Verb {
    Get(get::Get),
    Describe(describe::Describe),
    Scale(scale::Scale),
    Delete(delete::Delete),
    Logs(logs::Logs),
    Exec(exec::Exec),
    Create(create::Create),
    Expose(expose::Expose),
    Set(set::Set),
    Rollout(rollout::Rollout),
    Version(version::Version),
    ClusterInfo(cluster_info::ClusterInfo),
}

/// Parse the words after `kubectl` (the first word may be `kubectl` itself).
pub fn parse(words: &[String]) -> Result<Invocation, FallbackError> {
    let words = match words.first().map(String::as_str) {
        Some("kubectl") => &words[1..],
        _ => words,
    };
    if words.is_empty() {
        return Err(unsupported("(no subcommand)"));
    }
    let argv: Vec<&str> = std::iter::once("kubectl")
        .chain(words.iter().map(String::as_str))
        .collect();
    let matches = match cobra::parse(cobra::simulated(Kubectl::command(), "kubectl"), &argv) {
        Ok(m) => m,
        Err(CliError::Help(text)) => return Ok(Invocation::Help(text)),
        Err(e) => return Err(from_cli(e, &argv)),
    };
    let kubectl = Kubectl::from_arg_matches(&matches).map_err(|e| usage(e.to_string()))?;
    let namespace = kubectl.namespace.unwrap_or_else(|| "default".to_string());
    match kubectl.verb {
        None => Err(unsupported("(no subcommand)")),
        Some(Verb::Get(v)) => v.invocation(namespace),
        Some(Verb::Describe(v)) => v.invocation(namespace),
        Some(Verb::Scale(v)) => v.invocation(namespace),
        Some(Verb::Delete(v)) => v.invocation(namespace),
        Some(Verb::Logs(v)) => v.invocation(namespace),
        Some(Verb::Exec(v)) => v.invocation(namespace),
        Some(Verb::Create(v)) => v.invocation(namespace),
        Some(Verb::Expose(v)) => v.invocation(namespace),
        Some(Verb::Set(v)) => v.invocation(namespace),
        Some(Verb::Rollout(v)) => v.invocation(namespace),
        Some(Verb::Version(v)) => v.invocation(),
        Some(Verb::ClusterInfo(v)) => v.invocation(),
    }
}

fn usage(text: impl Into<String>) -> FallbackError {
    FallbackError::Usage(text.into())
}

fn unsupported(what: &str) -> FallbackError {
    usage(format!(
        "`kubectl {what}` is not covered by trinetes' built-in kubectl fallback, which handles {COVERED}; install kubectl to run it"
    ))
}

/// clap's refusals in kubectl's words; a flag kubectl has but the fallback
/// lacks is named as such.
fn from_cli(e: CliError, argv: &[&str]) -> FallbackError {
    match e {
        CliError::UnknownCommand {
            command, parent, ..
        } => {
            let parent = parent.strip_prefix("kubectl").unwrap_or_default().trim();
            unsupported(format!("{parent} {command}").trim())
        }
        CliError::UnknownFlag(flag) => unknown_flag(&flag, argv),
        CliError::UnknownShorthand { letter, .. } => unknown_flag(&format!("-{letter}"), argv),
        other => usage(other.to_string()),
    }
}

fn unknown_flag(flag: &str, argv: &[&str]) -> FallbackError {
    // The verb is the first word that names one (`-n prod get` has a value
    // before it); `create` names its kind too.
    let verbs: Vec<String> = Kubectl::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let mut words = argv
        .iter()
        .skip(1)
        .skip_while(|w| !verbs.iter().any(|v| v == *w));
    let command = match (words.next(), words.find(|w| !w.starts_with('-'))) {
        (Some(&"create"), Some(what)) => format!("create {what}"),
        (Some(verb), _) => verb.to_string(),
        (None, _) => String::new(),
    };
    usage(format!(
        "the built-in kubectl fallback does not support the flag {flag} for `kubectl {command}`; install kubectl for the full command"
    ))
}

/// An integer flag's value, refused in pflag's words.
fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, FallbackError> {
    value.parse().map_err(|_| {
        usage(
            CliError::InvalidArgument {
                value: value.to_string(),
                flag: flag.to_string(),
                reason: format!("strconv.ParseInt: parsing {value:?}: invalid syntax"),
            }
            .to_string(),
        )
    })
}

#[cfg(test)]
mod tests;
