//! The live and context backends: real `eksctl`, `helm`, `kubectl` and `aws`,
//! run through the shell with the user's own environment and kubeconfig.

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::process::{self, ShellCommand};
use super::{Backend, BackendError, CommandExit, StepEvent};
use crate::check::CheckContext;
use crate::lesson::BackendKind;

/// Runs commands for real, with the user's environment plus `env`.
pub struct ShellBackend {
    kind: BackendKind,
    context: Option<String>,
    env: Vec<(String, String)>,
    checks: CheckContext,
}

impl ShellBackend {
    pub fn live(checks: CheckContext) -> Self {
        ShellBackend {
            kind: BackendKind::Live,
            context: None,
            env: Vec::new(),
            checks,
        }
    }

    pub fn context(name: Option<String>, checks: CheckContext) -> Self {
        ShellBackend {
            kind: BackendKind::Context,
            context: name,
            env: Vec::new(),
            checks,
        }
    }

    /// Extra environment for every command (tests point PATH at stub tools).
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }
}

impl Backend for ShellBackend {
    fn kind(&self) -> BackendKind {
        self.kind
    }

    fn label(&self) -> String {
        match (&self.kind, &self.context) {
            (BackendKind::Context, Some(ctx)) => format!("context {ctx}"),
            (kind, _) => kind.name().to_string(),
        }
    }

    fn run_command<'a>(
        &'a self,
        command: &'a str,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        let env = self.env.clone();
        let spec = ShellCommand {
            command: command.to_string(),
            env,
            dir: None,
        };
        async move { process::run(&spec, events, cancel).await }.boxed()
    }

    fn check_context(&self) -> CheckContext {
        self.checks.clone()
    }

    fn interactive_command(&self, command: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(command)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }
}
