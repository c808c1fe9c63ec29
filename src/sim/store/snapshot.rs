//! A store's content as plain data, to keep a cluster across restarts: every
//! object, the resourceVersion and the address counters. Watch history,
//! watchers and container logs are not kept; a restored store starts with
//! an empty history, so a watch from before the restart gets Expired.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Inner, Store, StoreError, meta_str, object_key, resolve};
use crate::sim::clock::Clock;

/// Everything a store needs to come back as it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreSnapshot {
    pub resource_version: u64,
    pub ip_counter: u32,
    pub node_port_counter: u16,
    /// Every object in its wire form, kinds in a stable order.
    pub objects: Vec<Value>,
}

impl Store {
    /// The store's objects and counters as they are now.
    pub fn snapshot(&self) -> StoreSnapshot {
        let inner = self.lock();
        let mut kinds: Vec<&&'static str> = inner.objects.keys().collect();
        kinds.sort();
        let objects = kinds
            .into_iter()
            .flat_map(|k| inner.objects[*k].values().cloned())
            .collect();
        StoreSnapshot {
            resource_version: inner.rv,
            ip_counter: inner.ip_counter,
            node_port_counter: inner.node_port_counter,
            objects,
        }
    }

    /// A store holding exactly what `snapshot` holds: no seeding, no
    /// admission and no defaulting, since the objects were stored before.
    pub fn restore(clock: Clock, snapshot: StoreSnapshot) -> Result<Store, StoreError> {
        let mut objects: HashMap<&'static str, super::ObjectsByName> = HashMap::new();
        for object in snapshot.objects {
            let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
            let rk = resolve(kind)?;
            let name = meta_str(&object, "name").unwrap_or_default().to_string();
            let key = object_key(rk, meta_str(&object, "namespace"), &name);
            objects.entry(rk.kind).or_default().insert(key, object);
        }
        let store = Store::with_history(clock, super::DEFAULT_HISTORY);
        {
            let mut inner = store.lock();
            let fresh = Inner {
                objects,
                rv: snapshot.resource_version,
                history: Default::default(),
                history_cap: inner.history_cap,
                dropped_up_to: snapshot.resource_version,
                watchers: Vec::new(),
                logs: HashMap::new(),
                ip_counter: snapshot.ip_counter,
                node_port_counter: snapshot.node_port_counter,
                admission: None,
            };
            *inner = fresh;
        }
        Ok(store)
    }
}
