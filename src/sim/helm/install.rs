//! `helm install` and `helm template`: values from `-f`/`--set`, rendering,
//! and creating the release's objects in the cluster in dependency order.
//! Also the object helpers `helm upgrade` shares.

use std::time::Duration;

use serde_json::{Value, json};

use super::chart::ReleaseTarget;
use super::cmd::{ChartOptions, ValueSource};
use super::output::release_summary;
use super::release::{ReleaseRecord, ReleaseStatus, ResourceRef, find_release, store_record};
use super::run::{HelmEnv, HelmOutput, HelmSim, WaitRequest};
use super::values::UserValues;

impl HelmSim {
    pub(super) fn user_values(
        options: &ChartOptions,
        env: &HelmEnv<'_>,
    ) -> Result<UserValues, String> {
        Self::user_values_onto(UserValues::new(), options, env)
    }

    /// `base` (earlier values, for `--reuse-values`) overlaid with the command's own.
    pub(super) fn user_values_onto(
        mut user: UserValues,
        options: &ChartOptions,
        env: &HelmEnv<'_>,
    ) -> Result<UserValues, String> {
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

    pub(super) fn template(
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

    pub(super) fn install(
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

    pub(super) fn try_install(
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
            description: "Install complete".to_string(),
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
            record.description = format!(
                "Install \"{}\" failed: {}",
                record.name,
                failure.as_deref().unwrap_or_default()
            );
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

pub(super) struct InstallRequest<'a> {
    pub(super) release: &'a str,
    pub(super) chart_ref: &'a str,
    pub(super) options: &'a ChartOptions,
    pub(super) namespace: &'a str,
    pub(super) create_namespace: bool,
}

pub(super) fn kind_and_name(object: &Value) -> (&str, &str) {
    (
        object["kind"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or(""),
    )
}

/// helm's install order, shortened to the kinds a chart here can hold: what
/// others depend on (namespaces, config) goes before what uses it.
pub(super) fn install_rank(kind: &str) -> usize {
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
pub(super) fn owned_by_release(mut object: Value, release: &str, namespace: &str) -> Value {
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
