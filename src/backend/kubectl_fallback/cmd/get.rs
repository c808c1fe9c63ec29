//! `kubectl get`.

use clap::Args;

use super::target::one_target;
use super::{Invocation, Target, usage};
use crate::backend::kubectl_fallback::FallbackError;

/// Which namespaces a command looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `-n NS`, or `default` when not given.
    Namespace(String),
    /// `-A` / `--all-namespaces`.
    All,
}

impl Scope {
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Scope::Namespace(ns) => Some(ns),
            Scope::All => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Wide,
    Name,
    Json,
    Yaml,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetArgs {
    pub target: Target,
    pub scope: Scope,
    pub selector: Option<String>,
    pub output: OutputFormat,
    pub show_labels: bool,
    pub no_headers: bool,
}

/// Display one or many resources
#[derive(Debug, Args)]
pub struct Get {
    /// Selector (label query) to filter on
    #[arg(short = 'l', long)]
    selector: Option<String>,
    /// If present, list the requested object(s) across all namespaces
    #[arg(short = 'A', long = "all-namespaces")]
    all_namespaces: bool,
    /// Output format: wide, name, json or yaml
    #[arg(short = 'o', long)]
    output: Option<String>,
    /// When printing, show all labels as the last column
    #[arg(long = "show-labels")]
    show_labels: bool,
    /// When using the default or custom-column output format, don't print headers
    #[arg(long = "no-headers")]
    no_headers: bool,
    #[arg(value_name = "TYPE[.VERSION][.GROUP] [NAME...]")]
    args: Vec<String>,
}

impl Get {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let target = one_target("get", &self.args)?;
        let output = match self.output.as_deref() {
            None => OutputFormat::Table,
            Some("wide") => OutputFormat::Wide,
            Some("name") => OutputFormat::Name,
            Some("json") => OutputFormat::Json,
            Some("yaml") => OutputFormat::Yaml,
            Some(other) => {
                return Err(usage(format!(
                    "the built-in kubectl fallback prints -o wide, name, json or yaml, not {other:?}; install kubectl for more"
                )));
            }
        };
        let scope = if self.all_namespaces {
            Scope::All
        } else {
            Scope::Namespace(namespace)
        };
        Ok(Invocation::Get(GetArgs {
            target,
            scope,
            selector: self.selector,
            output,
            show_labels: self.show_labels,
            no_headers: self.no_headers,
        }))
    }
}
