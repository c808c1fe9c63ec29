//! Chart repositories: `helm repo add/update/list/remove`, `helm search repo`,
//! and resolving `repo/chart` references against the offline Trino repository.

use super::chart::{Chart, ChartError, trino_chart, trino_chart_versions};
use super::output::{table, truncate_column};
use super::run::{ChartRepo, HelmOutput, HelmSim, TRINO_REPO_URL};

impl HelmSim {
    pub(super) fn repo_add(&mut self, name: &str, url: &str, force_update: bool) -> HelmOutput {
        let normalized = url.trim_end_matches('/');
        if let Some(existing) = self.repos.iter().find(|r| r.name == name)
            && !force_update
        {
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
        self.repos.retain(|r| r.name != name);
        self.repos.push(ChartRepo {
            name: name.to_string(),
            url: normalized.to_string(),
        });
        HelmOutput::ok(format!("\"{name}\" has been added to your repositories\n"))
    }

    pub(super) fn repo_update(&self) -> HelmOutput {
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

    pub(super) fn repo_list(&self) -> HelmOutput {
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

    /// Removes each named repository in turn; stops at the first unknown one.
    pub(super) fn repo_remove(&mut self, names: &[String]) -> HelmOutput {
        let mut out = String::new();
        for name in names {
            let before = self.repos.len();
            self.repos.retain(|r| r.name != *name);
            if self.repos.len() == before {
                let mut failed = HelmOutput::error(format!("no repo named \"{name}\" found"));
                failed.stdout = out;
                return failed;
            }
            out.push_str(&format!(
                "\"{name}\" has been removed from your repositories\n"
            ));
        }
        HelmOutput::ok(out)
    }

    pub(super) fn search(&self, keyword: Option<&str>, all_versions: bool) -> HelmOutput {
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
    pub(super) fn resolve_chart(
        &self,
        chart_ref: &str,
        version: Option<&str>,
    ) -> Result<Chart, String> {
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
}
