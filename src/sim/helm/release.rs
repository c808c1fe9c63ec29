//! Release records: what helm remembers about an installed chart, stored in the
//! cluster itself as a Secret per revision, the way helm's default driver does.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::cluster::{ClusterApply, ClusterError};

/// The kind the records are stored as.
pub const RECORD_KIND: &str = "Secret";
const RECORD_TYPE: &str = "helm.sh/release.v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseStatus {
    Deployed,
    Superseded,
    Failed,
    Uninstalled,
}

impl ReleaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseStatus::Deployed => "deployed",
            ReleaseStatus::Superseded => "superseded",
            ReleaseStatus::Failed => "failed",
            ReleaseStatus::Uninstalled => "uninstalled",
        }
    }
}

/// One object a release created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseRecord {
    pub name: String,
    pub namespace: String,
    pub revision: u32,
    pub status: ReleaseStatus,
    /// `trino-0.3.0`
    pub chart: String,
    pub app_version: String,
    pub updated: Timestamp,
    pub notes: String,
    /// `Install complete`, `Upgrade complete`, or why it failed.
    #[serde(default)]
    pub description: String,
    /// The values the user supplied (`-f`, `--set`), as `helm get values` shows them.
    pub user_values: Value,
    pub resources: Vec<ResourceRef>,
}

impl ReleaseRecord {
    pub fn secret_name(&self) -> String {
        format!("sh.helm.release.v1.{}.v{}", self.name, self.revision)
    }

    pub fn to_secret(&self) -> Value {
        let encoded = BASE64
            .encode(serde_json::to_vec(self).expect("a release record always serialises to JSON"));
        json!({
            "apiVersion": "v1",
            "kind": RECORD_KIND,
            "metadata": {
                "name": self.secret_name(),
                "namespace": self.namespace,
                "labels": {
                    "name": self.name,
                    "owner": "helm",
                    "status": self.status.as_str(),
                    "version": self.revision.to_string(),
                },
            },
            "type": RECORD_TYPE,
            "data": { "release": encoded },
        })
    }

    /// Reads a record back from its Secret; `None` for any other Secret.
    pub fn from_secret(secret: &Value) -> Option<ReleaseRecord> {
        if secret["type"] != RECORD_TYPE || secret["metadata"]["labels"]["owner"] != "helm" {
            return None;
        }
        let encoded = secret["data"]["release"].as_str()?;
        let bytes = BASE64.decode(encoded).ok()?;
        let mut record: ReleaseRecord = serde_json::from_slice(&bytes).ok()?;
        // The Secret is made when its revision is deployed, and its
        // creationTimestamp moves with the world's clock (a fast stretch
        // rebases every stored time); the encoded copy cannot, and would
        // read minutes behind the objects the release made.
        if let Some(created) = secret["metadata"]["creationTimestamp"]
            .as_str()
            .and_then(|t| t.parse().ok())
        {
            record.updated = created;
        }
        Some(record)
    }
}

/// Every stored revision of one release, oldest first.
pub fn release_history(
    cluster: &dyn ClusterApply,
    namespace: &str,
    name: &str,
) -> Vec<ReleaseRecord> {
    let mut records: Vec<ReleaseRecord> = cluster
        .list(RECORD_KIND, Some(namespace))
        .iter()
        .filter_map(ReleaseRecord::from_secret)
        .filter(|r| r.name == name)
        .collect();
    records.sort_by_key(|r| r.revision);
    records
}

/// The newest revision of every release in `namespace` (`None`: all namespaces).
pub fn latest_releases(cluster: &dyn ClusterApply, namespace: Option<&str>) -> Vec<ReleaseRecord> {
    let mut latest: Vec<ReleaseRecord> = Vec::new();
    for record in cluster
        .list(RECORD_KIND, namespace)
        .iter()
        .filter_map(ReleaseRecord::from_secret)
    {
        match latest
            .iter_mut()
            .find(|r| r.name == record.name && r.namespace == record.namespace)
        {
            Some(existing) if existing.revision < record.revision => *existing = record,
            Some(_) => {}
            None => latest.push(record),
        }
    }
    latest.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    latest
}

pub fn find_release(
    cluster: &dyn ClusterApply,
    namespace: &str,
    name: &str,
) -> Option<ReleaseRecord> {
    latest_releases(cluster, Some(namespace))
        .into_iter()
        .find(|r| r.name == name)
}

pub fn store_record(
    cluster: &dyn ClusterApply,
    record: &ReleaseRecord,
) -> Result<(), ClusterError> {
    cluster.create(RECORD_KIND, record.to_secret()).map(|_| ())
}

/// Rewrites a stored record (e.g. to mark it superseded).
pub fn update_record(
    cluster: &dyn ClusterApply,
    record: &ReleaseRecord,
) -> Result<(), ClusterError> {
    let mut secret = record.to_secret();
    if let Some(stored) = cluster.get(RECORD_KIND, Some(&record.namespace), &record.secret_name()) {
        secret["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"].clone();
    }
    cluster.update(RECORD_KIND, secret).map(|_| ())
}

/// Deletes every stored revision of a release.
pub fn delete_records(
    cluster: &dyn ClusterApply,
    namespace: &str,
    name: &str,
) -> Result<(), ClusterError> {
    for secret in cluster.list(RECORD_KIND, Some(namespace)) {
        if ReleaseRecord::from_secret(&secret).is_some_and(|r| r.name == name)
            && let Some(secret_name) = secret["metadata"]["name"].as_str()
        {
            match cluster.delete(RECORD_KIND, Some(namespace), secret_name) {
                Ok(()) => {}
                Err(e) if e.not_found => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}
