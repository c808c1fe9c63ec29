//! Keeping the world across restarts: `world.json` in the world's folder
//! holds every cluster's objects and port, the EKS service's records and the
//! Helm client's repositories. It is written atomically (a temporary file,
//! then rename) shortly after every change, and read back at start.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::ClusterEntry;
use crate::sim::eks::{EksSnapshot, EksState};
use crate::sim::helm::HelmSim;
use crate::sim::kubeconfig;
use crate::sim::store::StoreSnapshot;

/// The file's name in the world's folder.
pub const WORLD_FILE: &str = "world.json";
/// Bumped when the file's shape changes in a way older files cannot follow.
const FORMAT: u32 = 1;
/// How often the saver looks for changes: the most a killed process loses.
const SAVE_EVERY: Duration = Duration::from_millis(300);

/// How the world came to be at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldOrigin {
    /// No saved world: everything is new.
    New,
    /// A world that is not kept (another trinetes holds the kept one, or
    /// the caller did not ask for it): new, and gone at the end. The
    /// learner's record of their kept world still stands.
    NotKept,
    /// The saved world came back.
    Restored,
    /// A saved world was there but could not be restored; it was set aside
    /// and a new world started. `warning` says so in words for the learner.
    Discarded { warning: String, kept_as: PathBuf },
}

impl WorldOrigin {
    /// The sentence to show the learner, when there is something to say.
    pub fn warning(&self) -> Option<&str> {
        match self {
            WorldOrigin::Discarded { warning, .. } => Some(warning),
            _ => None,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SavedWorld {
    pub format: u32,
    pub eks_port: u16,
    pub eks: EksSnapshot,
    pub helm: HelmSim,
    /// The kubeconfig's current context when saved; None when none was.
    pub current_context: Option<String>,
    pub clusters: Vec<SavedCluster>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct SavedCluster {
    pub context: String,
    pub kube_cluster: String,
    pub eks_name: Option<String>,
    pub port: u16,
    pub store: StoreSnapshot,
}

/// What the saver and the world share: enough to write the file at any time.
#[derive(Clone)]
pub(super) struct Saveable {
    pub clusters: Arc<Mutex<BTreeMap<String, ClusterEntry>>>,
    pub helm: Arc<Mutex<HelmSim>>,
    pub eks: EksState,
    pub eks_port: u16,
    pub kubeconfig: PathBuf,
    /// One save at a time, so that an older snapshot never lands last.
    pub saving: Arc<Mutex<()>>,
}

impl Saveable {
    fn snapshot(&self) -> SavedWorld {
        let clusters = self.clusters.lock().unwrap_or_else(|e| e.into_inner());
        SavedWorld {
            format: FORMAT,
            eks_port: self.eks_port,
            eks: self.eks.snapshot(),
            helm: self.helm.lock().unwrap_or_else(|e| e.into_inner()).clone(),
            current_context: kubeconfig::current_context(&self.kubeconfig).ok().flatten(),
            clusters: clusters
                .iter()
                .map(|(context, e)| SavedCluster {
                    context: context.clone(),
                    kube_cluster: e.kube_cluster.clone(),
                    eks_name: e.eks_name.clone(),
                    port: e.cluster.port(),
                    store: e.cluster.store().snapshot(),
                })
                .collect(),
        }
    }

    /// What changes whenever anything worth saving changes: each store's
    /// resourceVersion, the EKS records, the repositories, the context.
    fn fingerprint(&self) -> String {
        let stores: Vec<(String, u64, u16)> = self
            .clusters
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(c, e)| {
                (
                    c.clone(),
                    e.cluster.store().resource_version(),
                    e.cluster.port(),
                )
            })
            .collect();
        let eks = serde_json::to_string(&self.eks.snapshot()).unwrap_or_default();
        let helm = serde_json::to_string(&*self.helm.lock().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default();
        let context = kubeconfig::current_context(&self.kubeconfig).ok().flatten();
        format!("{stores:?}|{eks}|{helm}|{context:?}")
    }

    /// Writes the world to `file` atomically.
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        let _one_at_a_time = self.saving.lock().unwrap_or_else(|e| e.into_inner());
        let text = serde_json::to_vec(&self.snapshot()).map_err(std::io::Error::other)?;
        crate::files::write_atomically(file, &text)
    }
}

/// The saver: writes the file whenever the world changed since the last write.
pub(super) struct Saver {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl Saver {
    pub fn spawn(world: Saveable, file: PathBuf) -> Saver {
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let task = tokio::spawn(async move {
            let mut last = String::new();
            loop {
                tokio::select! {
                    () = stopped.cancelled() => break,
                    () = tokio::time::sleep(SAVE_EVERY) => {}
                }
                let now = world.fingerprint();
                if now == last {
                    continue;
                }
                match world.save(&file) {
                    Ok(()) => last = now,
                    Err(e) => tracing::warn!("cannot save the world to {}: {e}", file.display()),
                }
            }
        });
        Saver { stop, task }
    }

    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

/// Reads the saved world, if there is one. A file that cannot be read or
/// understood is renamed to `world.json.bak` (or `.bak.1`, … when that is
/// taken) and reported.
pub(super) fn load(file: &Path) -> (Option<SavedWorld>, WorldOrigin) {
    let text = match std::fs::read(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (None, WorldOrigin::New),
        Err(e) => return (None, set_aside(file, &e.to_string())),
    };
    let value: serde_json::Value = match serde_json::from_slice(&text) {
        Ok(v) => v,
        Err(e) => return (None, set_aside(file, &e.to_string())),
    };
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    if format != Some(u64::from(FORMAT)) {
        let found = format.map_or_else(|| "none".to_string(), |f| f.to_string());
        let why = format!(
            "it was written by another version of trinetes (format {found}, this one reads {FORMAT})"
        );
        return (None, set_aside(file, &why));
    }
    match serde_json::from_value::<SavedWorld>(value) {
        Ok(saved) => match unknown_kind(&saved) {
            None => (Some(saved), WorldOrigin::Restored),
            Some(kind) => (
                None,
                set_aside(
                    file,
                    &format!("it holds objects of an unknown kind, {kind:?}"),
                ),
            ),
        },
        Err(e) => (None, set_aside(file, &e.to_string())),
    }
}

/// A kind in the file that this version's store does not know, if any.
fn unknown_kind(saved: &SavedWorld) -> Option<String> {
    saved
        .clusters
        .iter()
        .flat_map(|c| &c.store.objects)
        .map(|o| {
            o.get("kind")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
        })
        .find(|kind| crate::sim::kinds::by_kind(kind).is_none())
        .map(str::to_string)
}

fn set_aside(file: &Path, why: &str) -> WorldOrigin {
    let kept_as = crate::files::free_backup_name(file);
    if let Err(e) = std::fs::rename(file, &kept_as) {
        tracing::warn!(
            "cannot keep {} as {}: {e}",
            file.display(),
            kept_as.display()
        );
    }
    WorldOrigin::Discarded {
        warning: format!(
            "The saved dry-run world could not be restored ({why}). It was kept as {} and a new world was started: clusters, releases and objects made before are gone.",
            kept_as.display()
        ),
        kept_as,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_file_is_set_aside_and_backups_are_not_overwritten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(WORLD_FILE);
        std::fs::write(&file, "{ not json").expect("write");
        let (saved, origin) = load(&file);
        assert!(saved.is_none());
        let WorldOrigin::Discarded { warning, kept_as } = origin else {
            panic!("not discarded: {origin:?}");
        };
        assert_eq!(kept_as, dir.path().join("world.json.bak"));
        assert!(warning.contains("could not be restored"), "{warning}");
        assert!(!file.exists());
        std::fs::write(&file, r#"{"format": 999}"#).expect("write");
        let (_, origin) = load(&file);
        assert!(
            matches!(&origin, WorldOrigin::Discarded { kept_as, .. } if kept_as.ends_with("world.json.bak.1")),
            "{origin:?}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("world.json.bak")).expect("first backup"),
            "{ not json"
        );
    }

    #[test]
    fn objects_of_an_unknown_kind_set_the_file_aside() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join(WORLD_FILE);
        let saved = serde_json::json!({
            "format": FORMAT, "eks_port": 1, "eks": {"clusters": []}, "helm": {"repos": []},
            "current_context": null,
            "clusters": [{"context": "kind-trinetes", "kube_cluster": "kind-trinetes",
                          "eks_name": null, "port": 1,
                          "store": {"resource_version": 1, "ip_counter": 0, "node_port_counter": 0,
                                    "objects": [{"kind": "Gadget", "metadata": {"name": "g"}}]}}]
        });
        std::fs::write(&file, saved.to_string()).expect("write");
        let (restored, origin) = load(&file);
        assert!(restored.is_none());
        let warning = origin.warning().expect("a warning").to_string();
        assert!(warning.contains("unknown kind, \"Gadget\""), "{warning}");
    }

    #[test]
    fn no_file_is_a_new_world() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (saved, origin) = load(&dir.path().join(WORLD_FILE));
        assert!(saved.is_none());
        assert_eq!(origin, WorldOrigin::New);
    }
}
