//! The helm command line, one file per verb. clap parses it (see
//! [`crate::sim::cobra`]); each verb checks its arguments with helm's own
//! words and becomes a typed [`HelmCommand`].

mod get;
mod history;
mod install;
mod list;
mod repo;
mod search;
mod show;
mod status;
mod template;
mod uninstall;
mod upgrade;
mod version;

use std::time::Duration;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::sim::cobra::{self, CliError};

/// Flags shared by `install`, `upgrade` and `template`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChartOptions {
    pub version: Option<String>,
    /// In command-line order, so later ones win as in helm.
    pub value_sources: Vec<ValueSource>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueSource {
    File(String),
    Set(String),
    SetString(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelmCommand {
    RepoAdd {
        name: String,
        url: String,
        force_update: bool,
    },
    RepoUpdate,
    RepoList,
    RepoRemove {
        names: Vec<String>,
    },
    SearchRepo {
        keyword: Option<String>,
        all_versions: bool,
    },
    Install {
        release: String,
        chart: String,
        options: ChartOptions,
        create_namespace: bool,
        wait: Option<Duration>,
    },
    Upgrade {
        release: String,
        chart: String,
        options: ChartOptions,
        install: bool,
        reuse_values: bool,
        reset_values: bool,
        create_namespace: bool,
        wait: Option<Duration>,
    },
    Template {
        release: String,
        chart: String,
        options: ChartOptions,
    },
    ShowValues {
        chart: String,
        version: Option<String>,
    },
    ShowChart {
        chart: String,
        version: Option<String>,
    },
    List {
        all_namespaces: bool,
    },
    Status {
        release: String,
    },
    Uninstall {
        releases: Vec<String>,
    },
    History {
        release: String,
    },
    GetValues {
        release: String,
        all: bool,
    },
    Version {
        short: bool,
    },
}

/// A parsed invocation: the command plus the namespace it targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub command: HelmCommand,
    pub namespace: Option<String>,
}

/// Why helm did not run a command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// `--help`: printed on stdout, exit status 0.
    #[error("{0}")]
    Help(String),
    /// Printed after `Error: `, exit status 1.
    #[error("{0}")]
    Refused(String),
}

impl From<CliError> for UsageError {
    fn from(e: CliError) -> Self {
        match e {
            CliError::Help(text) => UsageError::Help(text),
            CliError::UnknownCommand { ref parent, .. } => {
                UsageError::Refused(format!("{e}\nRun '{parent} --help' for usage."))
            }
            other => UsageError::Refused(other.to_string()),
        }
    }
}

fn refused(text: impl Into<String>) -> UsageError {
    UsageError::Refused(text.into())
}

/// The Kubernetes package manager, offline, with the project's Trino charts.
#[derive(Debug, Parser)]
#[command(name = "helm")]
struct Helm {
    /// namespace scope for this request
    #[arg(short = 'n', long, global = true)]
    namespace: Option<String>,
    // Real helm flags that the simulation refuses with its own words.
    #[command(flatten)]
    unsupported: Unsupported,
    #[command(subcommand)]
    verb: Option<Verb>,
}

// Flags real helm has everywhere that the simulation does not support.
#[derive(Debug, Args)]
struct Unsupported {
    #[arg(long, global = true, hide = true)]
    debug: bool,
    #[arg(long = "kube-context", global = true, hide = true)]
    kube_context: Option<String>,
    #[arg(long, global = true, hide = true)]
    kubeconfig: Option<String>,
    #[arg(short = 'o', long, global = true, hide = true)]
    output: Option<String>,
}

impl Unsupported {
    fn refuse(&self) -> Result<(), UsageError> {
        let flag = if self.debug {
            "--debug"
        } else if self.kube_context.is_some() {
            "--kube-context"
        } else if self.kubeconfig.is_some() {
            "--kubeconfig"
        } else if self.output.as_deref().is_some_and(|o| o != "table") {
            "--output other than table"
        } else {
            return Ok(());
        };
        Err(refused(format!(
            "trinetes' simulated helm does not support {flag}; it uses the current kubeconfig context and prints tables"
        )))
    }
}

#[derive(Debug, Subcommand)]
enum Verb {
    Repo(repo::Repo),
    Search(search::Search),
    #[command(visible_alias = "i")]
    Install(install::Install),
    Upgrade(upgrade::Upgrade),
    Template(template::Template),
    #[command(alias = "inspect")]
    Show(show::Show),
    #[command(visible_alias = "ls")]
    List(list::List),
    Status(status::Status),
    #[command(visible_alias = "hist")]
    History(history::History),
    Get(get::Get),
    #[command(visible_aliases = ["un", "delete", "del"])]
    Uninstall(uninstall::Uninstall),
    Version(version::Version),
}

/// Parses the arguments after `helm` (a leading `helm` is tolerated).
pub fn parse_helm_args<S: AsRef<str>>(args: &[S]) -> Result<Invocation, UsageError> {
    let mut words: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    if words.first() == Some(&"helm") {
        words.remove(0);
    }
    if words.is_empty() {
        return Err(refused("no command given; try 'helm --help'"));
    }
    words.insert(0, "helm");
    let matches = cobra::parse(cobra::simulated(Helm::command(), "helm"), &words)?;
    let helm = Helm::from_arg_matches(&matches).map_err(|e| refused(e.to_string()))?;
    helm.unsupported.refuse()?;
    let sub = matches
        .subcommand()
        .map(|(_, sub)| sub)
        .ok_or_else(|| refused("no command given; try 'helm --help'"))?;
    let command = match helm.verb {
        None => return Err(refused("no command given; try 'helm --help'")),
        Some(Verb::Repo(v)) => v.command(sub)?,
        Some(Verb::Search(v)) => v.command(sub)?,
        Some(Verb::Install(v)) => v.command(sub)?,
        Some(Verb::Upgrade(v)) => v.command(sub)?,
        Some(Verb::Template(v)) => v.command(sub)?,
        Some(Verb::Show(v)) => v.command(sub)?,
        Some(Verb::List(v)) => v.command()?,
        Some(Verb::Status(v)) => v.command()?,
        Some(Verb::History(v)) => v.command()?,
        Some(Verb::Get(v)) => v.command(sub)?,
        Some(Verb::Uninstall(v)) => v.command()?,
        Some(Verb::Version(v)) => v.command()?,
    };
    Ok(Invocation {
        command,
        namespace: helm.namespace,
    })
}

/// How many arguments a command takes, as helm's `require` package checks.
#[derive(Debug, Clone, Copy)]
enum Arity {
    None,
    Exactly(usize),
    AtLeast(usize),
    AtMost(usize),
}

/// Checks `args` against `arity` with helm's words; `use_line` is the
/// command's usage, e.g. `helm install [NAME] [CHART] [flags]`.
fn require(args: &[String], arity: Arity, use_line: &str) -> Result<(), UsageError> {
    let path = use_line
        .split(' ')
        .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect::<Vec<_>>()
        .join(" ");
    let argument = |n: usize| if n == 1 { "argument" } else { "arguments" };
    let problem = match arity {
        Arity::None if !args.is_empty() => "accepts no arguments".to_string(),
        Arity::Exactly(n) if args.len() != n => format!("requires {n} {}", argument(n)),
        Arity::AtLeast(n) if args.len() < n => format!("requires at least {n} {}", argument(n)),
        Arity::AtMost(n) if args.len() > n => format!("accepts at most {n} {}", argument(n)),
        _ => return Ok(()),
    };
    Err(refused(format!(
        "\"{path}\" {problem}\n\nUsage:  {use_line}"
    )))
}

// `--version`, `-f/--values`, `--set` and `--set-string`.
#[derive(Debug, Args)]
struct ChartFlags {
    /// specify a version constraint for the chart version to use
    #[arg(long)]
    version: Option<String>,
    /// specify values in a YAML file (can specify multiple)
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<String>,
    /// set values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(long, value_name = "KEY=VALUE", allow_hyphen_values = true)]
    set: Vec<String>,
    /// set STRING values on the command line (can specify multiple or separate values with commas: key1=val1,key2=val2)
    #[arg(
        long = "set-string",
        value_name = "KEY=VALUE",
        allow_hyphen_values = true
    )]
    set_string: Vec<String>,
}

impl ChartFlags {
    /// The options, with the value sources in command-line order.
    fn options(&self, matches: &ArgMatches) -> ChartOptions {
        let mut sources: Vec<(usize, ValueSource)> = Vec::new();
        let mut collect = |id: &str, make: fn(String) -> ValueSource| {
            let values = matches.get_many::<String>(id).into_iter().flatten();
            let indices = matches.indices_of(id).into_iter().flatten();
            sources.extend(indices.zip(values).map(|(i, v)| (i, make(v.clone()))));
        };
        collect("values", ValueSource::File);
        collect("set", ValueSource::Set);
        collect("set_string", ValueSource::SetString);
        sources.sort_by_key(|(i, _)| *i);
        ChartOptions {
            version: self.version.clone(),
            value_sources: sources.into_iter().map(|(_, s)| s).collect(),
        }
    }
}

// `--wait`, `--atomic` and `--timeout`, as install and upgrade take them.
#[derive(Debug, Args)]
struct WaitFlags {
    /// if set, will wait until all Deployments are in a ready state before marking the release as successful
    #[arg(long)]
    wait: bool,
    /// if set, the installation waits like --wait (the simulation does not roll back on failure)
    #[arg(long)]
    atomic: bool,
    /// time to wait for any individual Kubernetes operation (like Jobs for hooks)
    #[arg(long, value_name = "DURATION")]
    timeout: Option<String>,
}

impl WaitFlags {
    fn wait(&self) -> Result<Option<Duration>, UsageError> {
        if self.wait || self.atomic {
            parse_duration(self.timeout.as_deref()).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// helm's `--timeout` (a Go duration like `5m0s`, `90s`); default 5 minutes.
fn parse_duration(text: Option<&str>) -> Result<Duration, UsageError> {
    let Some(text) = text else {
        return Ok(Duration::from_secs(300));
    };
    let bad = || {
        refused(format!(
            "invalid argument \"{text}\" for \"--timeout\" flag"
        ))
    };
    let mut total = 0.0_f64;
    let mut number = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                _ => return Err(bad()),
            }
        };
        let n: f64 = number.parse().map_err(|_| bad())?;
        total += n * unit;
        number.clear();
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests;
