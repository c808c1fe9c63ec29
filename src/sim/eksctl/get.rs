//! The output of `eksctl get cluster`.

use crate::sim::text::TabWriter;

use super::plan::{PlanBuilder, request_id};
use super::{EksctlEnv, EksctlError, ExistingCluster, GetClusterArgs, OutputLine, Plan};

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
