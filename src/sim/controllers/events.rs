//! The event recorder: writes `EventRecord`s as core/v1 Events, and folds a
//! repeat of the same event into a higher count and a later lastTimestamp.

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::change::EventRecord;

/// What makes two events the same one, as client-go's aggregator sees it.
type EventKey = (String, String, String, String, String, &'static str);

#[derive(Default)]
pub struct EventRecorder {
    /// Event object name by key, for events this recorder wrote.
    seen: HashMap<EventKey, String>,
    counter: u64,
}

/// What the recorder wants written for one event.
pub enum EventWrite {
    Create(Value),
    /// Bump the stored event `name` in `namespace`.
    Repeat {
        namespace: String,
        name: String,
    },
}

impl EventRecorder {
    pub fn record(&mut self, event: &EventRecord, now: Timestamp) -> EventWrite {
        let involved = &event.involved;
        let namespace = involved
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let key = (
            namespace.clone(),
            involved.kind.clone().unwrap_or_default(),
            involved.name.clone().unwrap_or_default(),
            event.reason.clone(),
            event.message.clone(),
            event.component,
        );
        if let Some(name) = self.seen.get(&key) {
            return EventWrite::Repeat {
                namespace,
                name: name.clone(),
            };
        }
        self.counter += 1;
        // Kubernetes names events <object>.<unix nanos in hex>; the counter
        // keeps names unique when a manual clock stands still.
        let nanos = now.as_nanosecond() as u128 + u128::from(self.counter);
        let name = format!("{}.{nanos:x}", involved.name.as_deref().unwrap_or("event"));
        self.seen.insert(key, name.clone());
        EventWrite::Create(event_object(event, &namespace, &name, now))
    }

    /// Forgets an event that could not be found (deleted by a user), so the
    /// next repeat creates it afresh.
    pub fn forget(&mut self, namespace: &str, name: &str) {
        self.seen.retain(|k, v| !(k.0 == namespace && v == name));
    }
}

fn event_object(event: &EventRecord, namespace: &str, name: &str, now: Timestamp) -> Value {
    let now = stamp(now);
    let mut source = json!({"component": event.component});
    if let Some(host) = &event.host {
        source["host"] = json!(host);
    }
    json!({
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": event.involved,
        "reason": event.reason,
        "message": event.message,
        "source": source,
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
        "type": if event.warning { "Warning" } else { "Normal" },
        "eventTime": null,
        "reportingComponent": event.component,
        "reportingInstance": event.host.clone().unwrap_or_default()
    })
}

/// The stored event with one more occurrence at `now`.
pub fn repeated(mut stored: Value, now: Timestamp) -> Value {
    let count = stored.get("count").and_then(Value::as_i64).unwrap_or(1);
    stored["count"] = json!(count + 1);
    stored["lastTimestamp"] = json!(stamp(now));
    stored
}

fn stamp(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::controllers::change::EventRecord;
    use k8s_openapi::api::core::v1::ObjectReference;

    #[test]
    fn a_repeat_becomes_a_count() {
        let mut recorder = EventRecorder::default();
        let involved = ObjectReference {
            kind: Some("Pod".into()),
            name: Some("web-1".into()),
            namespace: Some("default".into()),
            ..Default::default()
        };
        let event = EventRecord::warning(
            involved,
            "kubelet",
            "BackOff",
            "Back-off restarting failed container".into(),
        )
        .on_host("node-1");
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let EventWrite::Create(obj) = recorder.record(&event, now) else {
            panic!("first sight creates")
        };
        assert_eq!(obj["type"], "Warning");
        assert_eq!(
            obj["source"],
            json!({"component": "kubelet", "host": "node-1"})
        );
        assert!(
            obj["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("web-1.")
        );
        let EventWrite::Repeat { name, .. } = recorder.record(&event, now) else {
            panic!("second sight repeats")
        };
        assert_eq!(name, obj["metadata"]["name"]);
        let later: Timestamp = "2026-01-01T00:01:00Z".parse().unwrap();
        let bumped = repeated(obj, later);
        assert_eq!(
            (bumped["count"].clone(), bumped["lastTimestamp"].clone()),
            (json!(2), json!("2026-01-01T00:01:00Z"))
        );
    }
}
