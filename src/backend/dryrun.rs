//! The dry-run backend: step commands go to the simulated world. `eksctl` and
//! `helm` are simulated; `kubectl port-forward` is carried out by trinetes
//! itself; everything else (kubectl first of all) runs for real, with
//! KUBECONFIG and the AWS endpoint pointing into the world. A lone `kubectl`
//! call on a machine without kubectl goes to the built-in fallback.
//!
//! Each step talks to the cluster its lesson names (the practice cluster, or
//! the profile's EKS cluster), whatever the world's current context says:
//! kubectl gets a KUBECONFIG that lists a one-line file naming that context
//! before the world's own file, and helm, port-forwards and checks go to
//! that cluster directly.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::forwards::Forwards;
use super::portforward;
use super::process::{self, ShellCommand};
use super::{Backend, BackendError, CommandExit, StepCluster, StepEvent, kubectl_fallback};
use crate::check::{self, CheckContext, EksTarget};
use crate::lesson::{BackendKind, Step};
use crate::sim::world::{World, WorldOutput};

mod kubectl_config;
mod target;

use target::Target;

/// The most a check's time limit shrinks by: limits are simulated time, but
/// a world at the fast pace's speed would leave a `20s` check 0.2 s of
/// wall time, less than a busy machine needs to answer at all.
const CHECK_LIMIT_SPEED: f64 = 40.0;

/// Characters that make a command a shell script rather than one tool call.
const SHELL_SYNTAX: [&str; 8] = ["|", ";", "&&", "||", "$(", "`", ">", "<"];

pub struct DryRunBackend {
    world: Arc<World>,
    forwards: Forwards,
    /// The PATH steps run with, when not the process's own.
    path: Option<OsString>,
    /// The EKS cluster lessons with `cluster: eks` use (the profile's
    /// `cluster_name`); None takes whichever EKS cluster runs.
    eks_cluster: Option<String>,
    /// The checks' kube clients by API server URL: making one loads the
    /// machine's root certificates (for https, which the simulated clusters
    /// do not use), a few milliseconds each step would otherwise spend.
    check_clients: Mutex<HashMap<String, kube::Client>>,
}

impl DryRunBackend {
    pub fn new(world: Arc<World>) -> Self {
        DryRunBackend {
            world,
            forwards: Forwards::default(),
            path: None,
            eks_cluster: None,
            check_clients: Mutex::default(),
        }
    }

    /// Steps of lessons with `cluster: eks` use the EKS cluster `name`.
    pub fn with_eks_cluster(self, name: impl Into<String>) -> Self {
        DryRunBackend {
            eks_cluster: Some(name.into()),
            ..self
        }
    }

    /// Stop every port-forward, then start the world over.
    pub async fn reset(&self) -> Result<(), BackendError> {
        self.stop_forwards().await;
        self.clients().clear();
        self.world
            .reset()
            .await
            .map_err(|e| BackendError::Other(format!("cannot reset the world: {e}")))
    }

    /// A backend whose steps run with this PATH instead of the process's own
    /// (it decides, among other things, whether kubectl is installed).
    pub fn with_path(world: Arc<World>, path: impl Into<OsString>) -> Self {
        DryRunBackend {
            path: Some(path.into()),
            ..DryRunBackend::new(world)
        }
    }

    /// Where `kubectl` is on the PATH steps run with, if anywhere.
    pub fn kubectl_path(&self) -> Option<PathBuf> {
        let path = match &self.path {
            Some(p) => p.clone(),
            None => std::env::var_os("PATH")?,
        };
        find_executable("kubectl", &path)
    }

    pub fn world(&self) -> &Arc<World> {
        &self.world
    }

    pub fn into_world(self) -> Arc<World> {
        self.world
    }

    /// The environment every real tool gets: the world's kubeconfig, and the
    /// simulated EKS endpoint with test credentials for the `aws` CLI.
    pub fn env(&self) -> Vec<(String, String)> {
        self.env_for(&Target::Current, "")
    }

    fn clients(&self) -> std::sync::MutexGuard<'_, HashMap<String, kube::Client>> {
        self.check_clients.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The checks' client for the API server at `url`, made once.
    fn check_client(&self, url: String) -> Option<kube::Client> {
        if let Some(client) = self.clients().get(&url) {
            return Some(client.clone());
        }
        let client = check::client_for_url(&url).ok()?;
        self.clients().insert(url, client.clone());
        Some(client)
    }

    /// Where checks look when commands go to `target`.
    fn check_context_on(&self, target: &Target) -> CheckContext {
        CheckContext {
            kube: self
                .target_url(target)
                .and_then(|url| self.check_client(url)),
            eks: Some(EksTarget::Endpoint(self.world.eks_url())),
            moved_ports: self.forwards.moved_ports(),
            clock_speed: Some(self.world.speed().min(CHECK_LIMIT_SPEED)),
            kubeconfig: Some(self.world.kubeconfig_path().to_path_buf()),
            ..CheckContext::default()
        }
    }

    /// The folder shell steps run in: the world's `files`, so that a file a
    /// lesson writes (a manifest it then edits and applies) belongs to this
    /// world, is found again by the next step, and never lands in whatever
    /// folder trinetes was started from. None (the process's own folder)
    /// if it cannot be made.
    pub fn files_dir(&self) -> Option<PathBuf> {
        let dir = self.world.dir().join("files");
        match std::fs::create_dir_all(&dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                tracing::warn!("cannot make {}: {e}", dir.display());
                None
            }
        }
    }

    /// The forwarded addresses that are still open.
    pub fn forwarded(&self) -> Vec<std::net::SocketAddr> {
        self.forwards.addresses()
    }

    async fn run(
        &self,
        command: &str,
        target: &Target,
        events: &mpsc::Sender<StepEvent>,
        cancel: &CancellationToken,
    ) -> Result<CommandExit, BackendError> {
        let is_script = SHELL_SYNTAX.iter().any(|s| command.contains(s));
        let words = shell_words::split(&command.replace("\\\n", " ")).unwrap_or_default();
        let tool = if is_script {
            None
        } else {
            words.first().map(String::as_str)
        };
        match tool {
            Some("eksctl") => {
                let (tx, rx) = mpsc::channel(256);
                let work = self.world.eksctl(command, &tx);
                world_call(work, rx, events, cancel).await
            }
            Some("helm") => {
                let (tx, rx) = mpsc::channel(256);
                let context = match target {
                    Target::Current => None,
                    Target::Running { context } => Some(context.as_str()),
                    Target::Missing { name } => Some(name.as_str()),
                };
                let work = self.world.helm_on(context, &words[1..], &tx);
                world_call(work, rx, events, cancel).await
            }
            Some("kubectl") if words.get(1).map(String::as_str) == Some("port-forward") => {
                self.port_forward(&words, target, events).await
            }
            // A newline outside a continuation makes it a script of several commands.
            Some("kubectl")
                if words.get(1).map(String::as_str) == Some("config")
                    && !command.replace("\\\n", " ").trim().contains('\n')
                    && self.kubectl_path().is_none() =>
            {
                self.kubectl_config(&words, events).await
            }
            Some("kubectl")
                if !command.replace("\\\n", " ").trim().contains('\n')
                    && self.kubectl_path().is_none() =>
            {
                self.kubectl_fallback(&words, target, events, cancel).await
            }
            _ => {
                let spec = ShellCommand {
                    command: command.to_string(),
                    env: self.env_for(target, command),
                    dir: self.files_dir(),
                    redact: None,
                };
                process::run(&spec, events, cancel).await
            }
        }
    }

    async fn kubectl_fallback(
        &self,
        words: &[String],
        target: &Target,
        events: &mpsc::Sender<StepEvent>,
        cancel: &CancellationToken,
    ) -> Result<CommandExit, BackendError> {
        let _ = events
            .send(StepEvent::Output(kubectl_fallback::notice()))
            .await;
        let url = self.target_url(target);
        let outcome = tokio::select! {
            outcome = kubectl_fallback::run(url.as_deref(), words) => outcome,
            () = cancel.cancelled() => return Err(BackendError::Cancelled),
        };
        for line in outcome.lines {
            let _ = events.send(StepEvent::Output(line)).await;
        }
        Ok(CommandExit {
            code: Some(outcome.code),
        })
    }

    async fn port_forward(
        &self,
        words: &[String],
        target: &Target,
        events: &mpsc::Sender<StepEvent>,
    ) -> Result<CommandExit, BackendError> {
        let client = match self.target_url(target) {
            Some(url) => {
                Some(check::client_for_url(&url).map_err(|e| BackendError::Other(e.to_string()))?)
            }
            None => {
                let what = match target {
                    Target::Missing { name } => format!("the cluster {name} does not exist"),
                    _ => "the current kubeconfig context has no running cluster".to_string(),
                };
                let _ = events
                    .send(StepEvent::Output(format!("error: {what}")))
                    .await;
                return Ok(CommandExit { code: Some(1) });
            }
        };
        Ok(self.forwards.open(client, "default", words, events).await)
    }
}

/// The first executable file called `name` in a PATH-style list.
fn find_executable(name: &str, path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(candidate: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    candidate
        .metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Run a world command, passing its output on as step events in order.
async fn world_call(
    work: impl std::future::Future<Output = i32>,
    mut output: mpsc::Receiver<WorldOutput>,
    events: &mpsc::Sender<StepEvent>,
    cancel: &CancellationToken,
) -> Result<CommandExit, BackendError> {
    let pass_on = |out: WorldOutput| match out {
        WorldOutput::Line(line) => StepEvent::Output(line),
        WorldOutput::Stage { name, fraction } => StepEvent::Stage { name, fraction },
    };
    tokio::pin!(work);
    let code = loop {
        tokio::select! {
            biased;
            Some(out) = output.recv() => { let _ = events.send(pass_on(out)).await; }
            code = &mut work => break code,
            () = cancel.cancelled() => return Err(BackendError::Cancelled),
        }
    };
    while let Ok(out) = output.try_recv() {
        let _ = events.send(pass_on(out)).await;
    }
    Ok(CommandExit { code: Some(code) })
}

impl Backend for DryRunBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::DryRun
    }

    fn label(&self) -> String {
        "dry-run".to_string()
    }

    fn run_command<'a>(
        &'a self,
        command: &'a str,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        self.run(command, &Target::Current, events, cancel).boxed()
    }

    fn run_step<'a>(
        &'a self,
        step: &'a Step,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        async move {
            let target = self.target(step);
            self.run(&step.command, &target, events, cancel).await
        }
        .boxed()
    }

    fn step_check_context(&self, step: &Step) -> CheckContext {
        self.check_context_on(&self.target(step))
    }

    fn step_cluster(&self, step: &Step) -> Option<StepCluster> {
        let unfinished = self.world.unfinished_create(&step.command);
        // `kubectl config` works on the world's own kubeconfig (see
        // `env_for`): its cluster is the current context's, as it is now.
        let target = if step.command.contains("kubectl config") {
            Target::Current
        } else {
            self.target(step)
        };
        Some(match target {
            Target::Running { context } => StepCluster {
                name: context,
                running: true,
                eks_status: None,
                unfinished,
            },
            Target::Missing { name } => StepCluster {
                eks_status: self.world.eks_status(&name),
                name,
                running: false,
                unfinished,
            },
            Target::Current => StepCluster {
                name: self.world.current_context().unwrap_or_default(),
                running: self.world.current_cluster_url().is_some(),
                eks_status: None,
                unfinished,
            },
        })
    }

    fn step_interactive_command(&self, step: &Step) -> std::process::Command {
        let target = self.target(step);
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(&step.command)
            .envs(self.env_for(&target, &step.command));
        if let Some(dir) = self.files_dir() {
            cmd.current_dir(dir);
        }
        cmd
    }

    fn reset_world(&self) -> BoxFuture<'_, Result<(), BackendError>> {
        self.reset().boxed()
    }

    fn fast_stretch(&self) -> Option<crate::sim::world::FastStretch> {
        Some(self.world.fast_stretch())
    }

    fn fast_stretch_at(&self, speed: f64) -> Option<crate::sim::world::FastStretch> {
        Some(self.world.fast_stretch_at(speed))
    }

    fn fast_forward(&self, speed: f64) -> Option<crate::sim::world::FastForward> {
        Some(self.world.fast_forward(speed))
    }

    fn fast_forward_by(&self, speed: f64, factor: f64) -> Option<crate::sim::world::FastForward> {
        Some(self.world.fast_forward_by(speed, factor))
    }

    fn check_context(&self) -> CheckContext {
        self.check_context_on(&Target::Current)
    }

    fn interactive_command(&self, command: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c").arg(command).envs(self.env());
        if let Some(dir) = self.files_dir() {
            cmd.current_dir(dir);
        }
        cmd
    }

    fn forwards(&self) -> Vec<portforward::ForwardStatus> {
        self.forwards.statuses()
    }

    fn stop_forwards(&self) -> BoxFuture<'_, ()> {
        self.forwards.stop_all().boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_executable_file_on_the_path_counts() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let empty = tempfile::tempdir().expect("temp dir");
        let tool = dir.path().join("kubectl");
        std::fs::write(&tool, "#!/bin/sh\n").expect("write");
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let path = std::env::join_paths([empty.path(), dir.path()]).expect("joins");
        assert_eq!(find_executable("kubectl", &path), None, "not executable");
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        assert_eq!(find_executable("kubectl", &path), Some(tool));
        assert_eq!(find_executable("kubectl", empty.path().as_os_str()), None);
    }
}
