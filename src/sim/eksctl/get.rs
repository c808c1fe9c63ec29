//! The output of `eksctl get cluster` and `eksctl get nodegroup`.

use crate::sim::text::TabWriter;

use super::plan::{PlanBuilder, request_id};
use super::{
    EksctlEnv, EksctlError, ExistingCluster, GetClusterArgs, GetNodegroupArgs, OutputLine, Plan,
};

/// `eksctl get cluster`: a table of the clusters in the region, or one.
pub fn plan_get(args: &GetClusterArgs, env: &EksctlEnv) -> Result<Plan, EksctlError> {
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| env.default_region.clone());
    let clusters: Vec<&ExistingCluster> = env
        .existing_clusters
        .iter()
        .filter(|c| c.region == region)
        .filter(|c| args.name.as_ref().is_none_or(|n| *n == c.name))
        .collect();
    if let Some(name) = &args.name
        && clusters.is_empty()
    {
        return Err(EksctlError::ClusterNotFound {
            name: name.clone(),
            request_id: request_id(name),
        });
    }
    let mut p = PlanBuilder::new();
    if clusters.is_empty() {
        p.line(OutputLine::plain("No clusters found"));
        return Ok(p.finish(0));
    }
    let mut rows = vec![[
        "NAME".to_string(),
        "REGION".to_string(),
        "EKSCTL CREATED".to_string(),
    ]];
    for c in clusters {
        rows.push([
            c.name.clone(),
            c.region.clone(),
            if c.eksctl_created { "True" } else { "False" }.to_string(),
        ]);
    }
    for line in TabWriter::EKSCTL.rows(&rows) {
        p.line(OutputLine::plain(line));
    }
    Ok(p.finish(0))
}

/// `eksctl get nodegroup --cluster NAME`: a table of the cluster's nodegroups,
/// with eksctl's columns (managed nodegroups show their AMI type as IMAGE ID).
pub fn plan_get_nodegroup(args: &GetNodegroupArgs, env: &EksctlEnv) -> Result<Plan, EksctlError> {
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| env.default_region.clone());
    let Some(cluster) = env
        .existing_clusters
        .iter()
        .find(|c| c.region == region && c.name == args.cluster)
    else {
        return Err(EksctlError::ClusterNotFound {
            name: args.cluster.clone(),
            request_id: request_id(&args.cluster),
        });
    };
    let nodegroups: Vec<_> = cluster
        .nodegroups
        .iter()
        .filter(|ng| args.name.as_ref().is_none_or(|n| *n == ng.name))
        .collect();
    let mut p = PlanBuilder::new();
    if nodegroups.is_empty() {
        p.line(OutputLine::plain("No nodegroups found"));
        return Ok(p.finish(0));
    }
    let header = [
        "CLUSTER",
        "NODEGROUP",
        "STATUS",
        "CREATED",
        "MIN SIZE",
        "MAX SIZE",
        "DESIRED CAPACITY",
        "INSTANCE TYPE",
        "IMAGE ID",
        "ASG NAME",
        "TYPE",
    ];
    let mut rows = vec![header.map(str::to_string)];
    for ng in nodegroups {
        rows.push([
            cluster.name.clone(),
            ng.name.clone(),
            ng.status.clone(),
            // Go's time.RFC3339: whole seconds.
            ng.created_at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ng.min.to_string(),
            ng.max.to_string(),
            ng.desired.to_string(),
            ng.instance_type.clone(),
            ng.ami_type.clone(),
            ng.asg_name.clone(),
            "managed".to_string(),
        ]);
    }
    for line in TabWriter::EKSCTL.rows(&rows) {
        p.line(OutputLine::plain(line));
    }
    Ok(p.finish(0))
}
