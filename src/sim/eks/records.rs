//! The simulated EKS service's records and the request bodies that create
//! them.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The CreateCluster body (the fields the simulator keeps).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateClusterRequest {
    pub name: Option<String>,
    pub version: Option<String>,
    pub role_arn: Option<String>,
    pub resources_vpc_config: Option<Value>,
    pub kubernetes_network_config: Option<Value>,
    pub logging: Option<Value>,
    pub client_request_token: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// The CreateNodegroup body (the fields the simulator keeps).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateNodegroupRequest {
    pub nodegroup_name: Option<String>,
    pub scaling_config: Option<ScalingConfig>,
    pub disk_size: Option<u32>,
    pub subnets: Option<Vec<String>>,
    pub instance_types: Option<Vec<String>>,
    pub ami_type: Option<String>,
    pub node_role: Option<String>,
    pub capacity_type: Option<String>,
    pub version: Option<String>,
    pub release_version: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub client_request_token: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingConfig {
    pub min_size: Option<u32>,
    pub max_size: Option<u32>,
    pub desired_size: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Status {
    Creating,
    Active,
    Deleting,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Creating => "CREATING",
            Status::Active => "ACTIVE",
            Status::Deleting => "DELETING",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ClusterRecord {
    pub name: String,
    pub arn: String,
    pub version: String,
    pub role_arn: String,
    pub resources_vpc_config: Value,
    pub kubernetes_network_config: Option<Value>,
    pub logging: Option<Value>,
    pub client_request_token: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub status: Status,
    /// When the current status ends.
    pub due: Option<Timestamp>,
    pub endpoint: String,
    pub nodegroups: BTreeMap<String, NodegroupRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct NodegroupRecord {
    pub name: String,
    pub arn: String,
    pub cluster: String,
    pub version: String,
    pub release_version: String,
    pub created_at: Timestamp,
    pub modified_at: Timestamp,
    pub status: Status,
    pub due: Option<Timestamp>,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub instance_types: Vec<String>,
    pub ami_type: String,
    pub disk_size: u32,
    pub capacity_type: String,
    pub subnets: Vec<String>,
    pub node_role: String,
    pub labels: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
}

/// A cluster as the rest of the world sees it (for eksctl's view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSummary {
    pub name: String,
    pub region: String,
    pub status: String,
    pub nodegroups: Vec<NodegroupSummary>,
    pub tags: BTreeMap<String, String>,
}

/// A nodegroup as eksctl sees it: what `eksctl get nodegroup` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodegroupSummary {
    pub name: String,
    pub status: String,
    pub created_at: Timestamp,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub instance_type: String,
    pub ami_type: String,
    pub asg_name: String,
}

impl NodegroupSummary {
    /// A nodegroup known only by its name (the rest blank), for callers that
    /// need no more than that.
    pub fn named(name: &str) -> Self {
        NodegroupSummary {
            name: name.to_string(),
            status: String::new(),
            created_at: Timestamp::UNIX_EPOCH,
            min: 0,
            max: 0,
            desired: 0,
            instance_type: String::new(),
            ami_type: String::new(),
            asg_name: String::new(),
        }
    }
}
