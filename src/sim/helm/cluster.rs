//! The target cluster as helm sees it: objects to create, read, list and delete.
//! Implemented for the simulator's `Store`; tests and other callers may bring their own.

use serde_json::Value;

use crate::sim::store::{Store, StoreError};

/// An error from the cluster, already phrased as the API server phrases it
/// (`configmaps "x" already exists`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ClusterError {
    pub message: String,
    pub not_found: bool,
}

impl ClusterError {
    pub fn other(message: impl Into<String>) -> ClusterError {
        ClusterError {
            message: message.into(),
            not_found: false,
        }
    }

    pub fn not_found(message: impl Into<String>) -> ClusterError {
        ClusterError {
            message: message.into(),
            not_found: true,
        }
    }
}

/// What helm needs from a cluster. `kind` is the object's `kind` (`ConfigMap`);
/// `namespace` is `None` for cluster-scoped kinds or "all namespaces" in `list`.
pub trait ClusterApply {
    fn create(&self, kind: &str, object: Value) -> Result<Value, ClusterError>;
    fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<Value>;
    fn list(&self, kind: &str, namespace: Option<&str>) -> Vec<Value>;
    /// Replaces an existing object (its `metadata.resourceVersion`, if set, must be current).
    fn update(&self, kind: &str, object: Value) -> Result<Value, ClusterError>;
    fn delete(&self, kind: &str, namespace: Option<&str>, name: &str) -> Result<(), ClusterError>;
}

impl From<StoreError> for ClusterError {
    fn from(error: StoreError) -> ClusterError {
        let not_found = matches!(error, StoreError::NotFound { .. });
        ClusterError {
            message: error.to_string(),
            not_found,
        }
    }
}

impl ClusterApply for Store {
    fn create(&self, kind: &str, object: Value) -> Result<Value, ClusterError> {
        Ok(Store::create(self, kind, object)?)
    }

    fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<Value> {
        Store::get(self, kind, namespace, name)
    }

    fn list(&self, kind: &str, namespace: Option<&str>) -> Vec<Value> {
        Store::list(self, kind, namespace).0
    }

    fn update(&self, kind: &str, object: Value) -> Result<Value, ClusterError> {
        Ok(Store::update(self, kind, object)?)
    }

    fn delete(&self, kind: &str, namespace: Option<&str>, name: &str) -> Result<(), ClusterError> {
        Store::delete(self, kind, namespace, name)
            .map(|_| ())
            .map_err(ClusterError::from)
    }
}
