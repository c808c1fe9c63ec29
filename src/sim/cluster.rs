//! A whole simulated cluster in one call: store, Ready nodes, controllers,
//! API server and a kubeconfig pointing at it.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::sim::clock::Clock;
use crate::sim::controllers::{ControllerOptions, Controllers};
use crate::sim::nodes::{self, AddNodesError, INSTANCE_TYPES};
use crate::sim::runtime::RuntimeRegistry;
use crate::sim::server::{ApiServer, SimError};
use crate::sim::store::{Store, StoreError, StoreSnapshot};

#[derive(Clone)]
pub struct SimOptions {
    pub nodes: usize,
    pub node_type: String,
    /// Port on 127.0.0.1; None picks a free one.
    pub port: Option<u16>,
    /// Where to write the kubeconfig; None writes none.
    pub kubeconfig: Option<PathBuf>,
    pub cluster_name: String,
    pub context_name: String,
    pub clock: Clock,
    pub controllers: ControllerOptions,
    /// Run CoreDNS in kube-system, as every EKS cluster does.
    pub system_pods: bool,
    /// Start from these objects (a cluster kept across a restart) instead
    /// of new nodes and system pods.
    pub restore: Option<StoreSnapshot>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            nodes: 2,
            node_type: "t2.large".to_string(),
            port: None,
            kubeconfig: None,
            cluster_name: "trinetes-sim".to_string(),
            context_name: "trinetes-sim".to_string(),
            clock: Clock::real(1.0),
            controllers: ControllerOptions::default(),
            system_pods: true,
            restore: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("unknown node type {given:?}; choose one of: {known}")]
    UnknownNodeType { given: String, known: String },
    #[error(
        "port {port} on 127.0.0.1 is already in use; pick another with --port, or leave --port out to use a free one"
    )]
    PortInUse { port: u16 },
    #[error(transparent)]
    Server(SimError),
    #[error(transparent)]
    Nodes(#[from] AddNodesError),
    #[error("cannot restore the saved cluster: {0}")]
    Restore(StoreError),
    #[error("cannot write the kubeconfig {path}: {source}")]
    Kubeconfig {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct SimCluster {
    store: Store,
    controllers: Controllers,
    server: ApiServer,
    kubeconfig: Option<PathBuf>,
    runtimes: RuntimeRegistry,
    node_names: Vec<String>,
}

impl SimCluster {
    /// Starts everything; must be called inside a tokio runtime.
    pub async fn start(mut opts: SimOptions) -> Result<SimCluster, ClusterError> {
        if nodes::instance_type(&opts.node_type).is_none() {
            return Err(ClusterError::UnknownNodeType {
                given: opts.node_type.clone(),
                known: INSTANCE_TYPES
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let (store, node_names) = match opts.restore.take() {
            Some(snapshot) => restored_store(&opts.clock, snapshot)?,
            None => new_store(&opts)?,
        };
        let runtimes = opts.controllers.runtimes.clone();
        let controllers = Controllers::spawn(store.clone(), opts.controllers.clone());
        let server = match ApiServer::start(store.clone(), opts.port).await {
            Ok(server) => server,
            Err(err) => {
                controllers.shutdown().await;
                return Err(match (&err, opts.port) {
                    (SimError::Bind { source, .. }, Some(port))
                        if source.kind() == std::io::ErrorKind::AddrInUse =>
                    {
                        ClusterError::PortInUse { port }
                    }
                    _ => ClusterError::Server(err),
                });
            }
        };
        if let Some(path) = &opts.kubeconfig
            && let Err(source) = write_kubeconfig_file(path, &opts, &server.url())
        {
            server.shutdown().await;
            controllers.shutdown().await;
            return Err(ClusterError::Kubeconfig {
                path: path.clone(),
                source,
            });
        }
        Ok(SimCluster {
            store,
            controllers,
            server,
            kubeconfig: opts.kubeconfig,
            runtimes,
            node_names,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The API server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.server.port()
    }

    pub fn kubeconfig_path(&self) -> Option<&Path> {
        self.kubeconfig.as_deref()
    }

    /// Register container runtimes here (e.g. a Trino one).
    pub fn runtimes(&self) -> &RuntimeRegistry {
        &self.runtimes
    }

    pub fn node_names(&self) -> &[String] {
        &self.node_names
    }

    /// Stops the API server (ending watches) and then the controllers.
    pub async fn stop(self) {
        self.server.shutdown().await;
        self.controllers.shutdown().await;
    }
}

/// A fresh store with Ready nodes and, when asked for, the system pods.
fn new_store(opts: &SimOptions) -> Result<(Store, Vec<String>), ClusterError> {
    let store = Store::new(opts.clock.clone());
    // Admission first, so that seeded objects get the same defaults as
    // those created through the API.
    store.set_admission(crate::sim::controllers::admission());
    let node_names = nodes::add_nodes(&store, opts.nodes, &opts.node_type)?;
    if opts.system_pods {
        // The seeded object is well-formed; failing here is a bug.
        store
            .create("Deployment", coredns())
            .map_err(AddNodesError::Store)?;
    }
    Ok((store, node_names))
}

/// A store holding a saved cluster. Its containers stopped with the process
/// that ran them, so every pod comes back as the kubelet first sees a bound
/// pod and starts its containers again, the way pods come back after their
/// node restarts.
fn restored_store(
    clock: &Clock,
    mut snapshot: StoreSnapshot,
) -> Result<(Store, Vec<String>), ClusterError> {
    for object in &mut snapshot.objects {
        if object.get("kind").and_then(|k| k.as_str()) == Some("Pod") {
            restart_pod(object);
        }
    }
    let store = Store::restore(clock.clone(), snapshot).map_err(ClusterError::Restore)?;
    store.set_admission(crate::sim::controllers::admission());
    let node_names = store
        .list("Node", None)
        .0
        .iter()
        .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
        .collect();
    Ok((store, node_names))
}

/// Forgets what the kubelet had reported about a pod's containers, except
/// what outlives a node's restart: each container's restart count and
/// last state (RESTARTS does not go back to 0).
fn restart_pod(pod: &mut serde_json::Value) {
    let qos = pod["status"].get("qosClass").cloned();
    let containers: Vec<serde_json::Value> = pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let mut kept = json!({
                "name": c["name"],
                "image": c["image"],
                "imageID": "",
                "ready": false,
                "started": false,
                "restartCount": c["restartCount"].as_i64().unwrap_or(0),
                "state": {"waiting": {"reason": "ContainerCreating"}},
            });
            if let Some(last) = c
                .get("lastState")
                .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
            {
                kept["lastState"] = last.clone();
            }
            kept
        })
        .collect();
    let mut status = json!({"phase": "Pending"});
    if let Some(qos) = qos {
        status["qosClass"] = qos;
    }
    if !containers.is_empty() {
        status["containerStatuses"] = containers.into();
    }
    pod["status"] = status;
}

fn write_kubeconfig_file(path: &Path, opts: &SimOptions, url: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::sim::write_kubeconfig(path, &opts.cluster_name, &opts.context_name, url)
}

/// `$XDG_STATE_HOME/trinetes/sim/kubeconfig`, or under `~/.local/state`.
pub fn default_kubeconfig_path() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(state.join("trinetes").join("sim").join("kubeconfig"))
}

/// CoreDNS as EKS installs it: two replicas in kube-system.
fn coredns() -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "coredns",
            "namespace": "kube-system",
            "labels": {"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS"}
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"eks.amazonaws.com/component": "coredns", "k8s-app": "kube-dns"}},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "containers": [{
                        "name": "coredns",
                        "image": "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2",
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "ports": [
                            {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                            {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                            {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}
                        ],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}}
                    }]
                }
            }
        }
    })
}
