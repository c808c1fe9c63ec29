//! EKS API errors as AWS REST-JSON sends them: an HTTP status, the
//! `x-amzn-ErrorType` header and a JSON body with `message`.

use serde_json::{Map, Value, json};

/// The error types the simulated endpoint returns, named as AWS names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EksErrorKind {
    ResourceNotFound,
    ResourceInUse,
    InvalidParameter,
    InvalidRequest,
    Serialization,
    UnknownOperation,
}

impl EksErrorKind {
    /// The wire name (`x-amzn-ErrorType`).
    pub fn code(self) -> &'static str {
        match self {
            EksErrorKind::ResourceNotFound => "ResourceNotFoundException",
            EksErrorKind::ResourceInUse => "ResourceInUseException",
            EksErrorKind::InvalidParameter => "InvalidParameterException",
            EksErrorKind::InvalidRequest => "InvalidRequestException",
            EksErrorKind::Serialization => "SerializationException",
            EksErrorKind::UnknownOperation => "UnknownOperationException",
        }
    }

    pub fn http_status(self) -> u16 {
        match self {
            EksErrorKind::ResourceNotFound | EksErrorKind::UnknownOperation => 404,
            EksErrorKind::ResourceInUse => 409,
            EksErrorKind::InvalidParameter
            | EksErrorKind::InvalidRequest
            | EksErrorKind::Serialization => 400,
        }
    }
}

/// One API error, with the resource names AWS adds to the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", kind.code())]
pub struct EksApiError {
    pub kind: EksErrorKind,
    pub message: String,
    pub cluster_name: Option<String>,
    pub nodegroup_name: Option<String>,
}

impl EksApiError {
    pub fn new(kind: EksErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            cluster_name: None,
            nodegroup_name: None,
        }
    }

    pub fn cluster(mut self, name: &str) -> Self {
        self.cluster_name = Some(name.to_string());
        self
    }

    pub fn nodegroup(mut self, name: &str) -> Self {
        self.nodegroup_name = Some(name.to_string());
        self
    }

    // Messages as the real API words them (moto recorded them from it).
    pub(crate) fn cluster_not_found(name: &str) -> Self {
        Self::new(
            EksErrorKind::ResourceNotFound,
            format!("No cluster found for name: {name}."),
        )
        .cluster(name)
    }

    pub(crate) fn nodegroup_not_found(cluster: &str, nodegroup: &str) -> Self {
        Self::new(
            EksErrorKind::ResourceNotFound,
            format!("No node group found for name: {nodegroup}."),
        )
        .cluster(cluster)
        .nodegroup(nodegroup)
    }

    pub(crate) fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(EksErrorKind::InvalidParameter, message)
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("message".into(), json!(self.message));
        if let Some(cluster) = &self.cluster_name {
            body.insert("clusterName".into(), json!(cluster));
        }
        if let Some(nodegroup) = &self.nodegroup_name {
            body.insert("nodegroupName".into(), json!(nodegroup));
        }
        Value::Object(body)
    }
}
