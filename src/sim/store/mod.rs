//! The object store: every object by kind, namespace and name in its wire form
//! (JSON), one global resourceVersion bumped on every write, defaulting the API
//! server would do on create, namespace deletion, pod logs, and watches backed
//! by a bounded event history.

mod defaults;
mod error;
mod names;
mod pod_sources;
mod rebase;
mod snapshot;
mod watch;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard};

use serde_json::{Value, json};

use crate::sim::clock::Clock;
use crate::sim::kinds::{self, ResourceKind};
use crate::sim::network::PodNetwork;

pub use error::{InvalidCause, StoreError};
use names::{generated_name, new_uid, timestamp};
pub use pod_sources::{PodSources, SourceData};
pub use snapshot::{StoreSnapshot, TakenAt};
pub use watch::{WatchEvent, WatchEventType, WatchStream};

/// How many events the watch history keeps; older resourceVersions are Expired.
pub const DEFAULT_HISTORY: usize = 10_000;
/// How many log lines are kept per container.
const LOG_LINES_KEPT: usize = 10_000;

/// The shared store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Mutex<Inner>>,
    clock: Clock,
    network: PodNetwork,
    /// Shared by the writers that read the time before they write (a
    /// controller pass), taken alone by a rebase: see [`Store::hold_time`].
    time_readers: Arc<RwLock<()>>,
}

type ObjectsByName = BTreeMap<(String, String), Value>;

struct Inner {
    objects: HashMap<&'static str, ObjectsByName>,
    rv: u64,
    history: VecDeque<WatchEvent>,
    history_cap: usize,
    /// The highest resourceVersion no longer in `history`.
    dropped_up_to: u64,
    watchers: Vec<watch::Watcher>,
    logs: HashMap<(String, String, String), ContainerLogs>,
    pod_sources: HashMap<(String, String), PodSources>,
    /// For objects whose status is a subresource: the resourceVersion of
    /// the last write that was not a status write. See `Store::replace`.
    status_only_since: HashMap<(&'static str, (String, String)), u64>,
    ip_counter: u32,
    node_port_counter: u16,
    admission: Option<Admission>,
    /// The resourceVersion of each kind's last write, for [`KindVersion`].
    kind_writes: HashMap<&'static str, u64>,
    /// How many rebases moved the stored times in place.
    rebases: u64,
}

/// Where the objects of one kind stand: it changes with every write of one
/// of them and with every rebase (which moves their times in place), so two
/// equal versions read from the same store mean the same objects. A
/// controller keeps what it made of a kind's objects until it changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KindVersion {
    last_write: u64,
    rebases: u64,
}

/// A check-and-fill step run on every create before defaulting, as the API
/// server's admission does: it may change the object or refuse it. It gets
/// the stored objects of the same kind (all namespaces) and runs under the
/// store lock, so it must not call the store.
pub type Admission =
    Arc<dyn Fn(&str, &mut Value, &[&Value]) -> Result<(), StoreError> + Send + Sync>;

impl Store {
    pub fn new(clock: Clock) -> Store {
        Store::with_history(clock, DEFAULT_HISTORY)
    }

    /// A store whose watch history keeps `history_cap` events (at least 1).
    pub fn with_history(clock: Clock, history_cap: usize) -> Store {
        let store = Store {
            inner: Arc::new(Mutex::new(Inner {
                objects: HashMap::new(),
                rv: 0,
                history: VecDeque::new(),
                history_cap: history_cap.max(1),
                dropped_up_to: 0,
                watchers: Vec::new(),
                logs: HashMap::new(),
                pod_sources: HashMap::new(),
                status_only_since: HashMap::new(),
                ip_counter: 0,
                node_port_counter: 0,
                admission: None,
                kind_writes: HashMap::new(),
                rebases: 0,
            })),
            clock,
            network: PodNetwork::default(),
            time_readers: Arc::new(RwLock::new(())),
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            store
                .create(
                    "Namespace",
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                )
                .expect("seeding a fresh store cannot conflict");
        }
        // Every cluster has the API server's own service in `default`.
        store
            .create(
                "Service",
                json!({"apiVersion": "v1", "kind": "Service",
                       "metadata": {"name": "kubernetes", "namespace": "default",
                                    "labels": {"component": "apiserver", "provider": "kubernetes"}},
                       "spec": {"clusterIP": "10.100.0.1", "clusterIPs": ["10.100.0.1"],
                                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 443}]}}),
            )
            .expect("seeding a fresh store cannot conflict");
        store
    }

    /// Installs the admission step (replacing an earlier one).
    pub fn set_admission(&self, admission: Admission) {
        self.lock().admission = Some(admission);
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn pod_network(&self) -> &PodNetwork {
        &self.network
    }

    /// Keeps a rebase out until dropped. A writer that reads the clock and
    /// writes what it read later (a controller pass) holds this from the
    /// reading to its last write, so that its times are all from before a
    /// rebase (and moved by it) or all from after; never an event stamped
    /// ten minutes before its neighbours.
    pub fn hold_time(&self) -> RwLockReadGuard<'_, ()> {
        self.time_readers.read().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data: every write
        // completes its map change before it records the event.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn resource_version(&self) -> u64 {
        self.lock().rv
    }

    pub fn create(&self, kind: &str, mut obj: Value) -> Result<Value, StoreError> {
        let rk = resolve(kind)?;
        if !obj.is_object() {
            return Err(StoreError::invalid(
                rk.kind,
                "",
                "FieldValueInvalid",
                "",
                "the object must be a JSON object",
            ));
        }
        let mut inner = self.lock();
        let name = match meta_str(&obj, "name") {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => match meta_str(&obj, "generateName") {
                Some(prefix) if !prefix.is_empty() => generated_name(prefix),
                _ => {
                    return Err(StoreError::invalid(
                        rk.kind,
                        "",
                        "FieldValueRequired",
                        "metadata.name",
                        "Required value: name or generateName is required",
                    ));
                }
            },
        };
        let ns = namespace_for(rk, &obj);
        if let Some(ns) = &ns {
            let namespace_exists = inner
                .objects
                .get("Namespace")
                .is_some_and(|m| m.contains_key(&(String::new(), ns.clone())));
            if !namespace_exists {
                return Err(StoreError::NotFound {
                    resource: "namespaces".into(),
                    name: ns.clone(),
                });
            }
        }
        let key = (ns.clone().unwrap_or_default(), name.clone());
        if inner
            .objects
            .get(rk.kind)
            .is_some_and(|m| m.contains_key(&key))
        {
            return Err(StoreError::AlreadyExists {
                resource: rk.qualified_plural(),
                name,
            });
        }
        let now = timestamp(&self.clock);
        obj["apiVersion"] = Value::String(rk.api_version());
        obj["kind"] = Value::String(rk.kind.to_string());
        let meta = ensure_object(&mut obj, "metadata");
        meta.insert("name".into(), Value::String(name.clone()));
        match &ns {
            Some(ns) => {
                meta.insert("namespace".into(), Value::String(ns.clone()));
            }
            None => {
                meta.remove("namespace");
            }
        }
        meta.insert("uid".into(), Value::String(new_uid()));
        meta.insert("creationTimestamp".into(), Value::String(now));
        meta.remove("deletionTimestamp");
        if rk.has_generation {
            meta.insert("generation".into(), json!(1));
        } else {
            meta.remove("generation");
        }
        if let Some(admit) = inner.admission.clone() {
            let existing: Vec<&Value> = inner
                .objects
                .get(rk.kind)
                .map(|m| m.values().collect())
                .unwrap_or_default();
            admit(rk.kind, &mut obj, &existing)?;
        }
        let inner_ref = &mut *inner;
        defaults::apply_on_create(
            rk,
            &mut obj,
            &mut inner_ref.ip_counter,
            &mut inner_ref.node_port_counter,
        );
        self.not_after_now(&mut obj);
        let stored = inner.commit(rk, key.clone(), Some(obj), WatchEventType::Added);
        if rk.status_subresource {
            let rv = inner.rv;
            inner.status_only_since.insert((rk.kind, key), rv);
        }
        Ok(stored)
    }

    pub fn get(&self, kind: &str, ns: Option<&str>, name: &str) -> Option<Value> {
        let rk = kinds::by_kind(kind)?;
        let key = object_key(rk, ns, name);
        self.lock().objects.get(rk.kind)?.get(&key).cloned()
    }

    /// All objects of a kind (in one namespace, or all when `ns` is None),
    /// sorted by namespace and name, with the store's resourceVersion.
    pub fn list(&self, kind: &str, ns: Option<&str>) -> (Vec<Value>, u64) {
        let inner = self.lock();
        let Some(rk) = kinds::by_kind(kind) else {
            return (Vec::new(), inner.rv);
        };
        let items = match inner.objects.get(rk.kind) {
            None => Vec::new(),
            Some(map) => match ns.filter(|_| rk.namespaced) {
                None => map.values().cloned().collect(),
                Some(ns) => map
                    .range((ns.to_string(), String::new())..)
                    .take_while(|((n, _), _)| n == ns)
                    .map(|(_, v)| v.clone())
                    .collect(),
            },
        };
        (items, inner.rv)
    }

    /// What `f` makes of each object of a kind (all namespaces, in
    /// namespace and name order; None leaves one out), read in place under
    /// the store's lock, so nothing is cloned that `f` does not take. With
    /// the kind's version as of that reading. `f` must not call the store.
    pub fn visit<R>(
        &self,
        kind: &str,
        mut f: impl FnMut(&Value) -> Option<R>,
    ) -> (Vec<R>, KindVersion) {
        let inner = self.lock();
        let Some(rk) = kinds::by_kind(kind) else {
            return (Vec::new(), KindVersion::default());
        };
        let items = inner
            .objects
            .get(rk.kind)
            .map(|map| map.values().filter_map(&mut f).collect())
            .unwrap_or_default();
        (items, inner.kind_version(rk.kind))
    }

    /// The version of a kind's objects now (see [`KindVersion`]).
    pub fn kind_version(&self, kind: &str) -> KindVersion {
        let inner = self.lock();
        kinds::by_kind(kind).map_or_else(KindVersion::default, |rk| inner.kind_version(rk.kind))
    }

    /// Replaces an object. Fails with Conflict when `metadata.resourceVersion`
    /// is set and stale. `.status` is kept from the stored object for kinds whose
    /// status is a subresource; spec changes bump `metadata.generation`. An
    /// update that changes nothing returns the stored object without an event.
    pub fn update(&self, kind: &str, obj: Value) -> Result<Value, StoreError> {
        self.replace(kind, obj, false)
    }

    /// Changes only `.status` of a stored object.
    pub fn update_status(&self, kind: &str, obj: Value) -> Result<Value, StoreError> {
        self.replace(kind, obj, true)
    }

    fn replace(&self, kind: &str, mut obj: Value, status_only: bool) -> Result<Value, StoreError> {
        let rk = resolve(kind)?;
        let name = meta_str(&obj, "name").unwrap_or_default().to_string();
        if name.is_empty() {
            return Err(StoreError::invalid(
                rk.kind,
                "",
                "FieldValueRequired",
                "metadata.name",
                "Required value: name is required",
            ));
        }
        let ns = namespace_for(rk, &obj);
        let key = (ns.unwrap_or_default(), name.clone());
        let mut inner = self.lock();
        let Some(existing) = inner
            .objects
            .get(rk.kind)
            .and_then(|m| m.get(&key))
            .cloned()
        else {
            return Err(StoreError::not_found(rk, &name));
        };
        if let Some(rv) = meta_str(&obj, "resourceVersion").filter(|s| !s.is_empty())
            && Some(rv) != meta_str(&existing, "resourceVersion")
        {
            // A replace of the object itself whose version is stale only
            // because a controller wrote the status since: the status is
            // kept from the stored object anyway, so nothing the writer read
            // is lost. (The real API server answers Conflict here too; on a
            // real cluster status writes are rare enough that `kubectl
            // replace` seldom meets one, in the simulation at a fast pace
            // they are not.) A stale version of anything else conflicts.
            let since = inner
                .status_only_since
                .get(&(rk.kind, key.clone()))
                .copied();
            let only_status_since = !status_only
                && rk.status_subresource
                && matches!((rv.parse::<u64>(), since), (Ok(read), Some(s)) if read >= s);
            if !only_status_since {
                return Err(StoreError::Conflict {
                    resource: rk.qualified_plural(),
                    name,
                });
            }
        }
        let mut next = if status_only {
            let mut next = existing.clone();
            match obj.get("status") {
                Some(status) => next["status"] = status.clone(),
                None => {
                    if let Some(m) = next.as_object_mut() {
                        m.remove("status");
                    }
                }
            }
            next
        } else {
            obj["apiVersion"] = Value::String(rk.api_version());
            obj["kind"] = Value::String(rk.kind.to_string());
            let meta = ensure_object(&mut obj, "metadata");
            for keep in [
                "uid",
                "creationTimestamp",
                "namespace",
                "generation",
                "deletionTimestamp",
            ] {
                match existing["metadata"].get(keep) {
                    Some(v) => {
                        meta.insert(keep.into(), v.clone());
                    }
                    None => {
                        meta.remove(keep);
                    }
                }
            }
            if rk.status_subresource {
                match existing.get("status") {
                    Some(s) => obj["status"] = s.clone(),
                    None => {
                        if let Some(m) = obj.as_object_mut() {
                            m.remove("status");
                        }
                    }
                }
            }
            defaults::apply_on_update(rk, &mut obj, &existing);
            if rk.has_generation && obj.get("spec") != existing.get("spec") {
                let generation = existing["metadata"]["generation"].as_i64().unwrap_or(1);
                obj["metadata"]["generation"] = json!(generation + 1);
            }
            obj
        };
        self.not_after_now(&mut next);
        if same_apart_from_rv(&next, &existing) {
            return Ok(existing);
        }
        let written = inner.commit(rk, key.clone(), Some(next), WatchEventType::Modified);
        if rk.status_subresource && !status_only {
            let rv = inner.rv;
            inner.status_only_since.insert((rk.kind, key), rv);
        }
        Ok(written)
    }

    /// Removes an object and returns it as last stored (with the deletion's
    /// resourceVersion). Deleting a namespace first deletes everything in it.
    pub fn delete(&self, kind: &str, ns: Option<&str>, name: &str) -> Result<Value, StoreError> {
        let rk = resolve(kind)?;
        let key = object_key(rk, ns, name);
        let mut inner = self.lock();
        if !inner
            .objects
            .get(rk.kind)
            .is_some_and(|m| m.contains_key(&key))
        {
            return Err(StoreError::not_found(rk, name));
        }
        if rk.kind == "Namespace" {
            for inner_kind in kinds::KINDS.iter().filter(|k| k.namespaced) {
                let keys: Vec<(String, String)> = inner
                    .objects
                    .get(inner_kind.kind)
                    .map(|m| m.keys().filter(|(n, _)| n == name).cloned().collect())
                    .unwrap_or_default();
                for k in keys {
                    if inner_kind.kind == "Pod" {
                        self.network.unbind_pod(&k.0, &k.1);
                    }
                    inner.commit(inner_kind, k, None, WatchEventType::Deleted);
                }
            }
            inner.logs.retain(|(n, _, _), _| n != name);
        }
        if rk.kind == "Pod" {
            self.network.unbind_pod(&key.0, &key.1);
            inner
                .logs
                .retain(|(n, p, _), _| !(n == &key.0 && p == &key.1));
        }
        Ok(inner.commit(rk, key, None, WatchEventType::Deleted))
    }

    /// Streams changes with resourceVersion above `since_rv`, oldest first,
    /// for one kind (or all when None) and one namespace (or all).
    /// Fails with Expired when events after `since_rv` were already dropped.
    pub fn watch(
        &self,
        kind: Option<&str>,
        ns: Option<&str>,
        since_rv: u64,
    ) -> Result<WatchStream, StoreError> {
        let kind = match kind {
            Some(k) => Some(resolve(k)?.kind),
            None => None,
        };
        let mut inner = self.lock();
        inner.subscribe(kind, ns.map(str::to_string), since_rv)
    }

    /// The current objects and a watch of every change after them, taken
    /// atomically: what a controller needs to start without missing a write.
    pub fn list_and_watch(
        &self,
        kind: &str,
        ns: Option<&str>,
    ) -> Result<(Vec<Value>, u64, WatchStream), StoreError> {
        let rk = resolve(kind)?;
        let mut inner = self.lock();
        let rv = inner.rv;
        let items: Vec<Value> = inner
            .objects
            .get(rk.kind)
            .map(|m| {
                m.iter()
                    .filter(|((n, _), _)| ns.is_none_or(|want| !rk.namespaced || n == want))
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap_or_default();
        let stream = inner.subscribe(
            Some(rk.kind),
            ns.filter(|_| rk.namespaced).map(str::to_string),
            rv,
        )?;
        Ok((items, rv, stream))
    }

    /// A container (re)starts: what the last run wrote becomes the previous
    /// log (`kubectl logs --previous`), and the new run starts an empty one.
    pub fn start_container_log(&self, ns: &str, pod: &str, container: &str) {
        let mut inner = self.lock();
        let logs = inner
            .logs
            .entry((ns.to_string(), pod.to_string(), container.to_string()))
            .or_default();
        if logs.started {
            logs.previous = Some(std::mem::take(&mut logs.current));
        }
        logs.started = true;
    }

    pub fn append_log(&self, ns: &str, pod: &str, container: &str, line: String) {
        let mut inner = self.lock();
        let lines = &mut inner
            .logs
            .entry((ns.to_string(), pod.to_string(), container.to_string()))
            .or_default()
            .current;
        if lines.len() >= LOG_LINES_KEPT {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// What the container's current run has written.
    pub fn logs(&self, ns: &str, pod: &str, container: &str) -> Vec<String> {
        self.lock()
            .logs
            .get(&(ns.to_string(), pod.to_string(), container.to_string()))
            .map(|l| l.current.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// What the container's run before this one wrote; None before a restart.
    pub fn previous_logs(&self, ns: &str, pod: &str, container: &str) -> Option<Vec<String>> {
        self.lock()
            .logs
            .get(&(ns.to_string(), pod.to_string(), container.to_string()))
            .and_then(|l| l.previous.as_ref())
            .map(|p| p.iter().cloned().collect())
    }
}

/// One container's logs: the current run and, after a restart, the one before.
#[derive(Debug, Default)]
struct ContainerLogs {
    current: VecDeque<String>,
    previous: Option<VecDeque<String>>,
    /// A run has started, so the next start is a restart.
    started: bool,
}

impl Inner {
    fn kind_version(&self, kind: &str) -> KindVersion {
        KindVersion {
            last_write: self.kind_writes.get(kind).copied().unwrap_or(0),
            rebases: self.rebases,
        }
    }

    /// Stores (or removes, when `obj` is None) one object under a new
    /// resourceVersion, records the event and hands it to the watchers.
    fn commit(
        &mut self,
        rk: &'static ResourceKind,
        key: (String, String),
        obj: Option<Value>,
        event_type: WatchEventType,
    ) -> Value {
        self.rv += 1;
        let rv = self.rv;
        self.kind_writes.insert(rk.kind, rv);
        let map = self.objects.entry(rk.kind).or_default();
        let mut object = match obj {
            Some(o) => o,
            None => map.remove(&key).unwrap_or(Value::Null),
        };
        object["metadata"]["resourceVersion"] = Value::String(rv.to_string());
        if event_type != WatchEventType::Deleted {
            map.insert(key, object.clone());
        }
        let event = WatchEvent {
            kind: rk.kind.to_string(),
            event_type,
            object: object.clone(),
            resource_version: rv,
        };
        self.watchers.retain(|w| w.offer(&event));
        if self.history.len() >= self.history_cap
            && let Some(old) = self.history.pop_front()
        {
            self.dropped_up_to = old.resource_version;
        }
        self.history.push_back(event);
        object
    }
}

fn resolve(kind: &str) -> Result<&'static ResourceKind, StoreError> {
    kinds::by_kind(kind).ok_or_else(|| StoreError::UnknownKind(kind.to_string()))
}

fn object_key(rk: &ResourceKind, ns: Option<&str>, name: &str) -> (String, String) {
    let ns = if rk.namespaced {
        ns.unwrap_or("default")
    } else {
        ""
    };
    (ns.to_string(), name.to_string())
}

fn namespace_for(rk: &ResourceKind, obj: &Value) -> Option<String> {
    if !rk.namespaced {
        return None;
    }
    Some(
        meta_str(obj, "namespace")
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_string(),
    )
}

pub(crate) fn meta_str<'a>(obj: &'a Value, field: &str) -> Option<&'a str> {
    obj.get("metadata")?.get(field)?.as_str()
}

fn ensure_object<'a>(obj: &'a mut Value, field: &str) -> &'a mut serde_json::Map<String, Value> {
    if !obj[field].is_object() {
        obj[field] = Value::Object(serde_json::Map::new());
    }
    obj[field].as_object_mut().expect("just made an object")
}

/// Whether `a` and `b` are equal once their `metadata.resourceVersion` is
/// left out, read in place (a controller's update that changes nothing is
/// the common case, and it needs no copy).
fn same_apart_from_rv(a: &Value, b: &Value) -> bool {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    fn metadata<'a>(
        o: &'a serde_json::Map<String, Value>,
        empty: &'a serde_json::Map<String, Value>,
    ) -> Option<&'a serde_json::Map<String, Value>> {
        match o.get("metadata") {
            None => Some(empty),
            Some(m) => m.as_object(),
        }
    }
    let empty = serde_json::Map::new();
    let metadata_same = match (metadata(a, &empty), metadata(b, &empty)) {
        (Some(ma), Some(mb)) => same_apart_from(ma, mb, "resourceVersion"),
        _ => a.get("metadata") == b.get("metadata"),
    };
    metadata_same && same_apart_from(a, b, "metadata")
}

/// Map equality (in any order, as `Map`'s own) with one key left out.
fn same_apart_from(
    a: &serde_json::Map<String, Value>,
    b: &serde_json::Map<String, Value>,
    left_out: &str,
) -> bool {
    let len = |m: &serde_json::Map<String, Value>| m.len() - usize::from(m.contains_key(left_out));
    len(a) == len(b)
        && a.iter()
            .filter(|(k, _)| k.as_str() != left_out)
            .all(|(k, v)| b.get(k) == Some(v))
}

#[cfg(test)]
mod tests;
