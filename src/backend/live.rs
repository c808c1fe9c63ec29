//! The live and context backends: real `eksctl`, `helm`, `kubectl` and `aws`,
//! run through the shell with the user's own environment and kubeconfig.
//!
//! Before a command starts, what it will create is written to the ledger
//! (`ledger::plan`), so a kill in the middle of `eksctl create cluster`
//! still leaves a record for `trinetes cleanup`. Every output line has AWS
//! secrets masked before anything shows or keeps it.

use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::forwards::Forwards;
use super::portforward::ForwardStatus;
use super::process::{self, ShellCommand};
use super::{Backend, BackendError, CommandExit, StepEvent};
use crate::check::CheckContext;
use crate::ledger::Ledger;
use crate::ledger::plan::{self, Defaults};
use crate::lesson::{BackendKind, Step};
use crate::redact::Redactor;

/// Runs commands for real, with the user's environment plus `env`.
pub struct ShellBackend {
    kind: BackendKind,
    context: Option<String>,
    namespace: Option<String>,
    env: Vec<(String, String)>,
    ledger: Option<Ledger>,
    defaults: Defaults,
    redactor: Redactor,
    guard: Option<BillableGuard>,
    /// The kube client checks use; on the live backend it is read again
    /// from the kubeconfig after each command, since eksctl writes the
    /// cluster's context only when it has created it.
    checks_now: std::sync::Mutex<CheckContext>,
    forwards: Forwards,
}

/// The cost guard of a headless live run: billable steps show their
/// estimate and run only when the cluster's name was given to confirm.
pub struct BillableGuard {
    pub prices: crate::lesson::Prices,
    /// The node type eksctl uses when the command names none (the profile's).
    pub fallback_node_type: String,
    /// What `--confirm-billable` said, if anything.
    pub confirmed: Option<String>,
}

impl ShellBackend {
    pub fn live(checks: CheckContext) -> Self {
        ShellBackend {
            kind: BackendKind::Live,
            context: None,
            namespace: None,
            env: Vec::new(),
            ledger: None,
            defaults: Defaults {
                namespace: "default".to_string(),
                ..Defaults::default()
            },
            redactor: Redactor::from_env(),
            guard: None,
            checks_now: std::sync::Mutex::new(checks),
            forwards: Forwards::default(),
        }
    }

    pub fn context(name: Option<String>, checks: CheckContext) -> Self {
        ShellBackend {
            kind: BackendKind::Context,
            context: name.clone(),
            defaults: Defaults {
                namespace: "default".to_string(),
                context: name,
                ..Defaults::default()
            },
            ..ShellBackend::live(checks)
        }
    }

    /// Extra environment for every command (tests point PATH at stub tools;
    /// the context backend points KUBECONFIG at its private file).
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        self.redactor.learn_env([(key.as_str(), value.as_str())]);
        self.env.push((key, value));
        self
    }

    /// Writes what each command creates to this ledger before it starts.
    pub fn with_ledger(mut self, ledger: Ledger, region: &str) -> Self {
        self.ledger = Some(ledger);
        self.defaults.region = region.to_string();
        self
    }

    /// The namespace unqualified commands land in (the context backend's
    /// `--namespace`).
    pub fn with_namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_string());
        self.defaults.namespace = namespace.to_string();
        self
    }

    /// Billable steps show their cost and need the cluster's name typed.
    pub fn with_billable_guard(mut self, guard: BillableGuard) -> Self {
        self.guard = Some(guard);
        self
    }

    /// Shows a billable step's estimate; refuses it unless confirmed.
    async fn guard_billable(
        &self,
        step: &Step,
        events: &mpsc::Sender<StepEvent>,
    ) -> Result<(), BackendError> {
        let Some(guard) = &self.guard else {
            return Ok(());
        };
        if !step.billable || self.kind != BackendKind::Live {
            return Ok(());
        }
        let Some(estimate) = crate::cost::Estimate::for_command(
            &step.command,
            &self.defaults,
            &guard.prices,
            &guard.fallback_node_type,
        ) else {
            return Ok(());
        };
        for line in estimate.lines() {
            let _ = events.send(StepEvent::Output(line)).await;
        }
        if crate::cost::confirmed(&estimate, guard.confirmed.as_deref()) {
            return Ok(());
        }
        Err(BackendError::Other(match &guard.confirmed {
            Some(other) => format!(
                "not run: --confirm-billable {other:?} does not name the cluster this step creates ({:?})",
                estimate.cluster
            ),
            None => format!(
                "not run: this step creates billable AWS resources; to allow it, pass --confirm-billable {}",
                estimate.cluster
            ),
        }))
    }

    /// Reads the kube client again from the kubeconfig (live only).
    async fn refresh_kube(&self) {
        if self.kind != BackendKind::Live {
            return;
        }
        let mut kube_env = self.env.iter().filter(|(k, _)| k == "KUBECONFIG");
        let client = match kube_env.next() {
            Some((_, path)) => match kube::config::Kubeconfig::read_from(path) {
                Ok(config) => kube::Config::from_custom_kubeconfig(
                    config,
                    &kube::config::KubeConfigOptions::default(),
                )
                .await
                .ok()
                .and_then(|c| kube::Client::try_from(c).ok()),
                Err(_) => None,
            },
            None => kube::Client::try_default().await.ok(),
        };
        if let Some(client) = client {
            self.checks_now
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .kube = Some(client);
        }
    }

    /// Writes the resources `command` will create to the ledger.
    fn record(&self, command: &str) -> Result<(), BackendError> {
        let Some(ledger) = &self.ledger else {
            return Ok(());
        };
        for resource in plan::created_by(command, &self.defaults) {
            let per_hour = resource
                .billable()
                .then(|| {
                    let prices = crate::lesson::Prices::builtin().ok()?;
                    let node_type = self
                        .guard
                        .as_ref()
                        .map_or("t2.large", |g| g.fallback_node_type.as_str());
                    crate::cost::Estimate::for_command(command, &self.defaults, &prices, node_type)?
                        .per_hour
                })
                .flatten();
            ledger
                .record_costed(resource, &self.label(), per_hour)
                .map_err(|e| {
                    BackendError::Other(format!(
                        "{e}; the command did not start, so nothing was created untracked"
                    ))
                })?;
        }
        Ok(())
    }
}

impl ShellBackend {
    /// After a command that removes what the ledger lists (`helm
    /// uninstall`, `kubectl delete namespace`), marks each one removed once
    /// a look confirms it gone (`cleanup::confirm_gone`).
    async fn confirm_removed(&self, command: &str) {
        let Some(ledger) = self.ledger.clone() else {
            return;
        };
        let removed = plan::removed_by(command, &self.defaults);
        if removed.is_empty() {
            return;
        }
        let env = self.env.clone();
        let _ = tokio::task::spawn_blocking(move || {
            crate::cleanup::confirm_gone(&ledger, &removed, &env)
        })
        .await;
    }
}

impl ShellBackend {
    /// After a command that was to create an EKS cluster failed: when EKS
    /// answers that no such cluster exists, it was never made, and the
    /// ledger (and the spend shown) lets it go. When EKS cannot be asked,
    /// or the cluster is there (a create that failed midway), it stays.
    async fn confirm_never_made(&self, command: &str) {
        let Some(ledger) = &self.ledger else { return };
        for resource in plan::created_by(command, &self.defaults) {
            let crate::ledger::Resource::EksCluster { name, region } = &resource else {
                continue;
            };
            let Ok(client) = crate::aws::EksClient::from_env(Some(region)).await else {
                continue;
            };
            let asked = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                client.cluster_status(name),
            )
            .await;
            if let Ok(Ok(None)) = asked
                && let Err(e) = ledger.confirm_removed(&resource)
            {
                tracing::warn!("{e}");
            }
        }
    }
}

/// Why a live `eksctl create cluster` without a name on its command line
/// does not run: trinetes could neither ask for the name before the cost
/// starts nor write it to the ledger that cleanup works from.
const UNNAMED_CLUSTER: &str = "not run: this `eksctl create cluster` names no cluster on its command line, so eksctl would make a name up (or read it from a config file). trinetes must know the name before the cluster is billed, to ask you to confirm it and to delete it at cleanup: add `--name NAME` to the command";

/// The words of a lone `kubectl port-forward ...` command, which trinetes
/// carries out itself so the forward outlives the step; None for anything
/// else, including a script that merely contains one.
fn port_forward_words(command: &str) -> Option<Vec<String>> {
    let line = command.replace("\\\n", " ");
    if line.trim().contains('\n') {
        return None;
    }
    let words = shell_words::split(&line).ok()?;
    let is_operator = |w: &String| matches!(w.as_str(), "&&" | "||" | ";" | "|" | "&");
    (words.first().map(String::as_str) == Some("kubectl")
        && words.get(1).map(String::as_str) == Some("port-forward")
        && !words.iter().any(is_operator))
    .then_some(words)
}

/// Commands the context backend does not run: it uses an existing cluster,
/// so it creates none, and the step's kubeconfig has only that cluster.
fn context_skips(command: &str) -> Option<&'static str> {
    let words = shell_words::split(command).unwrap_or_default();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["eksctl", ..] => Some("eksctl creates and deletes EKS clusters"),
        ["aws", "eks", ..] => Some("it talks to EKS"),
        ["kubectl", "config", "use-context", ..] => {
            Some("the run's kubeconfig holds only the chosen context")
        }
        _ => None,
    }
}

impl Backend for ShellBackend {
    fn kind(&self) -> BackendKind {
        self.kind
    }

    fn label(&self) -> String {
        match (&self.kind, &self.context, &self.namespace) {
            (BackendKind::Context, Some(ctx), Some(ns)) => format!("context {ctx} ns {ns}"),
            (BackendKind::Context, Some(ctx), None) => format!("context {ctx}"),
            (kind, _, _) => kind.name().to_string(),
        }
    }

    fn run_command<'a>(
        &'a self,
        command: &'a str,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        let spec = ShellCommand {
            command: command.to_string(),
            env: self.env.clone(),
            dir: None,
            redact: Some(self.redactor.clone()),
        };
        async move {
            if self.kind == BackendKind::Live && plan::creates_unnamed_cluster(command) {
                return Err(BackendError::Other(UNNAMED_CLUSTER.to_string()));
            }
            self.record(command)?;
            if let Some(words) = port_forward_words(command) {
                let client = self.check_context().kube;
                let exit = self
                    .forwards
                    .open(client, &self.defaults.namespace, &words, events)
                    .await;
                return Ok(exit);
            }
            let exit = process::run(&spec, events, cancel).await;
            self.refresh_kube().await;
            self.confirm_removed(command).await;
            if exit.as_ref().is_ok_and(|e| !e.success()) {
                self.confirm_never_made(command).await;
            }
            exit
        }
        .boxed()
    }

    fn run_step<'a>(
        &'a self,
        step: &'a Step,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        async move {
            self.guard_billable(step, events).await?;
            self.run_command(&step.command, events, cancel).await
        }
        .boxed()
    }

    fn check_context(&self) -> CheckContext {
        let mut ctx = self
            .checks_now
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // A forward that had to take another local port: checks follow it,
        // as on dry-run (two learners on one machine, or 8080 taken).
        ctx.moved_ports = self.forwards.moved_ports();
        ctx
    }

    fn interactive_command(&self, command: &str) -> std::process::Command {
        if let Err(e) = self.record(command) {
            tracing::warn!("{e}");
        }
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(command)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd
    }

    fn forwards(&self) -> Vec<ForwardStatus> {
        self.forwards.statuses()
    }

    fn spending(&self) -> Vec<super::Spending> {
        let Some(ledger) = &self.ledger else {
            return Vec::new();
        };
        ledger
            .open()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| match &e.resource {
                crate::ledger::Resource::EksCluster { name, .. } => Some(super::Spending {
                    what: format!("EKS {name}"),
                    since: e.created_at,
                    per_hour: e.per_hour,
                }),
                _ => None,
            })
            .collect()
    }

    fn stop_forwards(&self) -> BoxFuture<'_, ()> {
        async move {
            let closing = self.forwards.args();
            self.forwards.stop_all().await;
            let Some(ledger) = &self.ledger else { return };
            for args in closing {
                let resource = crate::ledger::Resource::PortForward {
                    local_port: args.local_port,
                    target: args.target.to_string(),
                };
                // Confirmed gone only when the port is free again.
                if std::net::TcpListener::bind(("127.0.0.1", args.local_port)).is_ok()
                    && let Err(e) = ledger.confirm_removed(&resource)
                {
                    tracing::warn!("{e}");
                }
            }
        }
        .boxed()
    }

    fn skip_reason(&self, step: &Step) -> Option<String> {
        if let Some(why) = super::backends_skip_reason(step, self.kind) {
            return Some(why);
        }
        if self.kind == BackendKind::Context
            && let Some(why) = context_skips(&step.command)
        {
            let ctx = self.context.as_deref().unwrap_or("the current context");
            return Some(format!(
                "the context backend uses the existing cluster of {ctx}, and this step is skipped there: {why}"
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_port_forward_is_carried_out_by_trinetes() {
        assert!(port_forward_words("kubectl port-forward svc/tcb-trino 8080:8080").is_some());
        assert!(port_forward_words("kubectl port-forward \\\n  svc/tcb-trino 8080:8080").is_some());
        assert!(port_forward_words("kubectl port-forward svc/x 8080 & sleep 1").is_none());
        assert!(port_forward_words("kubectl get pods").is_none());
        assert!(port_forward_words("echo a\nkubectl port-forward svc/x 1:1").is_none());
    }

    #[test]
    fn the_context_backend_skips_cluster_creation_and_context_switches() {
        assert!(context_skips("eksctl create cluster --name x").is_some());
        assert!(context_skips("eksctl delete cluster --name x").is_some());
        assert!(context_skips("aws eks describe-cluster --name x").is_some());
        assert!(context_skips("kubectl config use-context kind-trinetes").is_some());
        assert!(context_skips("kubectl get nodes").is_none());
        assert!(context_skips("helm install tcb trino/trino").is_none());
    }

    #[tokio::test]
    async fn a_live_cluster_create_without_a_name_is_refused_before_eksctl_runs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let called = dir.path().join("eksctl-called");
        let stub = dir.path().join("eksctl");
        std::fs::write(
            &stub,
            format!("#!/bin/sh\necho \"$@\" > '{}'\n", called.display()),
        )
        .unwrap();
        std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!(
            "{}:{}",
            dir.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let ledger = Ledger::in_dir(&dir.path().join("ledger"));
        let backend = ShellBackend::live(CheckContext::default())
            .with_env("PATH", path)
            .with_ledger(ledger.clone(), "us-east-1");
        let (tx, _rx) = mpsc::channel(64);
        let cancel = CancellationToken::new();
        for command in [
            "eksctl create cluster --nodes 2",
            "eksctl create cluster -f cluster.yaml",
        ] {
            let got = backend.run_command(command, &tx, &cancel).await;
            let Err(BackendError::Other(why)) = got else {
                panic!("{command}: expected a refusal, got {got:?}");
            };
            assert!(why.contains("--name NAME"), "{why}");
        }
        assert!(!called.exists(), "eksctl ran");
        assert!(ledger.open().unwrap().is_empty());
        // The same stub runs when the command names its cluster.
        let named = backend
            .run_command("eksctl create cluster --name tcb-cluster", &tx, &cancel)
            .await
            .unwrap();
        assert!(named.success());
        assert_eq!(
            std::fs::read_to_string(&called).unwrap().trim(),
            "create cluster --name tcb-cluster"
        );
    }

    #[test]
    fn commands_write_what_they_create_to_the_ledger_before_they_run() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_dir(dir.path());
        let backend =
            ShellBackend::live(CheckContext::default()).with_ledger(ledger.clone(), "us-east-2");
        backend
            .record("eksctl create cluster --name tcb-cluster --nodes 2")
            .unwrap();
        let open = ledger.open().unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(
            open[0].resource,
            crate::ledger::Resource::EksCluster {
                name: "tcb-cluster".into(),
                region: "us-east-2".into()
            }
        );
        assert_eq!(open[0].backend, "live");
    }
}
