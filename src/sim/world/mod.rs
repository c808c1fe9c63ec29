//! The dry-run world: a local practice cluster that exists from the start, a
//! simulated EKS endpoint, the clusters `eksctl create cluster` makes, and the
//! Helm releases installed into them. One kubeconfig holds a context per
//! cluster; like the real tools, eksctl switches the current context.

mod eksctl_run;
mod forward;
mod helm_run;
mod keep;
mod pace;
mod saved;
mod unfinished;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::sim::Clock;
use crate::sim::cluster::{ClusterError, SimCluster, SimOptions};
use crate::sim::eks::{EksConfig, EksDurations, EksServer, EksState};
use crate::sim::eksctl::Pace;
use crate::sim::helm::HelmSim;
use crate::sim::kubeconfig;
use crate::sim::store::StoreSnapshot;
use crate::sim::trino::{StartupTiming, register_trino_runtime};

pub use forward::{FORWARD_FACTOR, FastForward};
pub use pace::{FastStretch, HEADROOM};
use pace::{PaceControl, Speeds};
use saved::Saver;
pub use saved::{WORLD_FILE, WorldOrigin};
pub use unfinished::UnfinishedCreate;

/// The practice cluster's name and context, named the way kind names them.
pub const PRACTICE_CONTEXT: &str = "kind-trinetes";

/// What a command in the world prints while it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum WorldOutput {
    Line(String),
    Stage { name: String, fraction: Option<f32> },
}

#[derive(Debug, Clone)]
pub struct WorldOptions {
    /// Where the world keeps its kubeconfig.
    pub dir: PathBuf,
    /// A kubeconfig file to merge the world's contexts into instead of
    /// `dir/kubeconfig`. It is never truncated, and the world removes its own
    /// contexts from it when it shuts down.
    pub kubeconfig: Option<PathBuf>,
    /// EC2 instance type of the practice cluster's nodes.
    pub practice_node_type: String,
    /// Port of the practice cluster's API server; None picks a free one.
    pub practice_port: Option<u16>,
    pub pace: Pace,
    pub region: String,
    /// EKS versions `eksctl create cluster --version` accepts.
    pub supported_versions: Vec<String>,
    pub default_version: String,
    pub practice_nodes: usize,
    /// How much faster than real time the clusters' clocks run.
    pub speed: f64,
    pub trino: StartupTiming,
    /// The IAM user eksctl names the kubeconfig user after.
    pub iam_user: String,
    /// What `helm version` reports, e.g. `v3.16.3`.
    pub helm_version: String,
    /// What `eksctl version` (and eksctl's first log line) reports.
    pub eksctl_version: String,
    /// Keep the world in `dir/world.json` across restarts: restore it at
    /// start and save it shortly after every change.
    pub persist: bool,
}

/// How many times faster than the wall the clusters' clocks run during a
/// fast stretch at `--pace fast`: a pod's 5 s start-up takes 50 ms, and
/// [`HEADROOM`] lasts 6 s of wall time, several times a fast step.
pub const FAST_SPEED: f64 = 100.0;

impl WorldOptions {
    pub fn new(dir: PathBuf, pace: Pace) -> Self {
        let fast = matches!(pace, Pace::Fast);
        WorldOptions {
            dir,
            kubeconfig: None,
            practice_node_type: "t2.large".to_string(),
            practice_port: None,
            pace,
            region: "us-east-1".to_string(),
            supported_versions: ["1.32", "1.33", "1.34", "1.35"].map(String::from).to_vec(),
            default_version: "1.35".to_string(),
            practice_nodes: 2,
            // Fast runs are for checking lessons, not for watching pods start.
            speed: if fast { FAST_SPEED } else { 1.0 },
            trino: if fast {
                StartupTiming {
                    http_up: Duration::from_millis(100),
                    started: Duration::from_millis(300),
                }
            } else {
                StartupTiming::default()
            },
            iam_user: "learner".to_string(),
            helm_version: crate::sim::helm::HELM_VERSION.to_string(),
            eksctl_version: crate::sim::eksctl::EPISODE_EKSCTL_VERSION.to_string(),
            persist: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorldError {
    #[error("cannot start a simulated cluster: {0}")]
    Cluster(#[from] ClusterError),
    #[error("cannot start the simulated EKS endpoint: {0}")]
    Eks(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

struct ClusterEntry {
    cluster: SimCluster,
    /// The cluster's name in the kubeconfig (eksctl's `NAME.REGION.eksctl.io`).
    kube_cluster: String,
    /// The EKS cluster it belongs to; None for the practice cluster.
    eks_name: Option<String>,
}

pub struct World {
    opts: WorldOptions,
    kubeconfig: PathBuf,
    eks: EksServer,
    clusters: Arc<Mutex<BTreeMap<String, ClusterEntry>>>,
    /// The Helm client: its repositories are local, its releases live in
    /// whichever cluster the current context names.
    helm: Arc<Mutex<HelmSim>>,
    origin: WorldOrigin,
    saving: Arc<Mutex<()>>,
    /// Writes `world.json` after changes; None when the world is not kept.
    saver: Mutex<Option<Saver>>,
    /// How fast the clusters' clocks run: now, and in a fast stretch.
    pace: PaceControl,
}

impl World {
    /// Start the practice cluster and the EKS endpoint; write the kubeconfig.
    /// With `persist`, the world saved in the folder comes back instead:
    /// its clusters (on their old ports when those are free), EKS records,
    /// Helm repositories and current context.
    pub async fn start(opts: WorldOptions) -> Result<World, WorldError> {
        std::fs::create_dir_all(&opts.dir).map_err(|source| WorldError::Io {
            path: opts.dir.clone(),
            source,
        })?;
        let (saved, origin) = if opts.persist {
            saved::load(&opts.dir.join(WORLD_FILE))
        } else {
            (None, WorldOrigin::New)
        };
        let kubeconfig = match &opts.kubeconfig {
            Some(path) => path.clone(),
            None => {
                // The world's own file is written anew: stale contexts from
                // an earlier run go, and a restore puts back its own, at the
                // same path, with the current context as it was saved.
                let path = opts.dir.join("kubeconfig");
                let _ = std::fs::remove_file(&path);
                path
            }
        };
        let eks = start_eks(&opts, saved.as_ref().map(|s| s.eks_port)).await?;
        let clusters: Arc<Mutex<BTreeMap<String, ClusterEntry>>> = Arc::default();
        let pace = PaceControl {
            speeds: Arc::new(Mutex::new(Speeds {
                pace: opts.speed,
                now: opts.speed,
                stretches: 0,
            })),
            clusters: clusters.clone(),
            forwards: Default::default(),
        };
        let origin = match origin {
            WorldOrigin::New if !opts.persist => WorldOrigin::NotKept,
            other => other,
        };
        let world = World {
            kubeconfig,
            eks,
            clusters,
            helm: Arc::default(),
            origin,
            saving: Arc::default(),
            saver: Mutex::new(None),
            pace,
            opts,
        };
        match saved {
            Some(saved) => world.restore(saved).await?,
            None => world.start_practice(None, None).await?,
        }
        if world.opts.persist {
            let saveable = world.saveable();
            let file = world.opts.dir.join(WORLD_FILE);
            if let Err(e) = saveable.save(&file) {
                tracing::warn!("cannot save the world to {}: {e}", file.display());
            }
            *world.saver_guard() = Some(Saver::spawn(saveable, file));
        }
        Ok(world)
    }

    /// Starts the practice cluster, from `restore` when given, on `port`
    /// (the saved one) when free, else on the configured or a free one.
    async fn start_practice(
        &self,
        restore: Option<StoreSnapshot>,
        port: Option<u16>,
    ) -> Result<(), WorldError> {
        let nodes = NodeGroup {
            count: self.opts.practice_nodes,
            node_type: &self.opts.practice_node_type,
            port: self.opts.practice_port.or(port),
        };
        let restored = restore.is_some();
        let clock = if restored {
            self.pace.restored_clock()
        } else {
            self.pace.new_clock()
        };
        let practice = start_cluster(
            &self.opts,
            clock,
            PRACTICE_CONTEXT,
            PRACTICE_CONTEXT,
            nodes,
            &self.kubeconfig,
            restore,
        )
        .await?;
        if restored {
            self.pace.settle(practice.store());
        }
        self.clusters().insert(
            PRACTICE_CONTEXT.to_string(),
            ClusterEntry {
                cluster: practice,
                kube_cluster: PRACTICE_CONTEXT.to_string(),
                eks_name: None,
            },
        );
        Ok(())
    }

    /// How the world came to be: new, restored, or new because the saved
    /// one could not be restored (with the warning to show).
    pub fn origin(&self) -> &WorldOrigin {
        &self.origin
    }

    /// Removes a context the world added to a kubeconfig it does not own.
    fn forget_context(&self, context: &str, entry: &ClusterEntry) {
        if self.opts.kubeconfig.is_some()
            && let Err(e) =
                kubeconfig::remove_context(&self.kubeconfig, context, &entry.kube_cluster)
        {
            tracing::warn!(
                "cannot remove context {context} from {}: {e}",
                self.kubeconfig.display()
            );
        }
    }

    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    pub fn eks_url(&self) -> String {
        self.eks.url()
    }

    pub fn eks_state(&self) -> &EksState {
        self.eks.state()
    }

    pub fn region(&self) -> &str {
        &self.opts.region
    }

    /// How much faster than the wall the world's clocks run now.
    pub fn speed(&self) -> f64 {
        self.pace.speeds().now
    }

    /// How much faster than the wall the world's clocks run in a fast
    /// stretch: the pace's speed.
    pub fn pace_speed(&self) -> f64 {
        self.pace.speeds().pace
    }

    /// Runs every cluster's clock, and those of clusters made later, at
    /// `speed` from now on, e.g. real time once a fast run holds the world
    /// open for the learner's own kubectl. At the wall's pace the clocks
    /// are also rebased to the wall (see [`FastStretch`]), so nothing the
    /// learner's tools see is stamped in the wall's future.
    pub fn set_speed(&self, speed: f64) {
        self.pace.set(speed);
    }

    /// Runs the world at the pace's speed until the stretch is dropped (a
    /// step and its checks); then at the wall's pace again, rebased to the
    /// wall. Stretches may overlap; the last one to end slows the world.
    pub fn fast_stretch(&self) -> FastStretch {
        FastStretch::start(&self.pace)
    }

    /// Runs the world at least `speed` times the wall until dropped,
    /// whatever the session's pace (a build-up of a lesson's needs).
    pub fn fast_stretch_at(&self, speed: f64) -> FastStretch {
        FastStretch::start_at(&self.pace, speed)
    }

    /// Hurries the world until dropped: clocks at `speed`, eksctl's plans
    /// [`FORWARD_FACTOR`] times faster (a presenter's fast-forward).
    pub fn fast_forward(&self, speed: f64) -> FastForward {
        self.fast_forward_by(speed, forward::FORWARD_FACTOR)
    }

    /// [`World::fast_forward`] with plans `factor` times faster (a
    /// build-up, which should take seconds whatever the session's pace).
    pub fn fast_forward_by(&self, speed: f64, factor: f64) -> FastForward {
        FastForward::start(&self.pace, speed, factor)
    }

    /// The lines a presenter pastes into another terminal to use the world by hand.
    pub fn exports(&self) -> Vec<String> {
        vec![
            format!(
                "export KUBECONFIG={}",
                shell_quote(&self.kubeconfig.to_string_lossy())
            ),
            format!("export AWS_ENDPOINT_URL_EKS={}", self.eks.url()),
        ]
    }

    /// The kubeconfig's current context, as kubectl would use it.
    pub fn current_context(&self) -> Option<String> {
        kubeconfig::current_context(&self.kubeconfig).ok().flatten()
    }

    /// The API server URL of the current context's cluster, if it still exists.
    pub fn current_cluster_url(&self) -> Option<String> {
        let context = self.current_context()?;
        self.clusters().get(&context).map(|e| e.cluster.url())
    }

    /// Every context with a running cluster, with its EKS cluster name if any.
    pub fn contexts(&self) -> Vec<(String, Option<String>)> {
        self.clusters()
            .iter()
            .map(|(ctx, e)| (ctx.clone(), e.eks_name.clone()))
            .collect()
    }

    /// The clusters by context. A panic elsewhere while holding the lock
    /// leaves the map itself consistent, so a poisoned lock is still usable.
    fn clusters(&self) -> MutexGuard<'_, BTreeMap<String, ClusterEntry>> {
        self.clusters.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The API server URL of a context's cluster, if it runs.
    pub fn context_url(&self, context: &str) -> Option<String> {
        self.clusters().get(context).map(|e| e.cluster.url())
    }

    /// The context of a running EKS cluster: the one called `name`, or with
    /// None the first there is.
    pub fn eks_context(&self, name: Option<&str>) -> Option<String> {
        self.clusters()
            .iter()
            .find(|(_, e)| match (name, e.eks_name.as_deref()) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(want), Some(have)) => want == have,
            })
            .map(|(context, _)| context.clone())
    }

    /// The world's folder.
    pub fn dir(&self) -> &Path {
        &self.opts.dir
    }

    /// The practice cluster's API server URL.
    pub fn practice_url(&self) -> Option<String> {
        self.clusters()
            .get(PRACTICE_CONTEXT)
            .map(|e| e.cluster.url())
    }

    /// Stop every cluster and the EKS endpoint. A kept world is saved one
    /// last time first. A kubeconfig the world merged into (rather than
    /// owns) loses the contexts the world added.
    pub async fn shutdown(self) {
        let saver = self.saver_guard().take();
        if let Some(saver) = saver {
            saver.stop().await;
            let file = self.opts.dir.join(WORLD_FILE);
            if let Err(e) = self.saveable().save(&file) {
                tracing::warn!("cannot save the world to {}: {e}", file.display());
            }
        }
        let clusters = std::mem::take(&mut *self.clusters());
        for (context, entry) in clusters {
            self.forget_context(&context, &entry);
            entry.cluster.stop().await;
        }
        self.eks.shutdown().await;
    }
}

/// The EKS endpoint, on `saved_port` when that is free.
async fn start_eks(opts: &WorldOptions, saved_port: Option<u16>) -> Result<EksServer, WorldError> {
    let step = match opts.pace {
        Pace::Fast => Duration::from_millis(20),
        Pace::Realistic { total } => total / 60,
    };
    let eks_config = EksConfig {
        region: opts.region.clone(),
        supported_versions: opts.supported_versions.clone(),
        default_version: opts.default_version.clone(),
        durations: EksDurations::uniform(step),
        ..EksConfig::default()
    };
    let state = EksState::new(Clock::real(1.0), eks_config);
    if let Some(port) = saved_port {
        match EksServer::start(state.clone(), Some(port)).await {
            Ok(server) => return Ok(server),
            Err(e) => {
                tracing::info!("the EKS endpoint's old port {port} is taken ({e}); using another")
            }
        }
    }
    EksServer::start(state, None)
        .await
        .map_err(|e| WorldError::Eks(e.to_string()))
}

/// The nodes a cluster starts with, and where its API server listens.
struct NodeGroup<'a> {
    count: usize,
    node_type: &'a str,
    port: Option<u16>,
}

/// Starts one cluster (from `restore` when given). A saved port that is
/// taken now gives way to a free one; a port the user asked for does not.
async fn start_cluster(
    opts: &WorldOptions,
    clock: Clock,
    cluster_name: &str,
    context: &str,
    nodes: NodeGroup<'_>,
    kubeconfig: &Path,
    restore: Option<StoreSnapshot>,
) -> Result<SimCluster, WorldError> {
    let sim_opts = SimOptions {
        nodes: nodes.count,
        node_type: nodes.node_type.to_string(),
        port: nodes.port,
        kubeconfig: Some(kubeconfig.to_path_buf()),
        cluster_name: cluster_name.to_string(),
        context_name: context.to_string(),
        clock,
        restore,
        ..SimOptions::default()
    };
    let asked_for = opts.practice_port.filter(|_| context == PRACTICE_CONTEXT);
    let cluster = match SimCluster::start(sim_opts.clone()).await {
        Err(ClusterError::PortInUse { port }) if asked_for != Some(port) => {
            tracing::info!("the old port {port} of {context} is taken; using another");
            SimCluster::start(SimOptions {
                port: None,
                ..sim_opts
            })
            .await?
        }
        other => other?,
    };
    register_trino_runtime(cluster.runtimes(), cluster.store().clone(), opts.trino);
    Ok(cluster)
}

/// Quotes a path for a POSIX shell only when it needs quoting, so that an
/// export line can be pasted as it is.
fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if plain && !text.is_empty() {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

async fn send(out: &mpsc::Sender<WorldOutput>, line: impl Into<String>) {
    let _ = out.send(WorldOutput::Line(line.into())).await;
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(
            shell_quote("/home/a/.local/state/trinetes/sim/kubeconfig"),
            "/home/a/.local/state/trinetes/sim/kubeconfig"
        );
        assert_eq!(shell_quote("/tmp/my dir/k"), "'/tmp/my dir/k'");
        assert_eq!(shell_quote("/tmp/it's"), "'/tmp/it'\\''s'");
    }
}
