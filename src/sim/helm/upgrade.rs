//! `helm upgrade [--install]`: render the chart again, update the objects the
//! release keeps, create new ones, delete those it no longer renders, and record
//! the next revision. This is how a learner pins `image.tag=355` after seeing
//! the episode's install crash-loop.

use std::time::Duration;

use serde_json::Value;

use super::chart::ReleaseTarget;
use super::cmd::ChartOptions;
use super::install::{InstallRequest, install_rank, kind_and_name, owned_by_release};
use super::output::release_summary;
use super::release::{
    ReleaseRecord, ReleaseStatus, ResourceRef, find_release, store_record, update_record,
};
use super::run::{HelmEnv, HelmOutput, HelmSim, WaitRequest};
use super::values::UserValues;
use crate::sim::api::patch::strategic_merge;

pub(super) struct UpgradeRequest<'a> {
    pub(super) release: &'a str,
    pub(super) chart_ref: &'a str,
    pub(super) options: &'a ChartOptions,
    pub(super) namespace: &'a str,
    pub(super) install: bool,
    pub(super) reuse_values: bool,
    pub(super) reset_values: bool,
    pub(super) create_namespace: bool,
}

impl HelmSim {
    pub(super) fn upgrade(
        &self,
        request: &UpgradeRequest<'_>,
        env: &HelmEnv<'_>,
        wait: Option<Duration>,
    ) -> HelmOutput {
        let existing = env
            .cluster
            .and_then(|cluster| find_release(cluster, request.namespace, request.release));
        if existing.is_none() && request.install && env.cluster.is_some() {
            let install = InstallRequest {
                release: request.release,
                chart_ref: request.chart_ref,
                options: request.options,
                namespace: request.namespace,
                create_namespace: request.create_namespace,
            };
            let mut output = self.install(&install, env, wait);
            if output.exit_code == 0 {
                output.stdout = format!(
                    "Release \"{}\" does not exist. Installing it now.\n{}",
                    request.release, output.stdout
                );
            }
            return output;
        }
        match self.try_upgrade(request, existing, env) {
            Ok(record) => {
                let mut output = HelmOutput::ok(format!(
                    "Release \"{}\" has been upgraded. Happy Helming!\n{}",
                    record.name,
                    release_summary(&record)
                ));
                output.wait = wait.map(|timeout| WaitRequest {
                    namespace: record.namespace.clone(),
                    deployments: record
                        .resources
                        .iter()
                        .filter(|r| r.kind == "Deployment")
                        .map(|r| r.name.clone())
                        .collect(),
                    timeout,
                });
                output
            }
            Err(message) => HelmOutput::error(format!("UPGRADE FAILED: {message}")),
        }
    }

    fn try_upgrade(
        &self,
        request: &UpgradeRequest<'_>,
        existing: Option<ReleaseRecord>,
        env: &HelmEnv<'_>,
    ) -> Result<ReleaseRecord, String> {
        let chart = self.resolve_chart(request.chart_ref, request.options.version.as_deref())?;
        let cluster = env
            .cluster
            .ok_or_else(|| format!("Kubernetes cluster unreachable: {}", env.unreachable_reason))?;
        let Some(mut previous) = existing.filter(|r| r.status == ReleaseStatus::Deployed) else {
            return Err(format!("\"{}\" has no deployed releases", request.release));
        };
        // helm reuses the last values when the command brings none of its own.
        let previous_values = UserValues::from_value(previous.user_values.clone());
        let base = if request.reuse_values
            || (!request.reset_values && request.options.value_sources.is_empty())
        {
            previous_values
        } else {
            UserValues::new()
        };
        let user = Self::user_values_onto(base, request.options, env)?;
        let target = ReleaseTarget {
            name: request.release.to_string(),
            namespace: request.namespace.to_string(),
            revision: previous.revision + 1,
        };
        let rendered = chart.render(&target, &user).map_err(|e| e.to_string())?;
        let mut objects: Vec<Value> = rendered
            .objects()
            .into_iter()
            .map(|o| owned_by_release(o, request.release, request.namespace))
            .collect();
        objects.sort_by_key(|o| install_rank(o["kind"].as_str().unwrap_or("")));

        let mut record = ReleaseRecord {
            name: request.release.to_string(),
            namespace: request.namespace.to_string(),
            revision: target.revision,
            status: ReleaseStatus::Deployed,
            chart: chart.meta.name_version(),
            app_version: chart.meta.app_version.clone(),
            updated: env.now,
            notes: rendered.notes.clone(),
            description: "Upgrade complete".to_string(),
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
            let result = match cluster.get(kind, Some(request.namespace), name) {
                Some(mut live) => {
                    // Like helm, a strategic merge: lists merge by key (containers by
                    // name, ports by port), so what the cluster filled in (clusterIP,
                    // nodePorts, defaults, resourceVersion, status) stays, and
                    // everything the chart sets wins.
                    strategic_merge(&mut live, &object, "");
                    // helm sends a patch, which has no resourceVersion to be
                    // stale: a controller's write since the read (a status)
                    // must not make the upgrade fail with a conflict.
                    if let Some(meta) = live.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                        meta.remove("resourceVersion");
                    }
                    cluster.update(kind, live).map(|_| ())
                }
                None => cluster.create(kind, object.clone()).map(|_| ()),
            };
            match result {
                Ok(()) => record.resources.push(reference),
                Err(e) => {
                    failure = Some(e.to_string());
                    break;
                }
            }
        }
        if failure.is_none() {
            for old in previous.resources.iter().rev() {
                if record.resources.contains(old) {
                    continue;
                }
                if let Err(e) = cluster.delete(&old.kind, old.namespace.as_deref(), &old.name)
                    && !e.not_found
                {
                    failure = Some(e.to_string());
                    break;
                }
            }
        }
        if failure.is_some() {
            record.status = ReleaseStatus::Failed;
            record.description = format!(
                "Upgrade \"{}\" failed: {}",
                record.name,
                failure.as_deref().unwrap_or_default()
            );
        } else {
            previous.status = ReleaseStatus::Superseded;
            update_record(cluster, &previous).map_err(|e| e.to_string())?;
        }
        store_record(cluster, &record).map_err(|e| e.to_string())?;
        match failure {
            Some(message) => Err(message),
            None => Ok(record),
        }
    }
}
