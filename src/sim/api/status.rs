//! API errors and their wire form: a `Status` object with the HTTP code, as
//! kubectl prints it ("Error from server (NotFound): ...").

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::sim::kinds::ResourceKind;
use crate::sim::store::StoreError;

/// An error answered as a Status.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    pub fn not_found_path() -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    pub fn not_found(rk: &ResourceKind, name: &str) -> ApiError {
        ApiError {
            details: Some(json!({"name": name, "group": rk.group, "kind": rk.plural})),
            ..ApiError::new(
                404,
                "NotFound",
                format!("{} \"{name}\" not found", rk.qualified_plural()),
            )
        }
    }

    pub fn method_not_allowed(message: impl Into<String>) -> ApiError {
        ApiError::new(405, "MethodNotAllowed", message)
    }

    /// 422 with one cause.
    pub fn invalid(
        rk: &ResourceKind,
        name: &str,
        reason: &str,
        field: &str,
        message: &str,
    ) -> ApiError {
        ApiError {
            details: Some(json!({
                "name": name, "group": rk.group, "kind": rk.kind,
                "causes": [{"reason": reason, "message": message, "field": field}],
            })),
            ..ApiError::new(
                422,
                "Invalid",
                format!("{} \"{name}\" is invalid: {field}: {message}", rk.kind),
            )
        }
    }

    pub fn from_store(rk: &ResourceKind, err: StoreError) -> ApiError {
        let message = err.to_string();
        match err {
            StoreError::UnknownKind(_) => ApiError::not_found_path(),
            StoreError::NotFound { resource, name } => {
                let (kind, group) = resource.split_once('.').unwrap_or((&resource, ""));
                ApiError {
                    details: Some(json!({"name": name, "group": group, "kind": kind})),
                    ..ApiError::new(404, "NotFound", message)
                }
            }
            StoreError::AlreadyExists { name, .. } => ApiError {
                details: Some(json!({"name": name, "group": rk.group, "kind": rk.plural})),
                ..ApiError::new(409, "AlreadyExists", message)
            },
            StoreError::Conflict { name, .. } => ApiError {
                details: Some(json!({"name": name, "group": rk.group, "kind": rk.plural})),
                ..ApiError::new(409, "Conflict", message)
            },
            StoreError::Invalid { kind, name, causes } => ApiError {
                details: Some(json!({
                    "name": name, "group": rk.group, "kind": kind,
                    "causes": causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect::<Vec<_>>(),
                })),
                ..ApiError::new(422, "Invalid", message)
            },
            StoreError::Expired { .. } => ApiError::new(410, "Expired", message),
        }
    }

    /// The Status object.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(code, &self.to_status())
    }
}

/// A JSON answer with the given code.
pub fn json_response(code: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    (
        code,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response()
}

/// The Status returned by a successful delete of something without a body to return.
pub fn success_status(rk: &ResourceKind, name: &str) -> Value {
    json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
        "details": {"name": name, "group": rk.group, "kind": rk.plural},
    })
}
