//! The simulated eksctl: parses the eksctl command lines of the episode,
//! validates them as eksctl does, and turns them into a [`Plan`]: the ordered
//! log lines eksctl prints (with their offsets in a real run) and the actions
//! the dry-run world must take between them. No I/O of its own: the dry-run
//! backend drives the plan against the simulated EKS endpoint and cluster.

mod cmd;
mod create;
mod delete;
mod eks_requests;
mod get;
mod plan;

use std::time::Duration;

pub use crate::sim::eks::NodegroupSummary;
pub use cmd::{
    CreateClusterArgs, DeleteClusterArgs, EksctlCommand, GetClusterArgs, GetNodegroupArgs,
    parse_args, parse_command_line, split_command_line,
};
pub use create::plan_create;
pub use delete::plan_delete;
pub use eks_requests::{EKSCTL_CLUSTER_TAG, existing_clusters};
pub use get::{plan_get, plan_get_nodegroup};
pub use plan::{PlanAction, plan};

/// The eksctl version the episode used (its first log line), and the one the
/// simulation claims to be when the profile names none.
pub const EPISODE_EKSCTL_VERSION: &str = "0.76.0";

/// What eksctl would find in the world when it starts: its defaults and the
/// clusters that already exist. The caller (the dry-run backend) fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EksctlEnv {
    /// Printed by the first log line, `eksctl version X`.
    pub eksctl_version: String,
    /// Used when no `--region` is given (eksctl reads it from the AWS config).
    pub default_region: String,
    /// Kubernetes versions EKS accepts today, oldest first.
    pub supported_versions: Vec<String>,
    /// Used when no `--version` is given.
    pub default_version: String,
    /// The IAM user name, which eksctl puts into the kubeconfig context name.
    pub iam_user: String,
    /// The kubeconfig path as eksctl prints it, e.g. `~/.kube/config`.
    pub kubeconfig_display: String,
    /// Clusters that exist now, in every region.
    pub existing_clusters: Vec<ExistingCluster>,
}

impl Default for EksctlEnv {
    fn default() -> Self {
        Self {
            eksctl_version: EPISODE_EKSCTL_VERSION.into(),
            default_region: "us-west-2".into(),
            supported_versions: Vec::new(),
            default_version: String::new(),
            iam_user: "learner".into(),
            kubeconfig_display: "~/.kube/config".into(),
            existing_clusters: Vec::new(),
        }
    }
}

/// A cluster that exists before the command runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingCluster {
    pub name: String,
    pub region: String,
    pub nodegroups: Vec<NodegroupSummary>,
    /// Whether eksctl made it (the EKSCTL CREATED column).
    pub eksctl_created: bool,
    /// The EKS status: `CREATING`, `ACTIVE`, `DELETING`.
    pub status: String,
}

/// Errors eksctl reports before it does anything. `Display` gives the text
/// after eksctl's `Error: ` prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EksctlError {
    #[error("unknown command \"\" for \"eksctl\"")]
    MissingCommand,
    #[error("unknown command \"{0}\" for \"eksctl\"")]
    UnknownCommand(String),
    #[error("please provide a resource to {verb}, e.g. `eksctl {verb} cluster`")]
    MissingResource { verb: String },
    #[error("unknown command \"{resource}\" for \"eksctl {verb}\"")]
    UnknownResource { verb: String, resource: String },
    #[error("unknown flag: {0}")]
    UnknownFlag(String),
    #[error("unknown shorthand flag: '{letter}' in {word}")]
    UnknownShorthand { letter: char, word: String },
    #[error("flag needs an argument: {0}")]
    FlagNeedsArgument(String),
    #[error("invalid argument \"{value}\" for \"{flag}\" flag: {reason}")]
    InvalidArgument {
        value: String,
        flag: String,
        reason: String,
    },
    #[error("--name={flag} and argument {arg} cannot be used at the same time")]
    NameTwice { flag: String, arg: String },
    #[error("unexpected argument {arg:?} for \"eksctl {command}\"")]
    UnexpectedArgument { command: String, arg: String },
    #[error(
        "trinetes' simulated eksctl does not support {flag} for `{command}`; run `{command} --help` for the flags it simulates"
    )]
    Unsupported { flag: String, command: String },
    #[error("{0}")]
    Usage(String),
    #[error("unterminated quote in the command line")]
    UnterminatedQuote,
    #[error("--name must be set")]
    NameRequired,
    #[error("--cluster must be set")]
    ClusterRequired,
    #[error(
        "resolving cluster version: invalid version, {version} is no longer supported, supported values: {}\nsee also: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html",
        supported.join(", ")
    )]
    VersionNoLongerSupported {
        version: String,
        supported: Vec<String>,
    },
    #[error("resolving cluster version: invalid version, supported values: {}", supported.join(", "))]
    VersionInvalid {
        version: String,
        supported: Vec<String>,
    },
    #[error("minimum number of nodes must be less than or equal to the maximum")]
    NodeRange,
    #[error(
        "unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: {request_id}, ResourceNotFoundException: No cluster found for name: {name}."
    )]
    ClusterNotFound { name: String, request_id: String },
}

impl EksctlError {
    /// The line eksctl prints on stderr for this error.
    pub fn to_output(&self) -> OutputLine {
        OutputLine::error(self.to_string())
    }
}

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// eksctl's log levels and their markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Success,
    Warning,
    Failure,
}

impl LogLevel {
    pub fn marker(self) -> &'static str {
        match self {
            LogLevel::Info => "[ℹ]",
            LogLevel::Success => "[✔]",
            LogLevel::Warning => "[!]",
            LogLevel::Failure => "[✖]",
        }
    }
}

/// How a line is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `2021-12-16 01:25:17 [ℹ]  text`
    Log(LogLevel),
    /// As is (tables).
    Plain,
    /// `Error: text`
    Error,
}

/// One line of eksctl output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    pub stream: Stream,
    pub kind: LineKind,
    pub text: String,
}

impl OutputLine {
    pub fn log(level: LogLevel, text: impl Into<String>) -> Self {
        // eksctl's logger writes to stderr, so piping its stdout stays clean.
        Self {
            stream: Stream::Stderr,
            kind: LineKind::Log(level),
            text: text.into(),
        }
    }

    pub fn info(text: impl Into<String>) -> Self {
        Self::log(LogLevel::Info, text)
    }

    pub fn success(text: impl Into<String>) -> Self {
        Self::log(LogLevel::Success, text)
    }

    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            stream: Stream::Stdout,
            kind: LineKind::Plain,
            text: text.into(),
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            stream: Stream::Stderr,
            kind: LineKind::Error,
            text: text.into(),
        }
    }

    /// The line as eksctl prints it at local time `at`.
    pub fn render(&self, at: jiff::civil::DateTime) -> String {
        match self.kind {
            LineKind::Log(level) => format!(
                "{} {}  {}",
                at.strftime("%Y-%m-%d %H:%M:%S"),
                level.marker(),
                self.text
            ),
            LineKind::Plain => self.text.clone(),
            LineKind::Error => format!("Error: {}", self.text),
        }
    }
}

/// How fast a plan plays back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// The whole plan in under a second (tests, headless runs).
    Fast,
    /// The whole plan stretched or squeezed to `total`, keeping proportions.
    Realistic { total: Duration },
}

impl Default for Pace {
    fn default() -> Self {
        Pace::Realistic {
            total: Duration::from_secs(60),
        }
    }
}

/// The whole of a plan at [`Pace::Fast`].
pub const FAST_TOTAL: Duration = Duration::from_millis(100);

impl Pace {
    /// Maps `offset` in a real run whose whole length is `plan_total` to the
    /// offset at this pace.
    pub fn scale(self, offset: Duration, plan_total: Duration) -> Duration {
        if plan_total.is_zero() {
            return Duration::ZERO;
        }
        let total = match self {
            Pace::Fast => FAST_TOTAL,
            Pace::Realistic { total } => total,
        };
        total.mul_f64(offset.as_secs_f64() / plan_total.as_secs_f64())
    }
}

/// One step of a plan: at `at` into a real run, print a line or act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    pub at: Duration,
    pub item: PlanItem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanItem {
    Line(OutputLine),
    Action(PlanAction),
}

/// What running an eksctl command does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<PlanStep>,
    /// The process exit status once every step has run.
    pub exit_code: i32,
}

impl Plan {
    /// The length of a real run.
    pub fn total(&self) -> Duration {
        self.steps.iter().map(|s| s.at).max().unwrap_or_default()
    }

    /// Every step with its offset at `pace`, in order.
    pub fn paced(&self, pace: Pace) -> Vec<(Duration, &PlanStep)> {
        let total = self.total();
        self.steps
            .iter()
            .map(|step| (pace.scale(step.at, total), step))
            .collect()
    }

    /// The output lines alone, in order.
    pub fn lines(&self) -> impl Iterator<Item = &OutputLine> {
        self.steps.iter().filter_map(|s| match &s.item {
            PlanItem::Line(line) => Some(line),
            PlanItem::Action(_) => None,
        })
    }

    /// The actions alone, in order.
    pub fn actions(&self) -> impl Iterator<Item = &PlanAction> {
        self.steps.iter().filter_map(|s| match &s.item {
            PlanItem::Action(action) => Some(action),
            PlanItem::Line(_) => None,
        })
    }

    /// How long the simulated EKS should take for each transition so that
    /// it keeps step with this plan at `pace`.
    pub fn eks_timings(&self, pace: Pace) -> EksTimings {
        let total = self.total();
        let span = |start: fn(&PlanAction) -> bool, end: fn(&PlanAction) -> bool| {
            let at = |pred: fn(&PlanAction) -> bool| {
                self.steps.iter().find_map(|s| match &s.item {
                    PlanItem::Action(a) if pred(a) => Some(s.at),
                    _ => None,
                })
            };
            match (at(start), at(end)) {
                (Some(a), Some(b)) if b > a => Some(pace.scale(b - a, total)),
                _ => None,
            }
        };
        EksTimings {
            cluster_create: span(
                |a| matches!(a, PlanAction::CreateCluster { .. }),
                |a| matches!(a, PlanAction::AwaitClusterActive { .. }),
            ),
            nodegroup_create: span(
                |a| matches!(a, PlanAction::CreateNodegroup { .. }),
                |a| matches!(a, PlanAction::AwaitNodegroupActive { .. }),
            ),
            nodegroup_delete: span(
                |a| matches!(a, PlanAction::DeleteNodegroup { .. }),
                |a| matches!(a, PlanAction::AwaitNodegroupDeleted { .. }),
            ),
            cluster_delete: span(
                |a| matches!(a, PlanAction::DeleteCluster { .. }),
                |a| matches!(a, PlanAction::AwaitClusterDeleted { .. }),
            ),
        }
    }
}

/// Transition times derived from a plan; `None` where the plan has no such
/// transition.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EksTimings {
    pub cluster_create: Option<Duration>,
    pub nodegroup_create: Option<Duration>,
    pub nodegroup_delete: Option<Duration>,
    pub cluster_delete: Option<Duration>,
}

/// The names eksctl gives things, shared by the plan and the kubeconfig.
pub fn kubeconfig_cluster_name(cluster: &str, region: &str) -> String {
    format!("{cluster}.{region}.eksctl.io")
}

/// The kubeconfig context (and user) name eksctl writes.
pub fn kubeconfig_context_name(iam_user: &str, cluster: &str, region: &str) -> String {
    format!("{iam_user}@{}", kubeconfig_cluster_name(cluster, region))
}

/// eksctl's CloudFormation stack for the cluster itself.
pub fn cluster_stack_name(cluster: &str) -> String {
    format!("eksctl-{cluster}-cluster")
}

/// eksctl's CloudFormation stack for a nodegroup.
pub fn nodegroup_stack_name(cluster: &str, nodegroup: &str) -> String {
    format!("eksctl-{cluster}-nodegroup-{nodegroup}")
}

#[cfg(test)]
mod tests;
