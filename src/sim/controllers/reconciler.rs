//! One pass of every controller over the store: list, reconcile (pure),
//! apply the writes. Passes repeat until nothing changes; the driver task
//! runs them on every store change and on the next timer.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Endpoints, Node, Pod, Service};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::change::{Change, EventRecord, controller_uid, object_ref};
use super::events::{EventRecorder, EventWrite, repeated};
use super::kubelet::{KubeletSettings, PodIps};
use super::{deployment, gc, kubelet, kubelet_sources, ownership, replicaset, scheduler, services};
use crate::sim::runtime::RuntimeRegistry;
use crate::sim::store::{KindVersion, Store, StoreError};

/// Passes before `settle` gives up; a quiet cluster settles in a handful.
const MAX_PASSES: usize = 50;

pub struct Reconciler {
    store: Store,
    runtimes: RuntimeRegistry,
    kubelet: KubeletSettings,
    recorder: EventRecorder,
    /// Pods that were running on a node at the last pass, to report
    /// "Killing" when one disappears.
    running: BTreeMap<(String, String), (Pod, String)>,
    /// Each kind's objects as last read in their k8s-openapi type, with the
    /// version they were read at: a pass reads pods several times, and most
    /// passes change few kinds, so an unchanged kind is not parsed again.
    typed: HashMap<&'static str, (KindVersion, Arc<dyn Any + Send + Sync>)>,
}

/// What a pass did.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassOutcome {
    pub writes: usize,
    /// When something time-based is next due (readiness, back-off...).
    pub wake: Option<Timestamp>,
    /// How long from the end of the pass until `wake`, read while the pass
    /// still held the time: a rebase right after the pass (a fast stretch
    /// starting, which moves now and every stored time back) moves `wake`
    /// and now alike, so this stays right where `wake - clock.now()` read
    /// later would be off by the whole rebase.
    pub wait: Option<std::time::Duration>,
}

impl Reconciler {
    pub fn new(store: Store, runtimes: RuntimeRegistry, kubelet: KubeletSettings) -> Reconciler {
        Reconciler {
            store,
            runtimes,
            kubelet,
            recorder: EventRecorder::default(),
            running: BTreeMap::new(),
            typed: HashMap::new(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs passes until one writes nothing; returns the next wake time.
    pub fn settle(&mut self) -> Option<Timestamp> {
        let mut wake = None;
        for _ in 0..MAX_PASSES {
            let outcome = self.pass();
            wake = outcome.wake;
            if outcome.writes == 0 {
                break;
            }
        }
        wake
    }

    pub fn pass(&mut self) -> PassOutcome {
        // A rebase waits for the pass: the times it writes are all read now.
        let store = self.store.clone();
        let _time = store.hold_time();
        let now = self.store.clock().now();
        let mut outcome = PassOutcome::default();
        let wake = |at: Option<Timestamp>, outcome: &mut PassOutcome| {
            if let Some(at) = at {
                outcome.wake = Some(outcome.wake.map_or(at, |w: Timestamp| w.min(at)));
            }
        };

        // Garbage collection first, so that controllers never act for
        // owners that are gone.
        let live_uids = self.live_uids();
        for &kind in gc::DEPENDENT_KINDS {
            let (changes, _) = self.store.visit(kind, |o| gc::garbage(kind, o, &live_uids));
            outcome.writes += self.apply(changes, now);
        }

        let deployments = self.typed::<Deployment>("Deployment");
        let rss = self.typed::<ReplicaSet>("ReplicaSet");
        for dep in deployments.iter() {
            let uid = dep.metadata.uid.as_deref();
            let owned: Vec<ReplicaSet> = rss
                .iter()
                .filter(|rs| controller_uid(&rs.metadata) == uid)
                .cloned()
                .collect();
            let changes = deployment::reconcile_deployment(dep, &owned, now);
            outcome.writes += self.apply(changes, now);
        }

        let rss = self.typed::<ReplicaSet>("ReplicaSet");
        let mut pods = self.typed::<Pod>("Pod");
        for rs in rss.iter() {
            // Claiming first: adoptions and releases decide what the
            // ReplicaSet counts. A write by the previous ReplicaSet may have
            // changed who owns what, so read the pods again after one.
            // A claim that did not land (someone changed the pod meanwhile)
            // leaves counting to the next pass, which sees the pod as it is.
            let claimed = ownership::claim_pods(rs, &pods);
            let wanted = claimed.changes.len();
            let claims = self.apply(claimed.changes, now);
            let mut writes = claims;
            if claims == wanted {
                let (changes, at) = replicaset::reconcile_replica_set(rs, &claimed.pods, now);
                wake(at, &mut outcome);
                writes += self.apply(changes, now);
            }
            if writes > 0 {
                pods = self.typed("Pod");
            }
            outcome.writes += writes;
        }

        let nodes = self.typed::<Node>("Node");
        let pods = self.typed::<Pod>("Pod");
        outcome.writes += self.apply(scheduler::schedule(&pods, &nodes, now), now);

        let pods = self.typed::<Pod>("Pod");
        let node_ips = nodes
            .iter()
            .flat_map(|n| {
                n.status
                    .as_ref()
                    .and_then(|s| s.addresses.clone())
                    .unwrap_or_default()
            })
            .filter_map(|a| a.address.parse().ok());
        let mut ips = PodIps::from_pods(pods.iter(), node_ips);
        let nodes_by_name: BTreeMap<&str, &Node> = nodes
            .iter()
            .filter_map(|n| Some((n.metadata.name.as_deref()?, n)))
            .collect();
        for pod in pods.iter() {
            let Some(node) = super::pods::node_name(pod).and_then(|n| nodes_by_name.get(n)) else {
                continue;
            };
            let (changes, at) =
                kubelet::reconcile_pod(pod, node, &self.runtimes, &self.kubelet, &mut ips, now);
            wake(at, &mut outcome);
            outcome.writes += self.apply(changes, now);
        }
        outcome.writes += self.note_stopped_pods(&pods, now);
        let pods = self.typed::<Pod>("Pod");
        wake(
            kubelet_sources::sync_all(&self.store, &pods, now),
            &mut outcome,
        );

        let services_list = self.typed::<Service>("Service");
        let endpoints = self.typed::<Endpoints>("Endpoints");
        let pods = self.typed::<Pod>("Pod");
        outcome.writes += self.apply(
            services::reconcile_services(&services_list, &endpoints, &pods),
            now,
        );
        let end = self.store.clock().now();
        outcome.wait = outcome
            .wake
            .map(|at| std::time::Duration::try_from(at.duration_since(end)).unwrap_or_default());
        outcome
    }

    fn live_uids(&self) -> BTreeSet<String> {
        let mut uids = BTreeSet::new();
        for kind in crate::sim::kinds::KINDS {
            let (found, _) = self.store.visit(kind.kind, |o| {
                o.pointer("/metadata/uid")?.as_str().map(str::to_string)
            });
            uids.extend(found);
        }
        uids
    }

    /// Objects of a kind that parse as their k8s-openapi type; one that does
    /// not (a hand-written oddity) is skipped rather than stopping the pass.
    /// Parsed again only when the kind changed since the last reading.
    fn typed<T: DeserializeOwned + Send + Sync + 'static>(
        &mut self,
        kind: &'static str,
    ) -> Arc<Vec<T>> {
        let now = self.store.kind_version(kind);
        if let Some((read, objects)) = self.typed.get(kind)
            && *read == now
            && let Ok(objects) = Arc::clone(objects).downcast::<Vec<T>>()
        {
            return objects;
        }
        let (objects, read) = self.store.visit(kind, |o| match T::deserialize(o) {
            Ok(t) => Some(t),
            Err(err) => {
                tracing::warn!(kind, %err, "skipping an object that does not parse");
                None
            }
        });
        let objects = Arc::new(objects);
        self.typed.insert(kind, (read, objects.clone()));
        objects
    }

    /// Containers of pods that were running and are now gone are killed.
    fn note_stopped_pods(&mut self, pods: &[Pod], now: Timestamp) -> usize {
        let current: BTreeMap<(String, String), (Pod, String)> = pods
            .iter()
            .filter(|p| super::pods::phase(p) == "Running")
            .filter_map(|p| {
                let key = (p.metadata.namespace.clone()?, p.metadata.name.clone()?);
                Some((key, (p.clone(), super::pods::node_name(p)?.to_string())))
            })
            .collect();
        let present: BTreeSet<(String, String)> = pods
            .iter()
            .filter_map(|p| Some((p.metadata.namespace.clone()?, p.metadata.name.clone()?)))
            .collect();
        let gone: Vec<(Pod, String)> = self
            .running
            .iter()
            .filter(|(k, _)| !present.contains(*k))
            .map(|(_, v)| v.clone())
            .collect();
        self.running = current;
        let mut changes = Vec::new();
        for (pod, node) in gone {
            for c in pod
                .spec
                .as_ref()
                .map(|s| s.containers.clone())
                .unwrap_or_default()
            {
                let mut involved = object_ref("v1", "Pod", &pod.metadata);
                involved.field_path = Some(format!("spec.containers{{{}}}", c.name));
                changes.push(Change::Event(
                    EventRecord::normal(
                        involved,
                        "kubelet",
                        "Killing",
                        format!("Stopping container {}", c.name),
                    )
                    .on_host(&node),
                ));
            }
        }
        self.apply(changes, now)
    }

    /// Applies writes in order; returns how many changed the store. A failed
    /// write (a conflict with a user, an object deleted meanwhile) is
    /// dropped: the next pass sees the new state and tries again.
    fn apply(&mut self, changes: Vec<Change>, now: Timestamp) -> usize {
        let mut writes = 0;
        for change in changes {
            let result = match change {
                Change::Create { kind, object } => self.store.create(kind, object).map(|_| ()),
                Change::Update { kind, object } => self.store.update(kind, object).map(|_| ()),
                Change::UpdateStatus { kind, mut object } => {
                    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                        meta.remove("resourceVersion");
                    }
                    self.store.update_status(kind, object).map(|_| ())
                }
                Change::Delete {
                    kind,
                    namespace,
                    name,
                } => match self.store.delete(kind, namespace.as_deref(), &name) {
                    Err(StoreError::NotFound { .. }) => continue,
                    other => other.map(|_| ()),
                },
                Change::Event(event) => self.record(&event, now),
                Change::Log {
                    namespace,
                    pod,
                    container,
                    lines,
                } => {
                    for line in lines {
                        self.store.append_log(&namespace, &pod, &container, line);
                    }
                    continue;
                }
                Change::RunLog {
                    namespace,
                    pod,
                    container,
                    lines,
                } => {
                    let written = self.store.logs(&namespace, &pod, &container).len();
                    for line in lines.into_iter().skip(written) {
                        self.store.append_log(&namespace, &pod, &container, line);
                    }
                    continue;
                }
                Change::StartContainer(ctx) => {
                    self.store
                        .start_container_log(&ctx.namespace, &ctx.pod, &ctx.container);
                    let runtime = self.runtimes.for_image(&ctx.image);
                    for port in &ctx.ports {
                        if let Some(handler) = runtime.port_handler(&ctx, *port) {
                            self.store
                                .pod_network()
                                .bind(&ctx.namespace, &ctx.pod, *port, handler);
                        }
                    }
                    continue;
                }
                Change::StopPod { namespace, pod } => {
                    self.store.pod_network().unbind_pod(&namespace, &pod);
                    continue;
                }
            };
            match result {
                Ok(()) => writes += 1,
                Err(err) => tracing::debug!(%err, "controller write skipped"),
            }
        }
        writes
    }

    fn record(&mut self, event: &EventRecord, now: Timestamp) -> Result<(), StoreError> {
        match self.recorder.record(event, now) {
            EventWrite::Create(object) => self.store.create("Event", object).map(|_| ()),
            EventWrite::Repeat { namespace, name } => {
                match self.store.get("Event", Some(&namespace), &name) {
                    Some(stored) => self
                        .store
                        .update("Event", repeated(stored, now))
                        .map(|_| ()),
                    None => {
                        self.recorder.forget(&namespace, &name);
                        self.record(event, now)
                    }
                }
            }
        }
    }
}
