//! A store's content as plain data, to keep a cluster across restarts: every
//! object, the resourceVersion and the address counters. Watch history,
//! watchers and container logs are not kept; a restored store starts with
//! an empty history, so a watch from before the restart gets Expired.
//!
//! A snapshot also says where the store's clock stood against the wall when
//! it was taken. A restore moves the objects' timestamps by the clock's lead
//! then, so that nothing is stamped in the wall's future and ages only grow
//! across a restart (by the time the world was away, as on a real cluster).

use std::collections::HashMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rebase::shift_timestamps;
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
    /// The store's clock when the snapshot was taken, and the wall's.
    /// Absent in files written before they were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken: Option<TakenAt>,
}

/// Simulated and wall time at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TakenAt {
    pub clock: Timestamp,
    pub wall: Timestamp,
}

impl TakenAt {
    /// How far the objects move so that the clock's reading then is the
    /// wall's then: negative when the clock ran ahead.
    pub fn lead_removed(&self) -> SignedDuration {
        self.wall.duration_since(self.clock)
    }
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
            taken: Some(TakenAt {
                clock: self.clock.now(),
                wall: Timestamp::now(),
            }),
        }
    }

    /// A store holding exactly what `snapshot` holds: no seeding, no
    /// admission and no defaulting, since the objects were stored before.
    /// Their timestamps lose the lead the old clock had over the wall.
    pub fn restore(clock: Clock, snapshot: StoreSnapshot) -> Result<Store, StoreError> {
        // A lead under a second is the clock and the wall read a moment
        // apart, not a lead: moving whole-second stamps by it would take a
        // second off them. (By the time a world is restored, the wall has
        // long passed the moment it was saved.)
        let by = snapshot
            .taken
            .map_or(SignedDuration::ZERO, |t| t.lead_removed());
        let by = if by.abs() < SignedDuration::from_secs(1) {
            SignedDuration::ZERO
        } else {
            by
        };
        let mut objects: HashMap<&'static str, super::ObjectsByName> = HashMap::new();
        for mut object in snapshot.objects {
            if !by.is_zero() {
                shift_timestamps(&mut object, by);
            }
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
                pod_sources: HashMap::new(),
                status_only_since: HashMap::new(),
                ip_counter: snapshot.ip_counter,
                node_port_counter: snapshot.node_port_counter,
                admission: None,
                kind_writes: HashMap::new(),
                rebases: 0,
            };
            *inner = fresh;
        }
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sim::store::WatchEventType;

    #[test]
    fn a_store_comes_back_from_its_snapshot_as_it_was() {
        let store = Store::new(Clock::real(1.0));
        store
            .create(
                "ConfigMap",
                json!({"metadata": {"name": "a", "namespace": "default"}, "data": {"k": "v"}}),
            )
            .expect("create");
        store
            .create(
                "Service",
                json!({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}}),
            )
            .expect("create");
        let snapshot = store.snapshot();
        let text = serde_json::to_string(&snapshot).expect("serialises");
        let back: StoreSnapshot = serde_json::from_str(&text).expect("deserialises");
        assert_eq!(back, snapshot);

        let restored = Store::restore(Clock::real(1.0), back).expect("restores");
        assert_eq!(restored.resource_version(), store.resource_version());
        for kind in ["Namespace", "ConfigMap", "Service"] {
            assert_eq!(restored.list(kind, None), store.list(kind, None), "{kind}");
        }
        // Counters go on where they were: the next NodePort and ClusterIP differ.
        let next = restored
            .create(
                "Service",
                json!({"metadata": {"name": "api"}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}}),
            )
            .expect("create");
        let old = store.get("Service", Some("default"), "web").expect("web");
        assert_ne!(next["spec"]["clusterIP"], old["spec"]["clusterIP"]);
        assert_ne!(
            next["spec"]["ports"][0]["nodePort"],
            old["spec"]["ports"][0]["nodePort"]
        );
        // A watch from before the restart cannot be resumed; from now on it can.
        assert!(restored.watch(None, None, 1).is_err());
        let mut watch = restored
            .watch(None, None, restored.resource_version())
            .expect("watch from now");
        restored
            .delete("ConfigMap", Some("default"), "a")
            .expect("delete");
        let event = watch.try_next().expect("an event");
        assert_eq!(event.event_type, WatchEventType::Deleted);
    }

    #[test]
    fn a_restore_drops_the_lead_of_the_old_clock_so_ages_only_grow() {
        let at = |t: &str| -> Timestamp { t.parse().expect("valid timestamp") };
        // The old clock ran an hour ahead of the wall.
        let clock = Clock::manual(at("2026-01-01T01:00:00Z"));
        let store = Store::new(clock.clone());
        store
            .create(
                "ConfigMap",
                json!({"metadata": {"name": "a", "namespace": "default"}}),
            )
            .expect("create");
        clock.advance(std::time::Duration::from_secs(300));
        let mut snapshot = store.snapshot();
        snapshot.taken = Some(TakenAt {
            clock: at("2026-01-01T01:05:00Z"),
            wall: at("2026-01-01T00:05:00Z"),
        });
        // Back ten minutes of wall time later.
        let restored =
            Store::restore(Clock::manual(at("2026-01-01T00:15:00Z")), snapshot).expect("restores");
        let cm = restored.get("ConfigMap", Some("default"), "a").expect("a");
        assert_eq!(cm["metadata"]["creationTimestamp"], "2026-01-01T00:00:00Z");
        // 5 minutes old when saved, 15 now: never younger, never in the future.
    }
}
