//! The simulator's Trino charts (embedded from `assets/charts/trino/`) and
//! rendering one into Kubernetes objects.

use serde::Deserialize;
use serde_json::{Value, json};

use super::template::{Template, TemplateError};
use super::values::{UserValues, ValuesError, coalesce, parse_values_yaml};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartError {
    #[error(
        "chart \"{name}\" matching {version} not found in {repo} index. (try 'helm repo update'): no chart version found for {name}-{version}"
    )]
    VersionNotFound {
        repo: String,
        name: String,
        version: String,
    },
    #[error("Chart.yaml of {version}: {message}")]
    BadMetadata { version: String, message: String },
    #[error(transparent)]
    Values(#[from] ValuesError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("YAML parse error on {source_name}: {message}")]
    RenderedYaml {
        source_name: String,
        message: String,
    },
}

struct ChartFiles {
    chart_yaml: &'static str,
    values_yaml: &'static str,
    notes: &'static str,
    templates: &'static [(&'static str, &'static str)],
}

macro_rules! chart_files {
    ($version:literal, [$($template:literal),* $(,)?]) => {
        ChartFiles {
            chart_yaml: include_str!(concat!("../../../assets/charts/trino/", $version, "/Chart.yaml")),
            values_yaml: include_str!(concat!("../../../assets/charts/trino/", $version, "/values.yaml")),
            notes: include_str!(concat!("../../../assets/charts/trino/", $version, "/templates/NOTES.txt")),
            templates: &[$(($template, include_str!(concat!(
                "../../../assets/charts/trino/", $version, "/templates/", $template)))),*],
        }
    };
}

/// Oldest first; the last one is what `helm install` picks without `--version`.
static TRINO_CHARTS: &[ChartFiles] = &[
    chart_files!(
        "0.3.0",
        [
            "configmap-catalog.yaml",
            "configmap-coordinator.yaml",
            "configmap-worker.yaml",
            "deployment-coordinator.yaml",
            "deployment-worker.yaml",
            "service.yaml",
        ]
    ),
    chart_files!(
        "1.42.2",
        [
            "configmap-catalog.yaml",
            "configmap-coordinator.yaml",
            "configmap-worker.yaml",
            "deployment-coordinator.yaml",
            "deployment-worker.yaml",
            "service-worker.yaml",
            "service.yaml",
        ]
    ),
];

/// What `Chart.yaml` says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMeta {
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
}

impl ChartMeta {
    /// `trino-0.3.0`, as helm prints it and as the `chart` label holds it.
    pub fn name_version(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

/// One chart version: metadata, default values and parsed templates.
#[derive(Debug, Clone)]
pub struct Chart {
    pub meta: ChartMeta,
    pub default_values: Value,
    /// The raw `values.yaml`, as `helm show values` prints it.
    pub values_yaml: &'static str,
    /// The raw `Chart.yaml`, as `helm show chart` prints it.
    pub chart_yaml: &'static str,
    templates: Vec<Template>,
    notes: Template,
}

/// The release a chart is rendered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseTarget {
    pub name: String,
    pub namespace: String,
    pub revision: u32,
}

/// One YAML document of the rendered output.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// `trino/templates/deployment-worker.yaml`
    pub source: String,
    pub text: String,
    pub object: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub manifests: Vec<Manifest>,
    pub notes: String,
    /// The values the chart was rendered with (defaults merged with the user's).
    pub values: Value,
}

impl Rendered {
    pub fn objects(&self) -> Vec<Value> {
        self.manifests.iter().map(|m| m.object.clone()).collect()
    }

    /// The object of `kind` named `name`, if rendered.
    pub fn find(&self, kind: &str, name: &str) -> Option<&Value> {
        self.manifests
            .iter()
            .map(|m| &m.object)
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
    }

    /// What `helm template` prints: each document with its `# Source:` line.
    pub fn to_yaml_stream(&self) -> String {
        let mut out = String::new();
        for manifest in &self.manifests {
            out.push_str("---\n# Source: ");
            out.push_str(&manifest.source);
            out.push('\n');
            out.push_str(manifest.text.trim_end_matches('\n'));
            out.push('\n');
        }
        out
    }
}

/// helm's `trino.fullname`: `<release>-<chart>`, or the release name alone when
/// it already contains the chart name; at most 63 characters.
pub fn fullname(release: &str, chart_name: &str) -> String {
    let name = if release.contains(chart_name) {
        release.to_string()
    } else {
        format!("{release}-{chart_name}")
    };
    let truncated: String = name.chars().take(63).collect();
    truncated.trim_end_matches('-').to_string()
}

/// Every chart version the simulated repository serves, oldest first.
pub fn trino_chart_versions() -> Vec<String> {
    TRINO_CHARTS
        .iter()
        .filter_map(|files| serde_norway::from_str::<ChartMeta>(files.chart_yaml).ok())
        .map(|meta| meta.version)
        .collect()
}

/// Loads a Trino chart; `None` means the newest.
pub fn trino_chart(version: Option<&str>) -> Result<Chart, ChartError> {
    let mut found = None;
    for files in TRINO_CHARTS {
        let meta = load_meta(files)?;
        if version.is_none_or(|v| v == meta.version) {
            found = Some((files, meta));
        }
    }
    let Some((files, meta)) = found else {
        return Err(ChartError::VersionNotFound {
            repo: "trino".to_string(),
            name: "trino".to_string(),
            version: version.unwrap_or_default().to_string(),
        });
    };
    let default_values =
        parse_values_yaml(&format!("{}/values.yaml", meta.name), files.values_yaml)?;
    let mut templates = Vec::with_capacity(files.templates.len());
    for (file, source) in files.templates {
        templates.push(Template::parse(
            &format!("{}/templates/{file}", meta.name),
            source,
        )?);
    }
    let notes = Template::parse(&format!("{}/templates/NOTES.txt", meta.name), files.notes)?;
    Ok(Chart {
        meta,
        default_values,
        values_yaml: files.values_yaml,
        chart_yaml: files.chart_yaml,
        templates,
        notes,
    })
}

fn load_meta(files: &ChartFiles) -> Result<ChartMeta, ChartError> {
    serde_norway::from_str(files.chart_yaml).map_err(|e| ChartError::BadMetadata {
        version: "?".to_string(),
        message: e.to_string(),
    })
}

impl Chart {
    /// Renders every template with the chart defaults overlaid by `user`.
    pub fn render(
        &self,
        target: &ReleaseTarget,
        user: &UserValues,
    ) -> Result<Rendered, ChartError> {
        let values = coalesce(&self.default_values, user);
        let context = json!({
            "Values": values,
            "Release": {
                "Name": target.name,
                "Namespace": target.namespace,
                "Revision": target.revision,
                "Service": "Helm",
                "IsInstall": target.revision == 1,
            },
            "Chart": {
                "Name": self.meta.name,
                "Version": self.meta.version,
                "AppVersion": self.meta.app_version,
            },
        });
        let mut manifests = Vec::new();
        for template in &self.templates {
            let text = template.render(&context)?;
            for document in split_documents(&text) {
                let object: Value =
                    serde_norway::from_str(&document).map_err(|e| ChartError::RenderedYaml {
                        source_name: template.name().to_string(),
                        message: e.to_string(),
                    })?;
                if object.is_null() {
                    continue;
                }
                manifests.push(Manifest {
                    source: template.name().to_string(),
                    text: document,
                    object,
                });
            }
        }
        let notes = self.notes.render(&context)?;
        Ok(Rendered {
            manifests,
            notes,
            values: context["Values"].clone(),
        })
    }
}

/// Splits rendered text at `---` lines, dropping documents with nothing but
/// blank lines and comments.
fn split_documents(text: &str) -> Vec<String> {
    let mut documents = vec![String::new()];
    for line in text.lines() {
        if line.trim_end() == "---" {
            documents.push(String::new());
        } else {
            let current = documents.last_mut().expect("starts non-empty");
            current.push_str(line);
            current.push('\n');
        }
    }
    documents
        .into_iter()
        .filter(|d| {
            d.lines()
                .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect()
}
