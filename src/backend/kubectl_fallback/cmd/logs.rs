//! `kubectl logs`.

use clap::Args;

use super::{Invocation, number, usage};
use crate::backend::kubectl_fallback::FallbackError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsArgs {
    /// `POD`, `pod/POD`, `deploy/NAME` or `deployment/NAME`.
    pub target: String,
    pub namespace: String,
    pub container: Option<String>,
    pub previous: bool,
    pub tail: Option<i64>,
}

/// Print the logs for a container in a pod
#[derive(Debug, Args)]
pub struct Logs {
    /// Print the logs of this container
    #[arg(short = 'c', long)]
    container: Option<String>,
    /// If true, print the logs for the previous instance of the container in a pod if it exists
    #[arg(short = 'p', long)]
    previous: bool,
    /// Lines of recent log file to display; -1 shows all lines
    #[arg(long, value_name = "INT", allow_hyphen_values = true)]
    tail: Option<String>,
    #[arg(value_name = "POD | TYPE/NAME [CONTAINER]")]
    args: Vec<String>,
}

impl Logs {
    pub(super) fn invocation(self, namespace: String) -> Result<Invocation, FallbackError> {
        let (target, container) = match self.args.as_slice() {
            [t] => (t.clone(), None),
            [t, c] => (t.clone(), Some(c.clone())),
            [] => {
                return Err(usage(
                    "kubectl logs needs a pod: kubectl logs POD or kubectl logs deploy/NAME",
                ));
            }
            _ => {
                return Err(usage(
                    "kubectl logs takes one pod and at most one container",
                ));
            }
        };
        let tail = match self.tail {
            Some(t) => Some(number::<i64>("--tail", &t)?).filter(|n| *n >= 0),
            None => None,
        };
        Ok(Invocation::Logs(LogsArgs {
            target,
            namespace,
            container: self.container.or(container),
            previous: self.previous,
            tail,
        }))
    }
}
