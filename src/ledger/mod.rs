//! The ledger: every real resource trinetes creates on the live and context
//! backends, written down before the command that creates it starts, and
//! marked removed only after a check has seen it gone.
//!
//! It lives in `STATE/ledger.json` and is rewritten whole and atomically
//! (a temporary file renamed over the old one), so a crash or a kill leaves
//! either the old ledger or the new one, never half of one. `trinetes
//! cleanup` reads it; so does the warning about leftovers at start-up.

pub mod plan;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The ledger file's name in the state directory.
pub const LEDGER_FILE: &str = "ledger.json";

/// Something real that trinetes created and may have to remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Resource {
    /// An EKS cluster made by `eksctl create cluster` (its nodegroups and
    /// CloudFormation stacks go with it on `eksctl delete cluster`).
    EksCluster { name: String, region: String },
    /// A Helm release, in a namespace of a kube context.
    HelmRelease {
        name: String,
        namespace: String,
        context: Option<String>,
    },
    /// A namespace trinetes created for a learner.
    Namespace {
        name: String,
        context: Option<String>,
    },
    /// A port-forward process trinetes started, by the local port it holds.
    PortForward { local_port: u16, target: String },
}

impl Resource {
    /// Teardown order: forwards first, then releases, then namespaces, then
    /// clusters (a release must go before the cluster it lives in).
    pub fn teardown_rank(&self) -> u8 {
        match self {
            Resource::PortForward { .. } => 0,
            Resource::HelmRelease { .. } => 1,
            Resource::Namespace { .. } => 2,
            Resource::EksCluster { .. } => 3,
        }
    }

    /// Whether this resource is billed by AWS while it exists.
    pub fn billable(&self) -> bool {
        matches!(self, Resource::EksCluster { .. })
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resource::EksCluster { name, region } => write!(f, "EKS cluster {name} ({region})"),
            Resource::HelmRelease {
                name, namespace, ..
            } => write!(f, "Helm release {name} (namespace {namespace})"),
            Resource::Namespace { name, .. } => write!(f, "namespace {name}"),
            Resource::PortForward { local_port, target } => {
                write!(f, "port-forward 127.0.0.1:{local_port} → {target}")
            }
        }
    }
}

/// One ledger line: a resource, when trinetes set out to create it, and
/// when a check confirmed it gone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    #[serde(flatten)]
    pub resource: Resource,
    /// The backend that created it: `live` or `context NAME`.
    pub backend: String,
    pub created_at: Timestamp,
    /// Set only after a check saw the resource gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_at: Option<Timestamp>,
    /// The estimated cost per hour while it exists, when it is billed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_hour: Option<f64>,
}

impl Entry {
    pub fn is_open(&self) -> bool {
        self.removed_at.is_none()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot read the ledger {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the ledger {path} is not valid ({detail}); it was kept as {kept}. \
         Check `aws eks list-clusters` and `helm list -A` by hand for what trinetes made"
    )]
    Corrupt {
        path: PathBuf,
        kept: PathBuf,
        detail: String,
    },
    #[error("cannot write the ledger {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct LedgerFile {
    #[serde(default)]
    entries: Vec<Entry>,
}

/// The ledger of one state directory.
#[derive(Debug, Clone)]
pub struct Ledger {
    path: PathBuf,
}

impl Ledger {
    /// The ledger in `state_dir` (the file need not exist yet).
    pub fn in_dir(state_dir: &Path) -> Ledger {
        Ledger {
            path: state_dir.join(LEDGER_FILE),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry, open and removed, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, LedgerError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(LedgerError::Read {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        match serde_json::from_str::<LedgerFile>(&text) {
            Ok(file) => Ok(file.entries),
            Err(e) => {
                let kept = self.keep_corrupt();
                Err(LedgerError::Corrupt {
                    path: self.path.clone(),
                    kept,
                    detail: format!("line {}: {e}", e.line()),
                })
            }
        }
    }

    /// The resources not yet confirmed removed, oldest first.
    pub fn open(&self) -> Result<Vec<Entry>, LedgerError> {
        Ok(self.entries()?.into_iter().filter(Entry::is_open).collect())
    }

    /// Writes a resource down before the command that creates it starts.
    /// A resource already open is not written twice (a step run again).
    pub fn record(&self, resource: Resource, backend: &str) -> Result<(), LedgerError> {
        self.record_costed(resource, backend, None)
    }

    /// [`Ledger::record`] with the estimated cost per hour.
    pub fn record_costed(
        &self,
        resource: Resource,
        backend: &str,
        per_hour: Option<f64>,
    ) -> Result<(), LedgerError> {
        self.update(|entries| {
            if entries
                .iter()
                .any(|e| e.is_open() && e.resource == resource)
            {
                return;
            }
            entries.push(Entry {
                resource,
                backend: backend.to_string(),
                created_at: Timestamp::now(),
                removed_at: None,
                per_hour,
            });
        })
    }

    /// Marks a resource removed, after a check has confirmed it gone.
    /// Returns whether an open entry was found.
    pub fn confirm_removed(&self, resource: &Resource) -> Result<bool, LedgerError> {
        let mut found = false;
        self.update(|entries| {
            for e in entries.iter_mut().filter(|e| e.is_open()) {
                if &e.resource == resource {
                    e.removed_at = Some(Timestamp::now());
                    found = true;
                }
            }
        })?;
        Ok(found)
    }

    fn update(&self, change: impl FnOnce(&mut Vec<Entry>)) -> Result<(), LedgerError> {
        let mut entries = self.entries()?;
        change(&mut entries);
        self.write(&LedgerFile { entries })
    }

    fn write(&self, file: &LedgerFile) -> Result<(), LedgerError> {
        let write_err = |source| LedgerError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(write_err)?;
        let text =
            serde_json::to_string_pretty(file).map_err(|e| write_err(std::io::Error::other(e)))?;
        crate::files::write_atomically(&self.path, text.as_bytes()).map_err(write_err)
    }

    /// Moves a ledger that cannot be read aside (never over an earlier
    /// copy), so the next write does not destroy what it knew.
    fn keep_corrupt(&self) -> PathBuf {
        let kept = crate::files::free_backup_name(&self.path);
        let _ = std::fs::rename(&self.path, &kept);
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster() -> Resource {
        Resource::EksCluster {
            name: "tcb-cluster".into(),
            region: "us-east-2".into(),
        }
    }

    fn release() -> Resource {
        Resource::HelmRelease {
            name: "tcb".into(),
            namespace: "default".into(),
            context: Some("ctx".into()),
        }
    }

    #[test]
    fn a_missing_ledger_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Ledger::in_dir(dir.path()).entries().unwrap().is_empty());
    }

    #[test]
    fn recorded_resources_stay_open_until_confirmed_removed() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_dir(dir.path());
        ledger.record(cluster(), "live").unwrap();
        ledger.record(release(), "live").unwrap();
        ledger.record(cluster(), "live").unwrap();
        let open: Vec<Resource> = ledger
            .open()
            .unwrap()
            .into_iter()
            .map(|e| e.resource)
            .collect();
        assert_eq!(open, vec![cluster(), release()]);

        assert!(ledger.confirm_removed(&release()).unwrap());
        assert!(!ledger.confirm_removed(&release()).unwrap());
        let open: Vec<Resource> = ledger
            .open()
            .unwrap()
            .into_iter()
            .map(|e| e.resource)
            .collect();
        assert_eq!(open, vec![cluster()]);
        // The removed entry is kept, with its time.
        let all = ledger.entries().unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[1].removed_at.is_some());
    }

    #[test]
    fn a_cluster_created_again_after_removal_is_a_new_entry() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_dir(dir.path());
        ledger.record(cluster(), "live").unwrap();
        ledger.confirm_removed(&cluster()).unwrap();
        ledger.record(cluster(), "live").unwrap();
        assert_eq!(ledger.open().unwrap().len(), 1);
        assert_eq!(ledger.entries().unwrap().len(), 2);
    }

    #[test]
    fn the_file_is_plain_json_with_a_kind_per_entry() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_dir(dir.path());
        ledger.record(cluster(), "live").unwrap();
        let text = std::fs::read_to_string(ledger.path()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["entries"][0]["kind"], "eks-cluster");
        assert_eq!(json["entries"][0]["name"], "tcb-cluster");
        assert_eq!(json["entries"][0]["region"], "us-east-2");
        assert_eq!(json["entries"][0]["backend"], "live");
    }

    #[test]
    fn a_corrupt_ledger_is_kept_aside_and_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_dir(dir.path());
        std::fs::write(ledger.path(), "{\"entries\": [ {\"kind\": ").unwrap();
        let err = ledger.entries().unwrap_err().to_string();
        assert!(err.contains("ledger.json.bak"), "{err}");
        assert!(err.contains("line 1"), "{err}");
        assert!(dir.path().join("ledger.json.bak").exists());
        // A second corrupt copy does not overwrite the first.
        std::fs::write(ledger.path(), "nope").unwrap();
        assert!(ledger.entries().is_err());
        assert!(dir.path().join("ledger.json.bak.1").exists());
    }

    #[test]
    fn teardown_goes_forwards_releases_namespaces_clusters() {
        let mut all = [
            cluster(),
            Resource::Namespace {
                name: "learner-1".into(),
                context: None,
            },
            release(),
            Resource::PortForward {
                local_port: 8080,
                target: "svc/tcb-trino".into(),
            },
        ];
        all.sort_by_key(Resource::teardown_rank);
        let kinds: Vec<u8> = all.iter().map(Resource::teardown_rank).collect();
        assert_eq!(kinds, vec![0, 1, 2, 3]);
        assert!(matches!(all[0], Resource::PortForward { .. }));
        assert!(all[3].billable());
    }
}
