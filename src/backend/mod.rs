//! Backends run one step command and stream its output. The `live` and
//! `context` backends run real tools; `dry-run` routes commands to the
//! simulated world. Each backend also says where checks should look.

pub mod context;
pub mod dryrun;
pub mod fallback;
pub mod forwards;
pub mod kubectl_fallback;
pub mod live;
pub mod portforward;
pub mod process;
pub mod setup;

use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::check::CheckContext;
use crate::lesson::{BackendKind, Step};

/// What a running command reports while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum StepEvent {
    /// One line of merged stdout/stderr, without its line ending.
    Output(String),
    /// A named stage of a long command and how far along it is (0.0–1.0), when known.
    Stage { name: String, fraction: Option<f32> },
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandExit {
    /// The exit code; `None` when the process was ended by a signal.
    pub code: Option<i32>,
}

impl CommandExit {
    pub fn success(self) -> bool {
        self.code == Some(0)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("cannot start `{command}`: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{tool} is not installed or not on PATH: {install}")]
    MissingTool { tool: String, install: String },
    #[error("the step was cancelled")]
    Cancelled,
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

/// The cluster a step talks to, for the step box, as the world has it now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepCluster {
    /// The kubeconfig context (`kind-trinetes`), or the EKS cluster's name
    /// while it does not exist.
    pub name: String,
    /// Whether the cluster exists now; a step of a cluster that does not
    /// exist fails as it would on a real machine.
    pub running: bool,
    /// The EKS status of a cluster that is not running on the Kubernetes
    /// side yet (`CREATING`, `ACTIVE` after an interrupted create).
    pub eks_status: Option<String>,
    /// The step creates an EKS cluster that is there but not finished.
    pub unfinished: Option<crate::sim::world::UnfinishedCreate>,
}

/// Something real that is billed while it exists, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Spending {
    /// e.g. `EKS tcb-cluster`.
    pub what: String,
    pub since: jiff::Timestamp,
    /// The estimated cost per hour, when known.
    pub per_hour: Option<f64>,
}

impl Spending {
    /// The estimated spend from `since` to `now`.
    pub fn so_far(&self, now: jiff::Timestamp) -> Option<f64> {
        let hours = now.duration_since(self.since).as_secs_f64().max(0.0) / 3600.0;
        self.per_hour.map(|p| p * hours)
    }
}

/// One place where steps run.
pub trait Backend: Send + Sync {
    fn kind(&self) -> BackendKind;

    /// A short name for the status bar, e.g. `dry-run` or `context kind-tcb`.
    fn label(&self) -> String;

    /// Run one command (variables already expanded), sending output as it comes.
    fn run_command<'a>(
        &'a self,
        command: &'a str,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>>;

    /// Where checks look for this backend.
    fn check_context(&self) -> CheckContext;

    /// Run a step's command (variables already expanded) against the
    /// cluster the step's lesson uses, whatever the current context is.
    fn run_step<'a>(
        &'a self,
        step: &'a Step,
        events: &'a mpsc::Sender<StepEvent>,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        self.run_command(&step.command, events, cancel)
    }

    /// Where a step's checks look: the cluster the step runs against.
    fn step_check_context(&self, step: &Step) -> CheckContext {
        let _ = step;
        self.check_context()
    }

    /// The cluster a step runs against, when the backend chooses it (the
    /// dry-run world); None when the step goes wherever the user's own
    /// kubeconfig points.
    fn step_cluster(&self, step: &Step) -> Option<StepCluster> {
        let _ = step;
        None
    }

    /// The process for an interactive step, aimed at the step's cluster.
    fn step_interactive_command(&self, step: &Step) -> std::process::Command {
        self.interactive_command(&step.command)
    }

    /// Start the backend's world over (dry-run only): every cluster, EKS
    /// record and release goes, and a new practice cluster starts.
    fn reset_world(&self) -> BoxFuture<'_, Result<(), BackendError>> {
        Box::pin(async {
            Err(BackendError::Other(
                "only the dry-run backend has a world to reset".to_string(),
            ))
        })
    }

    /// The process for an interactive step: the caller hands it the terminal
    /// (inherited stdin, stdout and stderr) and takes the terminal back after.
    fn interactive_command(&self, command: &str) -> std::process::Command {
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c").arg(command);
        cmd
    }

    /// Runs the backend's world at its pace's speed until dropped (a step
    /// and its checks); None when the backend has no simulated clock.
    fn fast_stretch(&self) -> Option<crate::sim::world::FastStretch> {
        None
    }

    /// Runs the backend's world at least `speed` times the wall until
    /// dropped, whatever the session's pace (a build-up); None when the
    /// backend has no simulated clock.
    fn fast_stretch_at(&self, speed: f64) -> Option<crate::sim::world::FastStretch> {
        let _ = speed;
        None
    }

    /// Hurries the backend's world until dropped (a presenter's
    /// fast-forward): clocks at `speed`, simulated eksctl runs faster. None
    /// when the backend's time is real.
    fn fast_forward(&self, speed: f64) -> Option<crate::sim::world::FastForward> {
        let _ = speed;
        None
    }

    /// [`Backend::fast_forward`] with simulated plans (eksctl) `factor`
    /// times faster than their pace: how a build-up hurries.
    fn fast_forward_by(&self, speed: f64, factor: f64) -> Option<crate::sim::world::FastForward> {
        let _ = (speed, factor);
        None
    }

    /// What this backend created that is billed while it exists (the live
    /// backend's EKS clusters, from its ledger).
    fn spending(&self) -> Vec<Spending> {
        Vec::new()
    }

    /// The port-forwards this backend holds open, for the status bar.
    fn forwards(&self) -> Vec<portforward::ForwardStatus> {
        Vec::new()
    }

    /// Close every port-forward (its lesson was left or completed, or the
    /// learner asked).
    fn stop_forwards(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }

    /// Why a step does not run on this backend, if it does not.
    fn skip_reason(&self, step: &Step) -> Option<String> {
        backends_skip_reason(step, self.kind())
    }
}

/// Why `step` does not run on backend `kind` by its `backends` list.
pub fn backends_skip_reason(step: &Step, kind: BackendKind) -> Option<String> {
    if step.backends.is_empty() || step.backends.contains(&kind) {
        return None;
    }
    Some(step.skip_reason.clone().unwrap_or_else(|| {
        let on: Vec<&str> = step.backends.iter().map(|b| b.name()).collect();
        format!("this step runs only on {}", on.join(", "))
    }))
}
