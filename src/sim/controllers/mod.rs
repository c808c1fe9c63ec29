//! Controllers of the simulated cluster: deployment, replica set,
//! scheduler, kubelet, services/endpoints, garbage collector and events.
//! Each is a pure reconcile function over typed k8s-openapi objects that
//! returns `Change`s; the `Reconciler` applies them to the store, and
//! `Controllers` runs it on a tokio task driven by the store's watch and
//! the simulated clock.

pub mod change;
pub mod deployment;
mod deployment_status;
pub mod events;
pub mod gc;
pub mod kubelet;
pub mod kubelet_sources;
pub mod kubelet_status;
pub mod names;
pub mod ownership;
pub mod pods;
pub mod reconciler;
pub mod replicaset;
pub mod resources;
pub mod scheduler;
mod service_admission;
pub mod services;
pub mod templates;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use kubelet::KubeletSettings;
pub use reconciler::{PassOutcome, Reconciler};

use crate::sim::runtime::RuntimeRegistry;
use crate::sim::store::{Admission, Store, StoreError};

#[derive(Clone)]
pub struct ControllerOptions {
    /// From a container starting to its pod being Ready, for images whose
    /// runtime does not say otherwise.
    pub readiness_delay: Duration,
    /// From a pod being scheduled to its containers running (pull, create).
    pub start_delay: Duration,
    /// Runtimes by image; register more before or after spawning.
    pub runtimes: RuntimeRegistry,
}

impl Default for ControllerOptions {
    fn default() -> Self {
        let kubelet = KubeletSettings::default();
        ControllerOptions {
            readiness_delay: kubelet.readiness_delay,
            start_delay: kubelet.start_delay,
            runtimes: RuntimeRegistry::default(),
        }
    }
}

impl ControllerOptions {
    pub fn reconciler(&self, store: Store) -> Reconciler {
        Reconciler::new(
            store,
            self.runtimes.clone(),
            KubeletSettings {
                start_delay: self.start_delay,
                readiness_delay: self.readiness_delay,
            },
        )
    }
}

/// The running controllers: one task that settles the cluster after every
/// store change and whenever a timer (readiness, back-off) is due.
pub struct Controllers {
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

impl Controllers {
    /// Installs the API server's Service admission in the store and starts
    /// the controllers. Must be called inside a tokio runtime.
    pub fn spawn(store: Store, opts: ControllerOptions) -> Controllers {
        store.set_admission(admission());
        let cancel = CancellationToken::new();
        let mut reconciler = opts.reconciler(store.clone());
        let stop = cancel.clone();
        let task = tokio::spawn(async move {
            loop {
                if stop.is_cancelled() {
                    return;
                }
                // Watching from before the last pass means a write that
                // lands during the pass is not missed.
                let settled_at = store.resource_version();
                let outcome = reconciler.pass();
                if outcome.writes > 0 {
                    tokio::task::yield_now().await;
                    continue;
                }
                let wait = outcome.wait;
                let mut watch = match store.watch(None, None, settled_at) {
                    Ok(w) => w,
                    Err(err) => {
                        tracing::error!(%err, "controllers cannot watch the store");
                        return;
                    }
                };
                let clock = store.clock().clone();
                let timer = async {
                    match wait {
                        Some(wait) => clock.sleep(wait).await,
                        None => std::future::pending().await,
                    }
                };
                // Our own event writes would wake us for nothing.
                let change = async {
                    while let Some(event) = watch.next().await {
                        if event.kind != "Event" {
                            return;
                        }
                    }
                    std::future::pending::<()>().await;
                };
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = timer => {}
                    () = change => {}
                }
            }
        });
        Controllers { cancel, task }
    }

    pub async fn shutdown(self) {
        self.cancel.cancel();
        let _ = self.task.await;
    }
}

/// The store admission the API server would do: pod templates and pods get
/// their defaults, Services their ClusterIP and NodePorts checked and
/// allocated.
pub fn admission() -> Admission {
    Arc::new(|kind: &str, obj: &mut Value, existing: &[&Value]| {
        match kind {
            "Deployment" | "ReplicaSet" => templates::default_template(obj),
            "Pod" => {
                if let Some(spec) = obj.get_mut("spec") {
                    templates::default_pod_spec(spec);
                }
            }
            _ => {}
        }
        if kind != "Service" {
            return Ok(());
        }
        services::admit_service(obj, existing.iter().copied()).map_err(|e| {
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            StoreError::invalid("Service", name, e.reason, &e.field, &e.message)
        })
    })
}
