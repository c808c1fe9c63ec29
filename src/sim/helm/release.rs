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

    /// The record as helm's own driver stores a release: the Secret's
    /// `release` holds base64 of gzip of helm's release JSON (and the API
    /// base64s it again), so the learner's real `helm list` and `helm
    /// history` read the simulated releases. The simulator's own record
    /// rides along in a field helm does not know (Go ignores it).
    pub fn to_secret(&self) -> Value {
        let (chart_name, chart_version) = split_chart(&self.chart);
        let updated = self.updated.to_string();
        let helm_json = json!({
            "name": self.name,
            "namespace": self.namespace,
            "version": self.revision,
            "info": {
                "first_deployed": updated,
                "last_deployed": updated,
                "deleted": "",
                "description": self.description,
                "status": self.status.as_str(),
                "notes": self.notes,
            },
            "chart": {
                "metadata": {
                    "apiVersion": "v2",
                    "name": chart_name,
                    "version": chart_version,
                    "appVersion": self.app_version,
                },
                "templates": [],
                "values": {},
            },
            "config": self.user_values,
            "manifest": "",
            TRINETES_FIELD: self,
        });
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(
            &mut gz,
            &serde_json::to_vec(&helm_json).expect("a release always serialises to JSON"),
        )
        .expect("gzip into memory cannot fail");
        let gzipped = gz.finish().expect("gzip into memory cannot fail");
        // helm's encoding, then the API's base64 of the Secret's bytes.
        let encoded = BASE64.encode(BASE64.encode(gzipped));
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
        let mut record = decode_record(&BASE64.decode(encoded).ok()?)?;
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

/// The field of helm's release JSON that holds the simulator's record.
const TRINETES_FIELD: &str = "trinetesRecord";

/// The record in a Secret's `release` bytes: helm's encoding (base64 of
/// gzip of JSON) with the simulator's record inside, or the plain JSON
/// record a world saved before that encoding holds. A release the real
/// helm wrote has no simulator record: `None`.
fn decode_record(bytes: &[u8]) -> Option<ReleaseRecord> {
    if let Ok(record) = serde_json::from_slice::<ReleaseRecord>(bytes) {
        return Some(record);
    }
    let inner = BASE64.decode(bytes).ok()?;
    let json = if inner.starts_with(&[0x1f, 0x8b, 0x08]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&inner[..]), &mut out).ok()?;
        out
    } else {
        inner
    };
    let mut release: Value = serde_json::from_slice(&json).ok()?;
    serde_json::from_value(release.get_mut(TRINETES_FIELD)?.take()).ok()
}

/// `trino-0.3.0` -> (`trino`, `0.3.0`): the version starts at the first
/// `-` followed by a digit.
fn split_chart(chart: &str) -> (&str, &str) {
    let bytes = chart.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            return (&chart[..i], &chart[i + 1..]);
        }
    }
    (chart, "")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> ReleaseRecord {
        ReleaseRecord {
            name: "tcb".into(),
            namespace: "default".into(),
            revision: 2,
            status: ReleaseStatus::Deployed,
            chart: "trino-0.3.0".into(),
            app_version: "0.3.0".into(),
            updated: "2026-11-30T12:00:00Z".parse().unwrap(),
            notes: "Get the application URL".into(),
            description: "Upgrade complete".into(),
            user_values: json!({"image": {"tag": "355"}}),
            resources: vec![ResourceRef {
                kind: "Deployment".into(),
                namespace: Some("default".into()),
                name: "tcb-trino-worker".into(),
            }],
        }
    }

    /// What helm's storage driver does with a release Secret's bytes.
    fn as_helm_reads(secret: &Value) -> Value {
        let api = BASE64
            .decode(secret["data"]["release"].as_str().unwrap())
            .unwrap();
        let gzipped = BASE64.decode(api).unwrap();
        assert_eq!(&gzipped[..3], &[0x1f, 0x8b, 0x08], "gzip, as helm writes");
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut json)
            .unwrap();
        serde_json::from_slice(&json).unwrap()
    }

    #[test]
    fn the_secret_holds_a_release_as_helm_encodes_it() {
        let secret = record().to_secret();
        let release = as_helm_reads(&secret);
        assert_eq!(release["name"], "tcb");
        assert_eq!(release["namespace"], "default");
        assert_eq!(release["version"], 2);
        assert_eq!(release["info"]["status"], "deployed");
        assert_eq!(release["info"]["last_deployed"], "2026-11-30T12:00:00Z");
        assert_eq!(release["chart"]["metadata"]["name"], "trino");
        assert_eq!(release["chart"]["metadata"]["version"], "0.3.0");
        assert_eq!(release["config"]["image"]["tag"], "355");
    }

    #[test]
    fn a_record_comes_back_from_its_secret_and_from_the_older_plain_form() {
        let mut secret = record().to_secret();
        secret["metadata"]["creationTimestamp"] = json!("2026-11-30T12:00:00Z");
        assert_eq!(ReleaseRecord::from_secret(&secret), Some(record()));
        // A world saved before helm's encoding stored the record's JSON.
        secret["data"]["release"] = json!(BASE64.encode(serde_json::to_vec(&record()).unwrap()));
        assert_eq!(ReleaseRecord::from_secret(&secret), Some(record()));
    }

    #[test]
    fn a_charts_name_and_version_are_told_apart() {
        assert_eq!(split_chart("trino-0.3.0"), ("trino", "0.3.0"));
        assert_eq!(split_chart("my-chart-1.0.0-rc1"), ("my-chart", "1.0.0-rc1"));
        assert_eq!(split_chart("odd"), ("odd", ""));
    }
}
