//! `kubectl exec`, without a terminal or stdin: the fallback runs with no
//! keyboard attached.

use clap::Args;

use super::{Invocation, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecArgs {
    /// `POD`, `pod/POD`, `deploy/NAME` or `deployment/NAME`.
    pub target: String,
    pub namespace: String,
    pub container: Option<String>,
    pub command: Vec<String>,
}

/// Execute a command in a container
#[derive(Debug, Args)]
pub struct Exec {
    /// Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen
    #[arg(short = 'c', long)]
    container: Option<String>,
    /// Pass stdin to the container
    #[arg(short = 'i', long)]
    stdin: bool,
    /// Stdin is a TTY
    #[arg(short = 't', long)]
    tty: bool,
    /// Only print output from the remote session
    #[arg(short = 'q', long)]
    quiet: bool,
    #[arg(value_name = "POD | TYPE/NAME")]
    target: Option<String>,
    /// The command after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

impl Exec {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        if self.stdin || self.tty {
            return Err(usage(
                "the built-in kubectl fallback runs exec without a terminal or stdin (no -i, no -t); install kubectl for an interactive shell",
            ));
        }
        let Some(target) = self.target else {
            return Err(usage("pod, type/name or --filename must be specified"));
        };
        if self.command.is_empty() {
            return Err(usage(
                "you must specify at least one command for the container",
            ));
        }
        Ok(Invocation::Exec(ExecArgs {
            target,
            namespace,
            container: self.container,
            command: self.command,
        }))
    }
}
