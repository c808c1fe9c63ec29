//! Turns `--backend` and the profile into a running backend: for dry-run, the
//! simulated world it drives; for live, the user's own tools and AWS account.

use std::sync::Arc;

use super::dryrun::DryRunBackend;
use super::live::ShellBackend;
use super::{Backend, BackendError};
use crate::check::{CheckContext, EksTarget};
use crate::lesson::Profile;
use crate::sim::eksctl::Pace;
use crate::sim::world::{World, WorldOptions};

/// A started backend and what it owns.
pub enum ActiveBackend {
    DryRun {
        backend: Arc<DryRunBackend>,
        /// The world's folder (kubeconfig), removed when the backend is dropped.
        dir: tempfile::TempDir,
    },
    Live(Arc<ShellBackend>),
}

impl ActiveBackend {
    pub fn backend(&self) -> Arc<dyn Backend> {
        match self {
            ActiveBackend::DryRun { backend, .. } => backend.clone(),
            ActiveBackend::Live(backend) => backend.clone(),
        }
    }

    /// Lines to paste into another terminal to use the same world by hand.
    pub fn exports(&self) -> Vec<String> {
        match self {
            ActiveBackend::DryRun { backend, .. } => backend.world().exports(),
            ActiveBackend::Live(_) => Vec::new(),
        }
    }

    pub fn forwarded(&self) -> Vec<std::net::SocketAddr> {
        match self {
            ActiveBackend::DryRun { backend, .. } => backend.forwarded(),
            ActiveBackend::Live(_) => Vec::new(),
        }
    }

    /// Stop port-forwards and the simulated world; nothing is left running.
    pub async fn shutdown(self) {
        if let ActiveBackend::DryRun { backend, dir } = self {
            backend.stop_forwards().await;
            match Arc::try_unwrap(backend) {
                Ok(backend) => {
                    if let Ok(world) = Arc::try_unwrap(backend.into_world()) {
                        world.shutdown().await;
                    }
                }
                Err(backend) => tracing::warn!(
                    "the dry-run backend is still shared ({} users); its world stops when they drop it",
                    Arc::strong_count(&backend)
                ),
            }
            drop(dir);
        }
    }
}

/// The dry-run world's options for a profile: its region, and the EKS
/// versions the simulated eksctl accepts.
pub fn world_options(profile: &Profile, pace: Pace, dir: std::path::PathBuf) -> WorldOptions {
    let mut opts = WorldOptions::new(dir, pace);
    let vars = profile.vars();
    if let Some(region) = vars.get("region") {
        opts.region = region.clone();
    }
    if !profile.supported_eks_versions.is_empty() {
        opts.supported_versions = profile.supported_eks_versions.clone();
    }
    if let Some(version) = vars.get("eks_version") {
        opts.default_version = version.clone();
    }
    if let Some(version) = vars.get("helm_version") {
        opts.helm_version = version.clone();
    }
    if let Some(version) = vars.get("eksctl_version") {
        opts.eksctl_version = version.clone();
    }
    opts
}

/// Start the backend that `--backend` names.
pub async fn start(
    spec: &str,
    profile: &Profile,
    pace: Pace,
    state_dir: &std::path::Path,
) -> Result<ActiveBackend, BackendError> {
    crate::tls::install_crypto_provider();
    let (name, _context) = spec
        .split_once('=')
        .map_or((spec, None), |(n, c)| (n, Some(c)));
    match name {
        "dry-run" => {
            std::fs::create_dir_all(state_dir)?;
            remove_orphaned_worlds(state_dir);
            let dir = tempfile::Builder::new().prefix("world-").tempdir_in(state_dir)?;
            std::fs::write(dir.path().join(OWNER_FILE), std::process::id().to_string())?;
            let opts = world_options(profile, pace, dir.path().to_path_buf());
            let world = World::start(opts)
                .await
                .map_err(|e| BackendError::Other(format!("cannot start the simulated world: {e}")))?;
            Ok(ActiveBackend::DryRun {
                backend: Arc::new(DryRunBackend::new(Arc::new(world))),
                dir,
            })
        }
        "live" => {
            let kube = kube::Client::try_default().await.ok();
            let checks = CheckContext {
                kube,
                eks: Some(EksTarget::Aws),
                ..CheckContext::default()
            };
            Ok(ActiveBackend::Live(Arc::new(ShellBackend::live(checks))))
        }
        "context" => Err(BackendError::Other(
            "the context backend (an existing kind, minikube or k3d cluster) is not available yet; use --backend dry-run or live".to_string(),
        )),
        other => Err(BackendError::Other(format!(
            "unknown backend {other:?}; choose dry-run, live or context[=NAME]"
        ))),
    }
}

/// The file in a world's folder that names the process running it.
const OWNER_FILE: &str = "owner.pid";

/// Worlds whose process was killed (SIGKILL, a power cut) never removed their
/// folder; remove those whose owner is gone. A folder without an owner file is
/// left alone: it may be a world that is just starting.
pub fn remove_orphaned_worlds(state_dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(state_dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let is_world = entry.file_name().to_string_lossy().starts_with("world-");
        let owner = std::fs::read_to_string(path.join(OWNER_FILE))
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok());
        if let (true, Some(pid)) = (is_world, owner)
            && !process_alive(pid)
        {
            tracing::info!(
                "removing the world left by process {pid}: {}",
                path.display()
            );
            if let Err(e) = std::fs::remove_dir_all(&path) {
                tracing::warn!("cannot remove {}: {e}", path.display());
            }
        }
    }
}

fn process_alive(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill(2) with signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::{OWNER_FILE, remove_orphaned_worlds};

    #[test]
    fn worlds_of_dead_processes_are_removed_and_live_ones_kept() {
        let state = tempfile::tempdir().expect("temp dir");
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("true runs");
        let dead = child.id();
        child.wait().expect("true exits");
        let world = |name: &str, owner: Option<String>| {
            let dir = state.path().join(name);
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join("kubeconfig"), "apiVersion: v1").expect("write");
            if let Some(pid) = owner {
                std::fs::write(dir.join(OWNER_FILE), pid).expect("write");
            }
            dir
        };
        let orphan = world("world-dead", Some(dead.to_string()));
        let mine = world("world-mine", Some(std::process::id().to_string()));
        let starting = world("world-new", None);
        let other = world("not-a-world", Some(dead.to_string()));
        remove_orphaned_worlds(state.path());
        assert!(!orphan.exists(), "the dead process's world is still there");
        assert!(mine.exists() && starting.exists() && other.exists());
    }
}
