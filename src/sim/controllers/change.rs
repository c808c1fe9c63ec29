//! The output of every reconcile function: a list of intended writes, so that
//! controller logic stays pure and is tested without a store.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::ObjectReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use serde::Serialize;
use serde_json::Value;

use crate::sim::runtime::ContainerContext;

/// One write a controller wants done. Applied in order by the applier.
#[derive(Debug, Clone)]
pub enum Change {
    Create {
        kind: &'static str,
        object: Value,
    },
    /// A full update; keeps `metadata.resourceVersion`, so a concurrent
    /// change by a user makes it fail and the next pass retries.
    Update {
        kind: &'static str,
        object: Value,
    },
    /// Only `.status` is written; last writer wins.
    UpdateStatus {
        kind: &'static str,
        object: Value,
    },
    Delete {
        kind: &'static str,
        namespace: Option<String>,
        name: String,
    },
    Event(EventRecord),
    Log {
        namespace: String,
        pod: String,
        container: String,
        lines: Vec<String>,
    },
    /// The first lines of a container's current run, as far as they are
    /// due: the applier appends those not yet in the log, so repeating it
    /// on every pass is harmless.
    RunLog {
        namespace: String,
        pod: String,
        container: String,
        lines: Vec<String>,
    },
    /// A container started: bind its ports through its runtime.
    StartContainer(ContainerContext),
    /// A pod stopped or went away: its ports close.
    StopPod {
        namespace: String,
        pod: String,
    },
}

/// An event as a controller reports it. The recorder turns repeats of the
/// same (object, reason, message, source) into a higher `count`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub involved: ObjectReference,
    pub reason: String,
    pub message: String,
    pub component: &'static str,
    pub host: Option<String>,
    pub warning: bool,
}

impl EventRecord {
    pub fn normal(
        involved: ObjectReference,
        component: &'static str,
        reason: &str,
        message: String,
    ) -> Self {
        EventRecord {
            involved,
            reason: reason.to_string(),
            message,
            component,
            host: None,
            warning: false,
        }
    }

    pub fn warning(
        involved: ObjectReference,
        component: &'static str,
        reason: &str,
        message: String,
    ) -> Self {
        EventRecord {
            warning: true,
            ..EventRecord::normal(involved, component, reason, message)
        }
    }

    pub fn on_host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }
}

/// A reference to an object for events' `involvedObject`.
pub fn object_ref(api_version: &str, kind: &str, meta: &ObjectMeta) -> ObjectReference {
    ObjectReference {
        api_version: Some(api_version.to_string()),
        kind: Some(kind.to_string()),
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        ..ObjectReference::default()
    }
}

/// The controller ownerReference that a child carries to its owner.
pub fn controller_ref(api_version: &str, kind: &str, owner: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: owner.name.clone().unwrap_or_default(),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The uid of the object's controller, if it has one.
pub fn controller_uid(meta: &ObjectMeta) -> Option<&str> {
    meta.owner_references
        .as_deref()?
        .iter()
        .find(|r| r.controller == Some(true))
        .map(|r| r.uid.as_str())
}

pub fn is_terminating(meta: &ObjectMeta) -> bool {
    meta.deletion_timestamp.is_some()
}

/// Serialises a typed object to its wire form, with apiVersion and kind.
pub fn to_wire<T: Serialize>(object: &T) -> Value {
    serde_json::to_value(object).expect("k8s-openapi types always serialise to JSON")
}

pub fn time(now: Timestamp) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::Time {
    // Wire times have whole seconds; round here so that comparisons of a
    // freshly computed status with a stored one do not differ by nanoseconds.
    k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        Timestamp::from_second(now.as_second()).expect("a valid timestamp stays valid"),
    )
}
