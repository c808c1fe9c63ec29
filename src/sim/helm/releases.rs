//! Commands over installed releases: `helm list`, `helm status`, `helm history`,
//! `helm get values`, `helm uninstall`.

use super::chart::trino_chart;
use super::cluster::ClusterApply;
use super::output::{ansic, go_time_string, release_summary, table};
use super::release::{
    ReleaseStatus, delete_records, find_release, latest_releases, release_history,
};
use super::run::{HelmEnv, HelmOutput};
use super::values::{UserValues, coalesce};

fn reachable<'a>(env: &HelmEnv<'a>) -> Result<&'a dyn ClusterApply, HelmOutput> {
    env.cluster.ok_or_else(|| {
        HelmOutput::error(format!(
            "Kubernetes cluster unreachable: {}",
            env.unreachable_reason
        ))
    })
}

pub(super) fn list(env: &HelmEnv<'_>, namespace: Option<&str>) -> HelmOutput {
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

pub(super) fn status(env: &HelmEnv<'_>, namespace: &str, release: &str) -> HelmOutput {
    let cluster = match reachable(env) {
        Ok(c) => c,
        Err(out) => return out,
    };
    match find_release(cluster, namespace, release) {
        Some(record) => HelmOutput::ok(release_summary(&record)),
        None => HelmOutput::error("release: not found"),
    }
}

pub(super) fn uninstall(env: &HelmEnv<'_>, namespace: &str, releases: &[String]) -> HelmOutput {
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

pub(super) fn history(env: &HelmEnv<'_>, namespace: &str, release: &str) -> HelmOutput {
    let cluster = match reachable(env) {
        Ok(c) => c,
        Err(out) => return out,
    };
    let records = release_history(cluster, namespace, release);
    if records.is_empty() {
        return HelmOutput::error("release: not found");
    }
    let rows: Vec<Vec<String>> = records
        .into_iter()
        .map(|r| {
            vec![
                r.revision.to_string(),
                ansic(r.updated),
                r.status.as_str().to_string(),
                r.chart,
                r.app_version,
                r.description,
            ]
        })
        .collect();
    HelmOutput::ok(table(
        &[
            "REVISION",
            "UPDATED",
            "STATUS",
            "CHART",
            "APP VERSION",
            "DESCRIPTION",
        ],
        &rows,
    ))
}

pub(super) fn get_values(
    env: &HelmEnv<'_>,
    namespace: &str,
    release: &str,
    all: bool,
) -> HelmOutput {
    let cluster = match reachable(env) {
        Ok(c) => c,
        Err(out) => return out,
    };
    let Some(record) = find_release(cluster, namespace, release) else {
        return HelmOutput::error("release: not found");
    };
    let (title, values) = if all {
        let chart = record
            .chart
            .rsplit_once('-')
            .and_then(|(_, version)| trino_chart(Some(version)).ok());
        let Some(chart) = chart else {
            return HelmOutput::error(format!("chart {} is not available", record.chart));
        };
        let user = UserValues::from_value(record.user_values.clone());
        ("COMPUTED VALUES:", coalesce(&chart.default_values, &user))
    } else {
        ("USER-SUPPLIED VALUES:", record.user_values.clone())
    };
    let yaml = match &values {
        serde_json::Value::Object(map) if map.is_empty() => "null\n".to_string(),
        other => serde_norway::to_string(other).unwrap_or_else(|e| format!("# {e}\n")),
    };
    HelmOutput::ok(format!("{title}\n{yaml}"))
}
