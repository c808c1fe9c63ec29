//! Running one helm command against the simulated world: the client-side state
//! (chart repositories) lives in [`HelmSim`], releases live in the cluster.

use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::args::{ChartOptions, HelmCommand, ValueSource, parse_helm_args};
use super::chart::{Chart, ChartError, ReleaseTarget, trino_chart, trino_chart_versions};
use super::cluster::ClusterApply;
use super::output::{go_time_string, release_summary, table, truncate_column};
use super::release::{
    ReleaseRecord, ReleaseStatus, ResourceRef, delete_records, find_release, latest_releases,
    store_record,
};
use super::values::UserValues;

/// The one chart repository the offline simulator can serve.
pub const TRINO_REPO_URL: &str = "https://trinodb.github.io/charts";
/// The helm version the simulation claims to be.
pub const HELM_VERSION: &str = "v3.16.3";

/// A configured chart repository (`helm repo add`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartRepo {
    pub name: String,
    pub url: String,
}

/// helm's client-side state. Serialisable, so a session can keep it on disk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelmSim {
    repos: Vec<ChartRepo>,
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
        }
    }

    pub fn with_cluster(mut self, cluster: &'a dyn ClusterApply) -> HelmEnv<'a> {
        self.cluster = Some(cluster);
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
    fn ok(stdout: String) -> HelmOutput {
        HelmOutput {
            stdout,
            ..HelmOutput::default()
        }
    }

    fn error(message: impl AsRef<str>) -> HelmOutput {
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
            Err(usage) => return HelmOutput::error(usage.0),
        };
        let namespace = invocation
            .namespace
            .unwrap_or_else(|| env.default_namespace.clone());
        match invocation.command {
            HelmCommand::RepoAdd { name, url } => self.repo_add(&name, &url),
            HelmCommand::RepoUpdate => self.repo_update(),
            HelmCommand::RepoList => self.repo_list(),
            HelmCommand::RepoRemove { name } => self.repo_remove(&name),
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
            HelmCommand::Uninstall { releases } => uninstall(env, &namespace, &releases),
            HelmCommand::Version { short } => HelmOutput::ok(if short {
                format!("{HELM_VERSION}+g0000000\n")
            } else {
                format!(
                    "version.BuildInfo{{Version:\"{HELM_VERSION}\", GitCommit:\"simulated-by-trinetes\", \
                     GitTreeState:\"clean\", GoVersion:\"go1.22.7\"}}\n"
                )
            }),
        }
    }

    fn repo_add(&mut self, name: &str, url: &str) -> HelmOutput {
        let normalized = url.trim_end_matches('/');
        if let Some(existing) = self.repos.iter().find(|r| r.name == name) {
            return if existing.url == normalized {
                HelmOutput::ok(format!(
                    "\"{name}\" already exists with the same configuration, skipping\n"
                ))
            } else {
                HelmOutput::error(format!(
                    "repository name ({name}) already exists, please specify a different name"
                ))
            };
        }
        if normalized != TRINO_REPO_URL {
            return HelmOutput::error(format!(
                "looks like \"{url}\" is not a valid chart repository or cannot be reached: \
                 the trinetes simulator works offline and serves only {TRINO_REPO_URL}/"
            ));
        }
        self.repos.push(ChartRepo {
            name: name.to_string(),
            url: normalized.to_string(),
        });
        HelmOutput::ok(format!("\"{name}\" has been added to your repositories\n"))
    }

    fn repo_update(&self) -> HelmOutput {
        if self.repos.is_empty() {
            return HelmOutput::error("no repositories found. You must add one before updating");
        }
        let mut out =
            String::from("Hang tight while we grab the latest from your chart repositories...\n");
        for repo in &self.repos {
            out.push_str(&format!(
                "...Successfully got an update from the \"{}\" chart repository\n",
                repo.name
            ));
        }
        out.push_str("Update Complete. ⎈Happy Helming!⎈\n");
        HelmOutput::ok(out)
    }

    fn repo_list(&self) -> HelmOutput {
        if self.repos.is_empty() {
            return HelmOutput::error("no repositories to show");
        }
        let rows: Vec<Vec<String>> = self
            .repos
            .iter()
            .map(|r| vec![r.name.clone(), format!("{}/", r.url)])
            .collect();
        HelmOutput::ok(table(&["NAME", "URL"], &rows))
    }

    fn repo_remove(&mut self, name: &str) -> HelmOutput {
        let before = self.repos.len();
        self.repos.retain(|r| r.name != name);
        if self.repos.len() == before {
            return HelmOutput::error(format!("no repo named \"{name}\" found"));
        }
        HelmOutput::ok(format!(
            "\"{name}\" has been removed from your repositories\n"
        ))
    }

    fn search(&self, keyword: Option<&str>, all_versions: bool) -> HelmOutput {
        if self.repos.is_empty() {
            return HelmOutput::error("no repositories configured");
        }
        let mut rows = Vec::new();
        for repo in &self.repos {
            let mut versions = trino_chart_versions();
            versions.reverse();
            if !all_versions {
                versions.truncate(1);
            }
            for version in versions {
                let Ok(chart) = trino_chart(Some(&version)) else {
                    continue;
                };
                let name = format!("{}/{}", repo.name, chart.meta.name);
                let matches = keyword.is_none_or(|k| {
                    let k = k.to_lowercase();
                    name.to_lowercase().contains(&k)
                        || chart.meta.description.to_lowercase().contains(&k)
                });
                if matches {
                    rows.push(vec![
                        name,
                        chart.meta.version.clone(),
                        chart.meta.app_version.clone(),
                        truncate_column(&chart.meta.description, 50),
                    ]);
                }
            }
        }
        if rows.is_empty() {
            return HelmOutput::ok("No results found\n".to_string());
        }
        HelmOutput::ok(table(
            &["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"],
            &rows,
        ))
    }

    /// `repo/chart` at a version (newest when `None`).
    fn resolve_chart(&self, chart_ref: &str, version: Option<&str>) -> Result<Chart, String> {
        let Some((repo_name, chart_name)) = chart_ref.split_once('/') else {
            return Err(format!(
                "non-absolute URLs should be in form of repo_name/path_to_chart, got: {chart_ref}"
            ));
        };
        if !self.repos.iter().any(|r| r.name == repo_name) {
            return Err(format!("repo {repo_name} not found"));
        }
        if chart_name != "trino" {
            return Err(format!(
                "chart \"{chart_name}\" not found in {repo_name} index. (try 'helm repo update')"
            ));
        }
        trino_chart(version).map_err(|e| match e {
            ChartError::VersionNotFound { version, .. } => ChartError::VersionNotFound {
                repo: repo_name.to_string(),
                name: chart_name.to_string(),
                version,
            }
            .to_string(),
            other => other.to_string(),
        })
    }

    fn user_values(options: &ChartOptions, env: &HelmEnv<'_>) -> Result<UserValues, String> {
        let mut user = UserValues::new();
        for source in &options.value_sources {
            match source {
                ValueSource::File(path) => {
                    let text = (env.read_file)(path)
                        .ok_or_else(|| format!("open {path}: no such file or directory"))?;
                    user.add_file(path, &text).map_err(|e| e.to_string())?;
                }
                ValueSource::Set(expr) => user.add_set(expr, false).map_err(|e| e.to_string())?,
                ValueSource::SetString(expr) => {
                    user.add_set(expr, true).map_err(|e| e.to_string())?
                }
            }
        }
        Ok(user)
    }

    fn template(
        &self,
        release: &str,
        chart_ref: &str,
        options: &ChartOptions,
        namespace: &str,
        env: &HelmEnv<'_>,
    ) -> HelmOutput {
        let rendered = self
            .resolve_chart(chart_ref, options.version.as_deref())
            .and_then(|chart| {
                let user = Self::user_values(options, env)?;
                let target = ReleaseTarget {
                    name: release.to_string(),
                    namespace: namespace.to_string(),
                    revision: 1,
                };
                chart.render(&target, &user).map_err(|e| e.to_string())
            });
        match rendered {
            Ok(rendered) => HelmOutput::ok(rendered.to_yaml_stream()),
            Err(e) => HelmOutput::error(e),
        }
    }

    fn install(
        &self,
        request: &InstallRequest<'_>,
        env: &HelmEnv<'_>,
        wait: Option<Duration>,
    ) -> HelmOutput {
        match self.try_install(request, env) {
            Ok((record, deployments)) => {
                let mut output = HelmOutput::ok(release_summary(&record));
                output.wait = wait.map(|timeout| WaitRequest {
                    namespace: record.namespace.clone(),
                    deployments,
                    timeout,
                });
                output
            }
            Err(message) => HelmOutput::error(format!("INSTALLATION FAILED: {message}")),
        }
    }

    fn try_install(
        &self,
        request: &InstallRequest<'_>,
        env: &HelmEnv<'_>,
    ) -> Result<(ReleaseRecord, Vec<String>), String> {
        let chart = self.resolve_chart(request.chart_ref, request.options.version.as_deref())?;
        let user = Self::user_values(request.options, env)?;
        let target = ReleaseTarget {
            name: request.release.to_string(),
            namespace: request.namespace.to_string(),
            revision: 1,
        };
        let rendered = chart.render(&target, &user).map_err(|e| e.to_string())?;
        let cluster = env
            .cluster
            .ok_or_else(|| format!("Kubernetes cluster unreachable: {}", env.unreachable_reason))?;
        if find_release(cluster, request.namespace, request.release).is_some() {
            return Err("cannot re-use a name that is still in use".to_string());
        }
        if cluster.get("Namespace", None, request.namespace).is_none() {
            if !request.create_namespace {
                return Err(format!(
                    "create: failed to create: namespaces \"{}\" not found",
                    request.namespace
                ));
            }
            cluster
                .create(
                    "Namespace",
                    json!({"apiVersion": "v1", "kind": "Namespace",
                           "metadata": {"name": request.namespace}}),
                )
                .map_err(|e| e.to_string())?;
        }
        let mut objects: Vec<Value> = rendered
            .objects()
            .into_iter()
            .map(|o| owned_by_release(o, request.release, request.namespace))
            .collect();
        objects.sort_by_key(|o| install_rank(o["kind"].as_str().unwrap_or("")));
        for object in &objects {
            let (kind, name) = kind_and_name(object);
            if cluster.get(kind, Some(request.namespace), name).is_some() {
                return Err(format!(
                    "rendered manifests contain a resource that already exists. Unable to continue \
                     with install: {kind} \"{name}\" in namespace \"{}\" exists and cannot be \
                     imported into the current release: invalid ownership metadata; annotation \
                     validation error: missing key \"meta.helm.sh/release-name\": must be set to \"{}\"",
                    request.namespace, request.release
                ));
            }
        }
        let mut record = ReleaseRecord {
            name: request.release.to_string(),
            namespace: request.namespace.to_string(),
            revision: 1,
            status: ReleaseStatus::Deployed,
            chart: chart.meta.name_version(),
            app_version: chart.meta.app_version.clone(),
            updated: env.now,
            notes: rendered.notes.clone(),
            user_values: user.as_value().clone(),
            resources: Vec::new(),
        };
        let mut failure = None;
        for object in objects {
            let (kind, name) = kind_and_name(&object);
            let reference = ResourceRef {
                kind: kind.to_string(),
                namespace: Some(request.namespace.to_string()),
                name: name.to_string(),
            };
            match cluster.create(kind, object.clone()) {
                Ok(_) => record.resources.push(reference),
                Err(e) => {
                    failure = Some(e.to_string());
                    break;
                }
            }
        }
        if failure.is_some() {
            record.status = ReleaseStatus::Failed;
        }
        store_record(cluster, &record).map_err(|e| e.to_string())?;
        if let Some(message) = failure {
            return Err(message);
        }
        let deployments = record
            .resources
            .iter()
            .filter(|r| r.kind == "Deployment")
            .map(|r| r.name.clone())
            .collect();
        Ok((record, deployments))
    }
}

struct InstallRequest<'a> {
    release: &'a str,
    chart_ref: &'a str,
    options: &'a ChartOptions,
    namespace: &'a str,
    create_namespace: bool,
}

fn kind_and_name(object: &Value) -> (&str, &str) {
    (
        object["kind"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or(""),
    )
}

/// helm's install order, shortened to the kinds a chart here can hold: what
/// others depend on (namespaces, config) goes before what uses it.
fn install_rank(kind: &str) -> usize {
    const ORDER: &[&str] = &[
        "Namespace",
        "ServiceAccount",
        "Secret",
        "ConfigMap",
        "Service",
        "Pod",
        "ReplicaSet",
        "Deployment",
        "StatefulSet",
        "Job",
    ];
    ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len())
}

/// Marks an object as the release's, as helm does before creating it.
fn owned_by_release(mut object: Value, release: &str, namespace: &str) -> Value {
    let metadata = &mut object["metadata"];
    metadata["namespace"] = json!(namespace);
    if !metadata["labels"].is_object() {
        metadata["labels"] = json!({});
    }
    metadata["labels"]["app.kubernetes.io/managed-by"] = json!("Helm");
    if !metadata["annotations"].is_object() {
        metadata["annotations"] = json!({});
    }
    metadata["annotations"]["meta.helm.sh/release-name"] = json!(release);
    metadata["annotations"]["meta.helm.sh/release-namespace"] = json!(namespace);
    object
}

fn reachable<'a>(env: &HelmEnv<'a>) -> Result<&'a dyn ClusterApply, HelmOutput> {
    env.cluster.ok_or_else(|| {
        HelmOutput::error(format!(
            "Kubernetes cluster unreachable: {}",
            env.unreachable_reason
        ))
    })
}

fn list(env: &HelmEnv<'_>, namespace: Option<&str>) -> HelmOutput {
    let cluster = match reachable(env) {
        Ok(c) => c,
        Err(out) => return out,
    };
    let rows: Vec<Vec<String>> = latest_releases(cluster, namespace)
        .into_iter()
        .filter(|r| r.status != ReleaseStatus::Uninstalled)
        .map(|r| {
            vec![
                r.name,
                r.namespace,
                r.revision.to_string(),
                go_time_string(r.updated),
                r.status.as_str().to_string(),
                r.chart,
                r.app_version,
            ]
        })
        .collect();
    HelmOutput::ok(table(
        &[
            "NAME",
            "NAMESPACE",
            "REVISION",
            "UPDATED",
            "STATUS",
            "CHART",
            "APP VERSION",
        ],
        &rows,
    ))
}

fn status(env: &HelmEnv<'_>, namespace: &str, release: &str) -> HelmOutput {
    let cluster = match reachable(env) {
        Ok(c) => c,
        Err(out) => return out,
    };
    match find_release(cluster, namespace, release) {
        Some(record) => HelmOutput::ok(release_summary(&record)),
        None => HelmOutput::error("release: not found"),
    }
}

fn uninstall(env: &HelmEnv<'_>, namespace: &str, releases: &[String]) -> HelmOutput {
    let cluster = match reachable(env) {
        Ok(c) => c,
        Err(out) => return out,
    };
    let mut stdout = String::new();
    for name in releases {
        let Some(record) = find_release(cluster, namespace, name) else {
            let mut out = HelmOutput::error(format!(
                "uninstall: Release not loaded: {name}: release: not found"
            ));
            out.stdout = stdout;
            return out;
        };
        // Reverse install order: workloads go before the config they mount.
        for resource in record.resources.iter().rev() {
            match cluster.delete(
                &resource.kind,
                resource.namespace.as_deref(),
                &resource.name,
            ) {
                Ok(()) => {}
                Err(e) if e.not_found => {}
                Err(e) => {
                    let mut out =
                        HelmOutput::error(format!("uninstallation completed with 1 error(s): {e}"));
                    out.stdout = stdout;
                    return out;
                }
            }
        }
        if let Err(e) = delete_records(cluster, namespace, name) {
            let mut out = HelmOutput::error(format!("uninstall: {e}"));
            out.stdout = stdout;
            return out;
        }
        stdout.push_str(&format!("release \"{name}\" uninstalled\n"));
    }
    HelmOutput::ok(stdout)
}
