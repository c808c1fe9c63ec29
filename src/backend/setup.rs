//! Turns `--backend` and the profile into a running backend: for dry-run, the
//! simulated world it drives; for live, the user's own tools and AWS account.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::dryrun::DryRunBackend;
use super::live::{BillableGuard, ShellBackend};
use super::{Backend, BackendError};
use crate::check::{CheckContext, EksTarget};
use crate::ledger::Ledger;
use crate::lesson::Profile;
use crate::sim::eksctl::Pace;
use crate::sim::world::{WORLD_FILE, World, WorldOptions, WorldOrigin};

/// The folder of the world kept across restarts, under the state directory
/// (the `current` profile's; see [`kept_world_dir`]).
pub const KEPT_WORLD_DIR: &str = "world";

/// The kept world of `profile`: each profile keeps a world of its own, so
/// that switching profiles never shows one profile's chart and marks on
/// the other's cluster. `current` keeps `world`, another `world.NAME`.
pub fn kept_world_dir(state_dir: &Path, profile: &str) -> PathBuf {
    if profile == "current" {
        state_dir.join(KEPT_WORLD_DIR)
    } else {
        state_dir.join(format!("{KEPT_WORLD_DIR}.{profile}"))
    }
}

/// Every kept world's folder under `state_dir` (one per profile used).
pub fn kept_world_dirs(state_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(state_dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name == KEPT_WORLD_DIR || name.starts_with(&format!("{KEPT_WORLD_DIR}."))
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs
}

/// A started backend and what it owns.
pub enum ActiveBackend {
    DryRun {
        backend: Arc<DryRunBackend>,
        dir: WorldDir,
        /// Said once at start when the world is not the learner's kept one.
        notice: Option<String>,
    },
    /// The live and context backends.
    Live {
        backend: Arc<ShellBackend>,
        /// Said once at start: what an earlier session left behind.
        notice: Option<String>,
    },
}

/// Where a dry-run world lives.
pub enum WorldDir {
    /// `STATE/world`, kept across restarts, held by this process (the lock
    /// is released when the process ends, however it ends).
    Kept(WorldLock),
    /// A folder of its own, removed when dropped: another trinetes holds
    /// the kept world.
    Temporary(tempfile::TempDir),
}

impl ActiveBackend {
    pub fn backend(&self) -> Arc<dyn Backend> {
        match self {
            ActiveBackend::DryRun { backend, .. } => backend.clone(),
            ActiveBackend::Live { backend, .. } => backend.clone(),
        }
    }

    /// Lines to paste into another terminal to use the same world by hand.
    pub fn exports(&self) -> Vec<String> {
        match self {
            ActiveBackend::DryRun { backend, .. } => backend.world().exports(),
            ActiveBackend::Live { .. } => Vec::new(),
        }
    }

    /// What the learner should be told about the world at start, if
    /// anything: the saved world could not be restored (it was kept as
    /// `.bak`), or another trinetes holds it and this one runs a temporary
    /// world. The TUI shows it as a banner; `trinetes run` prints it.
    pub fn world_warning(&self) -> Option<String> {
        match self {
            ActiveBackend::DryRun {
                backend, notice, ..
            } => notice
                .clone()
                .or_else(|| backend.world().origin().warning().map(str::to_string)),
            ActiveBackend::Live { notice, .. } => notice.clone(),
        }
    }

    /// How the dry-run world came to be (None on other backends). When it
    /// is not `Restored`, nothing made in an earlier session exists, so
    /// steps that depend on the world are no longer done.
    pub fn world_origin(&self) -> Option<WorldOrigin> {
        match self {
            ActiveBackend::DryRun { backend, .. } => Some(backend.world().origin().clone()),
            ActiveBackend::Live { .. } => None,
        }
    }

    /// The dry-run world, on the dry-run backend.
    pub fn world(&self) -> Option<&Arc<World>> {
        match self {
            ActiveBackend::DryRun { backend, .. } => Some(backend.world()),
            ActiveBackend::Live { .. } => None,
        }
    }

    pub fn forwarded(&self) -> Vec<std::net::SocketAddr> {
        match self {
            ActiveBackend::DryRun { backend, .. } => backend.forwarded(),
            ActiveBackend::Live { .. } => Vec::new(),
        }
    }

    /// Stop port-forwards and the simulated world; nothing is left running.
    pub async fn shutdown(self) {
        if let ActiveBackend::DryRun { backend, dir, .. } = self {
            backend.stop_forwards().await;
            // Saved here, not only when the world stops: a step's task may
            // still hold the backend, and then the world is not stopped.
            if let Err(e) = backend.world().save() {
                tracing::warn!("{e}");
            }
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
///
/// `real` carries the settings of the real backends; the dry-run backend
/// refuses a namespace.
pub async fn start(
    spec: &str,
    profile: &Profile,
    pace: Pace,
    state_dir: &std::path::Path,
    real: &RealOptions<'_>,
) -> Result<ActiveBackend, BackendError> {
    let namespace = real.namespace;
    crate::tls::install_crypto_provider();
    let (name, context) = spec
        .split_once('=')
        .map_or((spec, None), |(n, c)| (n, Some(c)));
    if namespace.is_some() && name != "context" {
        return Err(BackendError::Other(format!(
            "--namespace works with --backend context only (not {name}): it narrows an existing cluster to one namespace per learner"
        )));
    }
    let region = profile
        .vars()
        .get("region")
        .cloned()
        .unwrap_or_else(|| "us-east-1".to_string());
    match name {
        "dry-run" => {
            std::fs::create_dir_all(state_dir)?;
            remove_orphaned_worlds(state_dir);
            let (dir, notice) = match WorldLock::claim(&kept_world_dir(state_dir, &profile.name))? {
                Ok(lock) => (WorldDir::Kept(lock), None),
                Err(holder) => {
                    let dir = tempfile::Builder::new()
                        .prefix("world-")
                        .tempdir_in(state_dir)?;
                    std::fs::write(dir.path().join(OWNER_FILE), std::process::id().to_string())?;
                    (WorldDir::Temporary(dir), Some(held_notice(holder)))
                }
            };
            let mut opts = world_options(profile, pace, dir.path().to_path_buf());
            opts.persist = matches!(dir, WorldDir::Kept(_));
            let world = World::start(opts).await.map_err(|e| {
                BackendError::Other(format!("cannot start the simulated world: {e}"))
            })?;
            // Fast only while a step runs (`Backend::fast_stretch`): what the
            // learner looks at between steps ages at the wall's pace.
            world.set_speed(1.0);
            let mut backend = DryRunBackend::new(Arc::new(world));
            if let Some(name) = profile.vars().get("cluster_name") {
                backend = backend.with_eks_cluster(name);
            }
            Ok(ActiveBackend::DryRun {
                backend: Arc::new(backend),
                dir,
                notice,
            })
        }
        "live" => {
            let kube = kube::Client::try_default().await.ok();
            let checks = CheckContext {
                kube,
                eks: Some(EksTarget::Aws),
                ..CheckContext::default()
            };
            let mut backend =
                ShellBackend::live(checks).with_ledger(Ledger::in_dir(state_dir), &region);
            if real.headless {
                let prices = crate::lesson::Prices::builtin()
                    .map_err(|e| BackendError::Other(e.to_string()))?;
                backend = backend.with_billable_guard(BillableGuard {
                    prices,
                    fallback_node_type: profile
                        .vars()
                        .get("node_type")
                        .cloned()
                        .unwrap_or_else(|| "m5.large".to_string()),
                    confirmed: real.confirm_billable.map(str::to_string),
                });
            }
            let notice = leftovers(state_dir, Some(&region), profile).await;
            Ok(ActiveBackend::Live {
                backend: Arc::new(backend),
                notice,
            })
        }
        "context" => {
            // What earlier sessions left, read before this one records its
            // own namespace.
            let notice = leftovers(state_dir, None, profile).await;
            let ledger = Ledger::in_dir(state_dir);
            let prepared = super::context::prepare(context, namespace, state_dir, &ledger).await?;
            let checks = CheckContext {
                kube: Some(prepared.client.clone()),
                eks: None,
                ..CheckContext::default()
            };
            let mut backend = ShellBackend::context(Some(prepared.context.clone()), checks)
                .with_env("KUBECONFIG", prepared.kubeconfig.to_string_lossy())
                .with_ledger(ledger, &region);
            if namespace.is_some() {
                backend = backend.with_namespace(&prepared.namespace);
            }
            Ok(ActiveBackend::Live {
                backend: Arc::new(backend),
                notice,
            })
        }
        other => Err(BackendError::Other(format!(
            "unknown backend {other:?}; choose dry-run, live or context[=NAME]"
        ))),
    }
}

/// What an earlier session left behind: the ledger's open entries, and on
/// live (`region` given) an EKS cluster with the lessons' cluster name that
/// the ledger does not know.
async fn leftovers(state_dir: &Path, region: Option<&str>, profile: &Profile) -> Option<String> {
    let open = Ledger::in_dir(state_dir).open().unwrap_or_default();
    let mut billed = open.iter().any(|e| e.resource.billable());
    let mut found: Vec<String> = open
        .iter()
        .map(|e| {
            format!(
                "{} (since {})",
                e.resource,
                e.created_at.strftime("%Y-%m-%d %H:%M UTC")
            )
        })
        .collect();
    if let (Some(region), Some(name)) = (region, profile.vars().get("cluster_name")) {
        let known = open.iter().any(|e| {
            matches!(&e.resource, crate::ledger::Resource::EksCluster { name: n, .. } if n == name)
        });
        let listed = async {
            let client = crate::aws::EksClient::from_env(Some(region)).await.ok()?;
            client.list_clusters().await.ok()
        };
        if !known
            && let Ok(Some(names)) =
                tokio::time::timeout(std::time::Duration::from_secs(10), listed).await
            && names.iter().any(|n| n == name)
        {
            billed = true;
            found.push(format!(
                "an EKS cluster named {name} in {region}, which trinetes' ledger does not know \
                 (made by hand, or on another machine?); `eksctl delete cluster --name {name} --region {region}` removes it"
            ));
        }
    }
    if found.is_empty() {
        return None;
    }
    let billed = if billed {
        ", and possibly still billed"
    } else {
        ""
    };
    Some(format!(
        "left from an earlier session{billed}: {}. `trinetes cleanup` removes what trinetes created.",
        found.join("; ")
    ))
}

/// Settings of the live and context backends.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealOptions<'a> {
    /// `--namespace`: the context backend's one namespace per learner.
    pub namespace: Option<&'a str>,
    /// `--confirm-billable NAME`: the cluster a headless run may create.
    pub confirm_billable: Option<&'a str>,
    /// A headless run (`trinetes run`): billable live steps need
    /// `confirm_billable`, since nobody is there to ask.
    pub headless: bool,
}

/// The file in a world's folder that names the process running it.
pub(crate) const OWNER_FILE: &str = "owner.pid";
/// The file a process holds a lock on while it runs the kept world.
const LOCK_FILE: &str = "lock";

impl WorldDir {
    pub fn path(&self) -> &Path {
        match self {
            WorldDir::Kept(lock) => &lock.dir,
            WorldDir::Temporary(dir) => dir.path(),
        }
    }
}

/// This process's hold on a kept world's folder: an exclusive lock on
/// `FOLDER/lock`, which the kernel releases when the process ends (even on
/// SIGKILL), so a folder left by a killed trinetes is free again, with its
/// world intact. `owner.pid` only names the holder for messages.
pub struct WorldLock {
    dir: PathBuf,
    _file: std::fs::File,
}

impl WorldLock {
    /// Takes the folder (creating it), or says which process holds it
    /// (None when that cannot be told).
    pub fn claim(dir: &Path) -> std::io::Result<Result<WorldLock, Option<i32>>> {
        use std::os::fd::AsRawFd;
        std::fs::create_dir_all(dir)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))?;
        // SAFETY: flock(2) on a descriptor this function owns and keeps open.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
                let holder = std::fs::read_to_string(dir.join(OWNER_FILE))
                    .ok()
                    .and_then(|s| s.trim().parse().ok());
                return Ok(Err(holder));
            }
            return Err(err);
        }
        std::fs::write(dir.join(OWNER_FILE), std::process::id().to_string())?;
        Ok(Ok(WorldLock {
            dir: dir.to_path_buf(),
            _file: file,
        }))
    }
}

impl Drop for WorldLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.dir.join(OWNER_FILE));
    }
}

fn held_notice(holder: Option<i32>) -> String {
    let who = holder.map_or_else(
        || "Another trinetes".to_string(),
        |pid| format!("Another trinetes (process {pid})"),
    );
    format!(
        "{who} is using your saved dry-run world, so this one runs a new, temporary world that is not kept. The step marks shown are those of your saved world."
    )
}

/// What `reset_world` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldReset {
    /// The saved world was removed; the next start begins anew.
    Removed,
    /// There was no saved world.
    NothingSaved,
}

/// `trinetes reset-world`: forget the kept world, so that the next start
/// begins with a new practice cluster and no EKS clusters. Refused while a
/// running trinetes holds it (it would save its world again).
pub fn reset_world(state_dir: &Path) -> Result<WorldReset, BackendError> {
    reset_world_in(&state_dir.join(KEPT_WORLD_DIR))
}

/// Forgets the world kept in `dir` (see [`reset_world`]).
pub fn reset_world_in(dir: &Path) -> Result<WorldReset, BackendError> {
    if !dir.join(WORLD_FILE).exists() {
        return Ok(WorldReset::NothingSaved);
    }
    let lock = match WorldLock::claim(dir)? {
        Ok(lock) => lock,
        Err(holder) => {
            let who = holder.map_or_else(
                || "another trinetes".to_string(),
                |pid| format!("trinetes (process {pid})"),
            );
            return Err(BackendError::Other(format!(
                "{who} is running the dry-run world; quit it first, then reset"
            )));
        }
    };
    for name in [WORLD_FILE, "kubeconfig"] {
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    drop(lock);
    Ok(WorldReset::Removed)
}

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
    use super::{KEPT_WORLD_DIR, OWNER_FILE, WorldLock, remove_orphaned_worlds};

    #[test]
    fn a_kept_world_has_one_holder_and_is_never_removed_as_an_orphan() {
        let state = tempfile::tempdir().expect("temp dir");
        let kept = state.path().join(KEPT_WORLD_DIR);
        let first = WorldLock::claim(&kept)
            .expect("lock file")
            .expect("nobody holds it");
        std::fs::write(kept.join("world.json"), "{}").expect("write");
        let held = WorldLock::claim(&kept).expect("lock file");
        assert_eq!(held.err(), Some(Some(std::process::id() as i32)));
        // What a killed owner leaves: its pid, no live process.
        std::fs::write(kept.join(OWNER_FILE), "999999999").expect("write");
        remove_orphaned_worlds(state.path());
        assert!(
            kept.join("world.json").exists(),
            "the kept world was removed"
        );
        drop(first);
        // Another test's thread may have just forked: its child shares the
        // lock's open file until it execs, so the lock can outlive the drop
        // by that moment. Bounded: a few seconds at most.
        let free = (0..100).any(|_| {
            let claimed = WorldLock::claim(&kept).expect("lock file").is_ok();
            if !claimed {
                std::thread::sleep(std::time::Duration::from_millis(30));
            }
            claimed
        });
        assert!(free, "free again once its holder is gone");
    }

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
