//! What eksctl's CloudFormation stacks ask of EKS, as requests to the
//! simulated endpoint, and eksctl's view of the clusters found there.

use std::collections::BTreeMap;

use serde_json::json;
use sha2::{Digest, Sha256};

use super::{ExistingCluster, PlanAction};
use crate::sim::eks::{
    ClusterSummary, CreateClusterRequest, CreateNodegroupRequest, ScalingConfig, naming,
};

/// The tag eksctl puts on what it creates; `get cluster` reads it for the
/// EKSCTL CREATED column.
pub const EKSCTL_CLUSTER_TAG: &str = "alpha.eksctl.io/cluster-name";

fn suffix(seed: &str) -> String {
    let digest = Sha256::digest(seed.as_bytes());
    digest
        .iter()
        .take(6)
        .map(|b| format!("{:02X}", b))
        .collect()
}

/// The subnet ids eksctl's VPC would have: a public and a private one per
/// zone.
fn subnet_ids(cluster: &str, region: &str) -> Vec<String> {
    let zones = naming::availability_zones(region);
    zones
        .iter()
        .flat_map(|zone| ["public", "private"].map(|kind| (zone.clone(), kind)))
        .map(|(zone, kind)| {
            format!(
                "subnet-{}",
                suffix(&format!("{cluster}/{zone}/{kind}")).to_lowercase()
            )
        })
        .collect()
}

fn eksctl_tags(cluster: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (EKSCTL_CLUSTER_TAG.to_string(), cluster.to_string()),
        (
            "eksctl.cluster.k8s.io/v1alpha1/cluster-name".to_string(),
            cluster.to_string(),
        ),
    ])
}

impl PlanAction {
    /// For [`PlanAction::CreateCluster`]: the CreateCluster request the
    /// cluster stack makes.
    pub fn create_cluster_request(&self, account_id: &str) -> Option<CreateClusterRequest> {
        let PlanAction::CreateCluster {
            name,
            region,
            version,
        } = self
        else {
            return None;
        };
        Some(CreateClusterRequest {
            name: Some(name.clone()),
            version: Some(version.clone()),
            role_arn: Some(format!(
                "arn:aws:iam::{account_id}:role/eksctl-{name}-cluster-ServiceRole-{}",
                suffix(name)
            )),
            resources_vpc_config: Some(json!({
                "subnetIds": subnet_ids(name, region),
                "endpointPublicAccess": true,
                "endpointPrivateAccess": false
            })),
            tags: eksctl_tags(name),
            ..CreateClusterRequest::default()
        })
    }

    /// For [`PlanAction::CreateNodegroup`]: the cluster name and the
    /// CreateNodegroup request the nodegroup stack makes.
    pub fn create_nodegroup_request(
        &self,
        region: &str,
        account_id: &str,
    ) -> Option<(String, CreateNodegroupRequest)> {
        let PlanAction::CreateNodegroup {
            cluster,
            nodegroup,
            instance_type,
            desired,
            min,
            max,
            volume_size,
        } = self
        else {
            return None;
        };
        let request = CreateNodegroupRequest {
            nodegroup_name: Some(nodegroup.clone()),
            scaling_config: Some(ScalingConfig {
                min_size: Some(*min),
                max_size: Some(*max),
                desired_size: Some(*desired),
            }),
            disk_size: Some(*volume_size),
            // eksctl puts managed nodes in the public subnets by default.
            subnets: Some(subnet_ids(cluster, region).into_iter().step_by(2).collect()),
            instance_types: Some(vec![instance_type.clone()]),
            node_role: Some(format!(
                "arn:aws:iam::{account_id}:role/eksctl-{cluster}-nodegroup-{nodegroup}-NodeInstanceRole-{}",
                suffix(&format!("{cluster}/{nodegroup}"))
            )),
            labels: BTreeMap::from([
                ("alpha.eksctl.io/cluster-name".to_string(), cluster.clone()),
                (
                    "alpha.eksctl.io/nodegroup-name".to_string(),
                    nodegroup.clone(),
                ),
            ]),
            tags: eksctl_tags(cluster),
            ..CreateNodegroupRequest::default()
        };
        Some((cluster.clone(), request))
    }
}

/// The clusters as eksctl finds them, from the simulated endpoint's
/// [`crate::sim::eks::EksState::summaries`].
pub fn existing_clusters(summaries: &[ClusterSummary]) -> Vec<ExistingCluster> {
    summaries
        .iter()
        .map(|s| ExistingCluster {
            name: s.name.clone(),
            region: s.region.clone(),
            nodegroups: s.nodegroups.clone(),
            eksctl_created: s.tags.contains_key(EKSCTL_CLUSTER_TAG),
            status: s.status.clone(),
        })
        .collect()
}
