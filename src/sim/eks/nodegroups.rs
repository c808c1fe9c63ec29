//! Nodegroup operations of the simulated EKS service.

use super::api_error::{EksApiError, EksErrorKind};
use super::records::{CreateNodegroupRequest, NodegroupRecord, ScalingConfig, Status};
use super::shapes;
use super::state::{EksState, after, page};
use serde_json::Value;

impl EksState {
    /// CreateNodegroup: the cluster must be ACTIVE.
    pub fn create_nodegroup(
        &self,
        cluster_name: &str,
        request: CreateNodegroupRequest,
    ) -> Result<Value, EksApiError> {
        let config = &self.inner.config;
        let name = request
            .nodegroup_name
            .filter(|n| !n.is_empty())
            .ok_or_else(|| EksApiError::invalid_parameter("nodegroupName is required"))?;
        let node_role = request.node_role.ok_or_else(|| {
            EksApiError::invalid_parameter("nodeRole is required")
                .cluster(cluster_name)
                .nodegroup(&name)
        })?;
        let subnets = request.subnets.unwrap_or_default();
        if subnets.is_empty() {
            return Err(EksApiError::invalid_parameter("subnets are required")
                .cluster(cluster_name)
                .nodegroup(&name));
        }
        let scaling = request.scaling_config.unwrap_or(ScalingConfig {
            min_size: None,
            max_size: None,
            desired_size: None,
        });
        let desired = scaling.desired_size.unwrap_or(2);
        let min = scaling.min_size.unwrap_or(desired.min(1));
        let max = scaling.max_size.unwrap_or(desired.max(2));
        if min > max || desired < min || desired > max {
            return Err(EksApiError::invalid_parameter(format!(
                "Invalid scaling config: minSize {min}, maxSize {max}, desiredSize {desired}"
            ))
            .cluster(cluster_name)
            .nodegroup(&name));
        }
        let now = self.inner.clock.now();
        let due = after(now, config.durations.nodegroup_create);
        let body = {
            let mut clusters = self.settled();
            let cluster = clusters
                .get_mut(cluster_name)
                .ok_or_else(|| EksApiError::cluster_not_found(cluster_name))?;
            if cluster.nodegroups.contains_key(&name) {
                return Err(EksApiError::new(
                    EksErrorKind::ResourceInUse,
                    format!(
                        "NodeGroup already exists with name {name} and cluster name {cluster_name}"
                    ),
                )
                .cluster(cluster_name)
                .nodegroup(&name));
            }
            if cluster.status != Status::Active {
                return Err(EksApiError::new(
                    EksErrorKind::InvalidRequest,
                    format!("Cluster '{cluster_name}' is not in ACTIVE status"),
                )
                .cluster(cluster_name));
            }
            let version = request.version.unwrap_or_else(|| cluster.version.clone());
            let record = NodegroupRecord {
                arn: format!(
                    "arn:aws:eks:{}:{}:nodegroup/{cluster_name}/{name}/{}",
                    config.region,
                    config.account_id,
                    shapes::stable_uuid(&format!("{cluster_name}/{name}/{now}"))
                ),
                name: name.clone(),
                cluster: cluster_name.to_string(),
                release_version: request
                    .release_version
                    .unwrap_or_else(|| shapes::release_version(&version)),
                ami_type: request
                    .ami_type
                    .unwrap_or_else(|| shapes::default_ami_type(&version).to_string()),
                version,
                created_at: now,
                modified_at: now,
                status: Status::Creating,
                due: Some(due),
                min,
                max,
                desired,
                instance_types: request
                    .instance_types
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| vec!["t3.medium".into()]),
                disk_size: request.disk_size.unwrap_or(20),
                capacity_type: request.capacity_type.unwrap_or_else(|| "ON_DEMAND".into()),
                subnets,
                node_role,
                labels: request.labels,
                tags: request.tags,
            };
            let body = shapes::nodegroup(&record);
            cluster.nodegroups.insert(name, record);
            body
        };
        self.schedule(due);
        Ok(body)
    }

    /// DescribeNodegroup.
    pub fn describe_nodegroup(&self, cluster: &str, nodegroup: &str) -> Result<Value, EksApiError> {
        let clusters = self.settled();
        let c = clusters
            .get(cluster)
            .ok_or_else(|| EksApiError::cluster_not_found(cluster))?;
        let ng = c
            .nodegroups
            .get(nodegroup)
            .ok_or_else(|| EksApiError::nodegroup_not_found(cluster, nodegroup))?;
        Ok(shapes::nodegroup(ng))
    }

    /// ListNodegroups.
    pub fn list_nodegroups(
        &self,
        cluster: &str,
        max_results: Option<usize>,
        next_token: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), EksApiError> {
        let clusters = self.settled();
        let c = clusters
            .get(cluster)
            .ok_or_else(|| EksApiError::cluster_not_found(cluster))?;
        page(
            c.nodegroups.keys().cloned().collect(),
            max_results,
            next_token,
        )
    }

    /// DeleteNodegroup.
    pub fn delete_nodegroup(&self, cluster: &str, nodegroup: &str) -> Result<Value, EksApiError> {
        let config = &self.inner.config;
        let (body, due) = {
            let mut clusters = self.settled();
            let c = clusters
                .get_mut(cluster)
                .ok_or_else(|| EksApiError::cluster_not_found(cluster))?;
            let ng = c
                .nodegroups
                .get_mut(nodegroup)
                .ok_or_else(|| EksApiError::nodegroup_not_found(cluster, nodegroup))?;
            let mut due = None;
            if ng.status != Status::Deleting {
                let now = self.inner.clock.now();
                let when = after(now, config.durations.nodegroup_delete);
                ng.status = Status::Deleting;
                ng.modified_at = now;
                ng.due = Some(when);
                due = Some(when);
            }
            (shapes::nodegroup(ng), due)
        };
        if let Some(due) = due {
            self.schedule(due);
        }
        Ok(body)
    }
}
