//! The output of `eksctl get cluster`.

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
    for line in tab_aligned(&rows) {
        p.line(OutputLine::plain(line));
    }
    Ok(p.finish(0))
}

/// Aligns columns the way Go's tabwriter does with tab padding (minwidth 0,
/// tabwidth 8, padding 1): each cell but the last is followed by enough
/// tabs to reach the column's width, rounded up to a tab stop.
pub(super) fn tab_aligned<const N: usize>(rows: &[[String; N]]) -> Vec<String> {
    const TAB: usize = 8;
    let widths: Vec<usize> = (0..N)
        .map(|col| {
            let widest = rows
                .iter()
                .map(|r| r[col].chars().count())
                .max()
                .unwrap_or(0)
                + 1;
            widest.div_ceil(TAB) * TAB
        })
        .collect();
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (col, cell) in row.iter().enumerate() {
                line.push_str(cell);
                if col + 1 < N {
                    let gap = widths[col] - cell.chars().count();
                    line.push_str(&"\t".repeat(gap.div_ceil(TAB)));
                }
            }
            line
        })
        .collect()
}
