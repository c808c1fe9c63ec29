//! The container runtime for `trinodb/trino` images: reads the pod's mounted
//! Trino config from the store, decides the start-up, and serves the HTTP API.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::http::{TrinoNode, WorkerCount, trino_router};
use super::startup::{StartupOutcome, StartupTiming, TrinoConfig, decide_startup};
use crate::sim::controllers::kubelet_sources::{source_data, source_key};
use crate::sim::network::{PortHandler, RouterPortHandler};
use crate::sim::runtime::{
    ContainerBehaviour, ContainerContext, ContainerExit, ContainerRuntime, RuntimeRegistry,
};
use crate::sim::store::Store;

/// Where the charts mount the Trino config in the container.
const CONFIG_PATH: &str = "/etc/trino";
/// How long after `======== SERVER STARTED ========` a readiness probe
/// first sees the server up (its period), so the log says the server started
/// before the pod turns Ready.
pub const PROBE_LAG: Duration = Duration::from_secs(1);
/// Roughly the size of a trinodb/trino image, for the Pulled event.
const IMAGE_SIZE_BYTES: u64 = 1_183_412_224;

pub struct TrinoRuntime {
    store: Store,
    timing: StartupTiming,
}

/// Registers the Trino runtime for `trinodb/trino` images.
pub fn register_trino_runtime(registry: &RuntimeRegistry, store: Store, timing: StartupTiming) {
    registry.register(Arc::new(TrinoRuntime::new(store, timing)));
}

impl TrinoRuntime {
    pub fn new(store: Store, timing: StartupTiming) -> TrinoRuntime {
        TrinoRuntime { store, timing }
    }

    fn pod(&self, c: &ContainerContext) -> Option<Value> {
        self.store.get("Pod", Some(&c.namespace), &c.pod)
    }

    /// The files of the ConfigMap mounted at `/etc/trino`; empty when none is
    /// (the image then runs its built-in single-node config). Trino reads
    /// them once, at start: while a run goes on, this is the ConfigMap as
    /// the kubelet read it for that run, so a later change waits for a
    /// restart.
    pub fn config_of(&self, c: &ContainerContext) -> TrinoConfig {
        let Some(pod) = self.pod(c) else {
            return TrinoConfig::default();
        };
        let Some(name) = mounted_config_map(&pod, &c.container) else {
            return TrinoConfig::default();
        };
        let data = match self.config_at_start(&pod, c, &name) {
            Some(data) => data,
            None => source_data(
                self.store
                    .get("ConfigMap", Some(&c.namespace), &name)
                    .as_ref(),
            )
            .unwrap_or_default(),
        };
        let file = |key: &str| {
            data.get(key)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default()
        };
        TrinoConfig {
            jvm_config: file("jvm.config"),
            config_properties: file("config.properties"),
            node_properties: file("node.properties"),
        }
    }

    /// The ConfigMap's data as the container's current run started with it,
    /// if the kubelet recorded that run.
    fn config_at_start(
        &self,
        pod: &Value,
        c: &ContainerContext,
        config_map: &str,
    ) -> Option<BTreeMap<String, Vec<u8>>> {
        let running_since = pod["status"]["containerStatuses"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == c.container.as_str())?["state"]["running"]["startedAt"]
            .as_str()?
            .parse::<jiff::Timestamp>()
            .ok()?;
        let record = self
            .store
            .pod_sources(&c.namespace, &c.pod)
            .filter(|r| pod["metadata"]["uid"] == r.pod_uid.as_str())?;
        if record.runs.get(&c.container) != Some(&running_since.to_string()) {
            return None;
        }
        record
            .at_start
            .get(&source_key("ConfigMap", config_map))
            .cloned()?
    }

    fn outcome(&self, c: &ContainerContext) -> (StartupOutcome, TrinoConfig) {
        let config = self.config_of(c);
        let outcome = decide_startup(
            &c.image,
            &config,
            &c.pod,
            self.store.clock().now(),
            self.timing,
        );
        (outcome, config)
    }

    fn worker_count(&self, c: &ContainerContext) -> WorkerCount {
        let selector = self
            .pod(c)
            .map(|pod| worker_selector(&pod["metadata"]["labels"]))
            .unwrap_or_default();
        let store = self.store.clone();
        let namespace = c.namespace.clone();
        Arc::new(move || {
            if selector.is_empty() {
                return 0;
            }
            store
                .list("Pod", Some(&namespace))
                .0
                .iter()
                .filter(|pod| {
                    selector
                        .iter()
                        .all(|(k, v)| pod["metadata"]["labels"][k.as_str()] == v.as_str())
                })
                .filter(|pod| pod["metadata"]["deletionTimestamp"].is_null() && is_ready(pod))
                .count()
        })
    }
}

impl ContainerRuntime for TrinoRuntime {
    fn handles(&self, image: &str) -> bool {
        let without_digest = image.split('@').next().unwrap_or(image);
        let repository = match without_digest.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => repo,
            _ => without_digest,
        };
        repository == "trinodb/trino" || repository.ends_with("/trinodb/trino")
    }

    fn behaviour(&self, c: &ContainerContext) -> ContainerBehaviour {
        let (outcome, _) = self.outcome(c);
        match outcome {
            StartupOutcome::Starts {
                logs,
                http_up,
                started,
                ..
            } => {
                // Ready only after Trino logged SERVER STARTED, so the pod's
                // status and its log (a learner reads both) agree.
                let readiness_delay =
                    match self.pod(c).map(|pod| readiness_kind(&pod, &c.container)) {
                        Some(ReadinessKind::Exec | ReadinessKind::Http) => {
                            started.max(http_up) + PROBE_LAG
                        }
                        Some(ReadinessKind::None) | None => Duration::ZERO,
                    };
                ContainerBehaviour {
                    startup_logs: logs,
                    readiness_delay: Some(readiness_delay),
                    exit: None,
                    liveness_fails_after: None,
                    image_size_bytes: IMAGE_SIZE_BYTES,
                }
            }
            StartupOutcome::Crashes {
                startup_logs,
                exit_logs,
                exit_code,
                after,
                ..
            } => ContainerBehaviour {
                startup_logs,
                // Never Ready: the process is gone long before.
                readiness_delay: Some(after + Duration::from_secs(3600)),
                exit: Some(ContainerExit {
                    after,
                    code: exit_code,
                    logs: exit_logs,
                }),
                liveness_fails_after: None,
                image_size_bytes: IMAGE_SIZE_BYTES,
            },
        }
    }

    fn port_handler(&self, c: &ContainerContext, port: u16) -> Option<Arc<dyn PortHandler>> {
        let (outcome, config) = self.outcome(c);
        let StartupOutcome::Starts {
            version, started, ..
        } = outcome
        else {
            return None;
        };
        let http_port = config
            .property("http-server.http.port")
            .and_then(|p| p.trim().parse::<u16>().ok())
            .unwrap_or(8080);
        if port != http_port {
            return None;
        }
        let node = TrinoNode {
            node_id: c.pod.clone(),
            address: c.pod_ip.clone(),
            version: version.to_string(),
            environment: config.environment(),
            coordinator: config.is_coordinator(),
            started_at: self.store.clock().now(),
            startup: started,
            clock: self.store.clock().clone(),
            workers: self.worker_count(c),
        };
        Some(Arc::new(RouterPortHandler::new(trino_router(node))))
    }
}

/// The name of the ConfigMap the container mounts at `/etc/trino`.
fn mounted_config_map(pod: &Value, container: &str) -> Option<String> {
    let spec = &pod["spec"];
    let volume =
        spec["containers"]
            .as_array()?
            .iter()
            .find(|c| c["name"] == container)?["volumeMounts"]
            .as_array()?
            .iter()
            .find(|m| {
                m["mountPath"].as_str().map(|p| p.trim_end_matches('/')) == Some(CONFIG_PATH)
            })?["name"]
            .as_str()?
            .to_string();
    spec["volumes"]
        .as_array()?
        .iter()
        .find(|v| v["name"] == volume.as_str())?["configMap"]["name"]
        .as_str()
        .map(str::to_string)
}

enum ReadinessKind {
    /// `exec: /usr/lib/trino/bin/health-check`: ready once `starting` is false.
    Exec,
    /// `httpGet /v1/info`: HTTP answers while Trino is still starting.
    Http,
    None,
}

fn readiness_kind(pod: &Value, container: &str) -> ReadinessKind {
    let probe = pod["spec"]["containers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == container))
        .map(|c| c["readinessProbe"].clone())
        .unwrap_or(Value::Null);
    if probe["exec"].is_object() {
        ReadinessKind::Exec
    } else if probe.is_object() {
        ReadinessKind::Http
    } else {
        ReadinessKind::None
    }
}

/// The labels of the release's worker pods, for either chart generation.
fn worker_selector(labels: &Value) -> Vec<(String, String)> {
    let text = |key: &str| labels[key].as_str().map(str::to_string);
    if let (Some(app), Some(release)) = (text("app"), text("release")) {
        return vec![
            ("app".into(), app),
            ("release".into(), release),
            ("component".into(), "worker".into()),
        ];
    }
    if let (Some(name), Some(instance)) = (
        text("app.kubernetes.io/name"),
        text("app.kubernetes.io/instance"),
    ) {
        return vec![
            ("app.kubernetes.io/name".into(), name),
            ("app.kubernetes.io/instance".into(), instance),
            ("app.kubernetes.io/component".into(), "worker".into()),
        ];
    }
    Vec::new()
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    })
}
