//! Store errors; the API server turns each into a Status.

use crate::sim::kinds::ResourceKind;

/// Why a store operation failed; the API server turns each into a Status.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StoreError {
    #[error("the server could not find the requested resource (kind {0})")]
    UnknownKind(String),
    #[error("{resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    #[error("{resource} \"{name}\" already exists")]
    AlreadyExists { resource: String, name: String },
    #[error(
        "Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
    )]
    Conflict { resource: String, name: String },
    #[error("{kind} \"{name}\" is invalid: {}", causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect::<Vec<_>>().join(", "))]
    Invalid {
        kind: String,
        name: String,
        causes: Vec<InvalidCause>,
    },
    #[error("too old resource version: {requested} ({oldest})")]
    Expired { requested: u64, oldest: u64 },
}

/// One field problem of an Invalid error, like Status `details.causes`.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidCause {
    /// "FieldValueRequired", "FieldValueInvalid", ...
    pub reason: String,
    pub field: String,
    pub message: String,
}

impl StoreError {
    pub(super) fn not_found(kind: &ResourceKind, name: &str) -> StoreError {
        StoreError::NotFound {
            resource: kind.qualified_plural(),
            name: name.to_string(),
        }
    }

    /// An Invalid error with a single cause.
    pub fn invalid(kind: &str, name: &str, reason: &str, field: &str, message: &str) -> StoreError {
        StoreError::Invalid {
            kind: kind.to_string(),
            name: name.to_string(),
            causes: vec![InvalidCause {
                reason: reason.to_string(),
                field: field.to_string(),
                message: message.to_string(),
            }],
        }
    }
}
