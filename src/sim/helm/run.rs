//! Running one helm command against the simulated world: the client-side state
//! (chart repositories) lives in [`HelmSim`], releases live in the cluster.

use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::cluster::ClusterApply;
use super::cmd::{HelmCommand, UsageError, parse_helm_args};
use super::install::InstallRequest;
use super::releases::{get_values, history, list, status, uninstall};
use super::upgrade::UpgradeRequest;

/// The one chart repository the offline simulator can serve.
pub const TRINO_REPO_URL: &str = "https://trinodb.github.io/charts";
/// The helm version the simulation claims to be when the profile names none.
pub const HELM_VERSION: &str = "v3.16.3";
/// What `helm version` shows as its commit: no real helm commit was built.
const GIT_COMMIT: &str = "0000000000000000000000000000000000000000";
/// The Go release the simulated helm claims to be built with.
const GO_VERSION: &str = "go1.22.7";

/// A configured chart repository (`helm repo add`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRepo {
    pub name: String,
    pub url: String,
}

/// helm's client-side state. Serialisable, so a session can keep it on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelmSim {
    pub(super) repos: Vec<ChartRepo>,
}

/// Everything a command may touch outside helm's own state.
pub struct HelmEnv<'a> {
    /// The cluster of the current kube context; `None` when there is none.
    pub cluster: Option<&'a dyn ClusterApply>,
    /// Why the cluster is unreachable, after `Kubernetes cluster unreachable: `.
    pub unreachable_reason: String,
    /// Reads a `-f` values file; `None` when it does not exist.
    pub read_file: &'a dyn Fn(&str) -> Option<String>,
    pub now: Timestamp,
    /// The namespace when no `--namespace` is given (the kube context's).
    pub default_namespace: String,
    /// The helm version `helm version` reports, e.g. `v3.16.3`.
    pub version: String,
}

impl<'a> HelmEnv<'a> {
    pub fn new(now: Timestamp) -> HelmEnv<'a> {
        HelmEnv {
            cluster: None,
            unreachable_reason: "Get \"http://localhost:8080/version\": dial tcp 127.0.0.1:8080: \
                                 connect: connection refused"
                .to_string(),
            read_file: &|_| None,
            now,
            default_namespace: "default".to_string(),
            version: HELM_VERSION.to_string(),
        }
    }

    pub fn with_cluster(mut self, cluster: &'a dyn ClusterApply) -> HelmEnv<'a> {
        self.cluster = Some(cluster);
        self
    }

    pub fn with_version(mut self, version: impl Into<String>) -> HelmEnv<'a> {
        self.version = version.into();
        self
    }

    pub fn with_files(mut self, read_file: &'a dyn Fn(&str) -> Option<String>) -> HelmEnv<'a> {
        self.read_file = read_file;
        self
    }
}

/// What the release's `--wait` asks the caller to wait for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitRequest {
    pub namespace: String,
    pub deployments: Vec<String>,
    pub timeout: Duration,
}

/// The result of one helm command, as a terminal would show it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HelmOutput {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
    /// Set by `install --wait`: helm would block until these are ready.
    pub wait: Option<WaitRequest>,
}

impl HelmOutput {
    pub(super) fn ok(stdout: String) -> HelmOutput {
        HelmOutput {
            stdout,
            ..HelmOutput::default()
        }
    }

    pub(super) fn error(message: impl AsRef<str>) -> HelmOutput {
        HelmOutput {
            stderr: format!("Error: {}\n", message.as_ref()),
            exit_code: 1,
            ..HelmOutput::default()
        }
    }
}

impl HelmSim {
    pub fn new() -> HelmSim {
        HelmSim::default()
    }

    pub fn repos(&self) -> &[ChartRepo] {
        &self.repos
    }

    /// Runs `helm ARGS...` (the leading `helm` is optional).
    pub fn run<S: AsRef<str>>(&mut self, args: &[S], env: &HelmEnv<'_>) -> HelmOutput {
        let invocation = match parse_helm_args(args) {
            Ok(invocation) => invocation,
            Err(UsageError::Help(text)) => return HelmOutput::ok(text),
            Err(UsageError::Refused(text)) => return HelmOutput::error(text),
        };
        let namespace = invocation
            .namespace
            .unwrap_or_else(|| env.default_namespace.clone());
        match invocation.command {
            HelmCommand::RepoAdd {
                name,
                url,
                force_update,
            } => self.repo_add(&name, &url, force_update),
            HelmCommand::RepoUpdate => self.repo_update(),
            HelmCommand::RepoList => self.repo_list(),
            HelmCommand::RepoRemove { names } => self.repo_remove(&names),
            HelmCommand::SearchRepo {
                keyword,
                all_versions,
            } => self.search(keyword.as_deref(), all_versions),
            HelmCommand::Install {
                release,
                chart,
                options,
                create_namespace,
                wait,
            } => self.install(
                &InstallRequest {
                    release: &release,
                    chart_ref: &chart,
                    options: &options,
                    namespace: &namespace,
                    create_namespace,
                },
                env,
                wait,
            ),
            HelmCommand::Upgrade {
                release,
                chart,
                options,
                install,
                reuse_values,
                reset_values,
                create_namespace,
                wait,
            } => self.upgrade(
                &UpgradeRequest {
                    release: &release,
                    chart_ref: &chart,
                    options: &options,
                    namespace: &namespace,
                    install,
                    reuse_values,
                    reset_values,
                    create_namespace,
                },
                env,
                wait,
            ),
            HelmCommand::Template {
                release,
                chart,
                options,
            } => self.template(&release, &chart, &options, &namespace, env),
            HelmCommand::ShowValues { chart, version } => {
                match self.resolve_chart(&chart, version.as_deref()) {
                    Ok(chart) => HelmOutput::ok(chart.values_yaml.to_string()),
                    Err(e) => HelmOutput::error(e),
                }
            }
            HelmCommand::ShowChart { chart, version } => {
                match self.resolve_chart(&chart, version.as_deref()) {
                    Ok(chart) => HelmOutput::ok(chart.chart_yaml.to_string()),
                    Err(e) => HelmOutput::error(e),
                }
            }
            HelmCommand::List { all_namespaces } => {
                list(env, (!all_namespaces).then_some(namespace.as_str()))
            }
            HelmCommand::Status { release } => status(env, &namespace, &release),
            HelmCommand::History { release } => history(env, &namespace, &release),
            HelmCommand::GetValues { release, all } => get_values(env, &namespace, &release, all),
            HelmCommand::Uninstall { releases } => uninstall(env, &namespace, &releases),
            HelmCommand::Version { short } => HelmOutput::ok(version_text(&env.version, short)),
        }
    }
}

/// `helm version` (`version.BuildInfo{...}`) or `helm version --short`
/// (`v3.16.3+g0000000`).
pub fn version_text(version: &str, short: bool) -> String {
    if short {
        format!("{version}+g{}\n", &GIT_COMMIT[..7])
    } else {
        format!(
            "version.BuildInfo{{Version:\"{version}\", GitCommit:\"{GIT_COMMIT}\", \
             GitTreeState:\"clean\", GoVersion:\"{GO_VERSION}\"}}\n"
        )
    }
}
