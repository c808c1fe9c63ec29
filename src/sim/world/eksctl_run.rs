//! Carrying out the simulated eksctl's plans: the log lines at their paced
//! times, and each action against the EKS endpoint, the clusters and the
//! kubeconfig.

use std::net::Ipv4Addr;
use std::time::Duration;

use jiff::tz::TimeZone;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::{ClusterEntry, NodeGroup, World, WorldOutput, send, start_cluster};
use crate::sim::eks::naming;
use crate::sim::eksctl::{
    EksctlEnv, PlanAction, PlanItem, existing_clusters, parse_command_line, plan,
};
use crate::sim::kubeconfig;
use crate::sim::nodes::{NodeTemplate, make_node, stamp_conditions};

/// The simulated AWS account.
const ACCOUNT: &str = "123456789012";
/// How long an await may take beyond its plan before the run gives up.
const AWAIT_LIMIT: Duration = Duration::from_secs(120);

impl World {
    /// Run one `eksctl ...` command line; returns its exit code.
    pub async fn eksctl(&self, line: &str, out: &mpsc::Sender<WorldOutput>) -> i32 {
        let now = || {
            jiff::Timestamp::now()
                .to_zoned(TimeZone::system())
                .datetime()
        };
        let command = match parse_command_line(line) {
            Ok(c) => c,
            Err(e) => {
                send(out, e.to_output().render(now())).await;
                return 1;
            }
        };
        let env = EksctlEnv {
            default_region: self.opts.region.clone(),
            supported_versions: self.opts.supported_versions.clone(),
            default_version: self.opts.default_version.clone(),
            iam_user: self.opts.iam_user.clone(),
            eksctl_version: self.opts.eksctl_version.clone(),
            kubeconfig_display: self.kubeconfig.display().to_string(),
            existing_clusters: existing_clusters(&self.eks.state().summaries()),
        };
        let plan = match plan(&command, &env) {
            Ok(p) => p,
            Err(e) => {
                send(out, e.to_output().render(now())).await;
                return 1;
            }
        };
        // The plan's time: the wall's, faster while fast-forwarded.
        let mut timeline = super::forward::Timeline::start(&self.pace.forwards);
        // Log lines are stamped with the wall's time, fast-forwarded or not.
        let started = Instant::now();
        let start_time = now();
        let paced = plan.paced(self.opts.pace);
        let paced_total = paced
            .last()
            .map_or(Duration::ZERO, |(at, _)| *at)
            .max(Duration::from_millis(1));
        let mut stage: Option<&'static str> = None;
        let mut last_sent = Duration::ZERO;
        for (at, step) in paced {
            // Long waits (CloudFormation) keep the progress bar moving: the
            // current stage is re-sent every STAGE_REFRESH with the share of
            // the run gone by.
            while let Some(name) = stage
                && last_sent + STAGE_REFRESH < at
            {
                timeline.wait_until(last_sent + STAGE_REFRESH).await;
                last_sent = timeline.elapsed();
                send_stage(out, name, last_sent, paced_total).await;
            }
            timeline.wait_until(at).await;
            match &step.item {
                PlanItem::Line(line) => {
                    let stamp = start_time
                        .checked_add(
                            jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default(),
                        )
                        .unwrap_or(start_time);
                    send(out, line.render(stamp)).await;
                }
                PlanItem::Action(action) => {
                    if let Some(name) = stage_name(action) {
                        stage = Some(name);
                        last_sent = timeline.elapsed();
                        send_stage(out, name, last_sent, paced_total).await;
                    }
                    if let Err(message) = self.act(action).await {
                        send(out, format!("Error: {message}")).await;
                        return 1;
                    }
                }
            }
        }
        plan.exit_code
    }

    async fn act(&self, action: &PlanAction) -> Result<(), String> {
        let eks = self.eks.state();
        match action {
            PlanAction::CreateCluster { .. } => {
                let request = action
                    .create_cluster_request(ACCOUNT)
                    .ok_or("no CreateCluster request")?;
                eks.create_cluster(request)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            PlanAction::AwaitClusterActive { name } => {
                wait_for(&format!("cluster {name} to become ACTIVE"), || {
                    eks.describe_cluster(name).is_ok_and(|c| {
                        c["cluster"]["status"] == "ACTIVE" || c["status"] == "ACTIVE"
                    })
                })
                .await
            }
            PlanAction::CreateNodegroup { .. } => {
                let (cluster, request) = action
                    .create_nodegroup_request(&self.opts.region, ACCOUNT)
                    .ok_or("no CreateNodegroup request")?;
                eks.create_nodegroup(&cluster, request)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            PlanAction::AwaitNodegroupActive { cluster, nodegroup } => {
                wait_for(&format!("nodegroup {nodegroup} to become ACTIVE"), || {
                    eks.describe_nodegroup(cluster, nodegroup).is_ok_and(|n| {
                        n["nodegroup"]["status"] == "ACTIVE" || n["status"] == "ACTIVE"
                    })
                })
                .await
            }
            PlanAction::WriteKubeconfig {
                cluster_entry,
                context,
                ..
            } => self.start_eks_cluster(cluster_entry, context).await,
            PlanAction::AwaitNodesReady {
                cluster,
                nodegroup,
                count,
            } => self.add_eks_nodes(cluster, nodegroup, *count).await,
            PlanAction::RemoveKubeconfigContext {
                context,
                cluster_entry,
            } => {
                let entry = self.clusters().remove(context);
                if let Some(entry) = entry {
                    entry.cluster.stop().await;
                }
                kubeconfig::remove_context(&self.kubeconfig, context, cluster_entry)
                    .map_err(|e| format!("cannot update {}: {e}", self.kubeconfig.display()))
            }
            PlanAction::DeleteNodegroup { cluster, nodegroup } => eks
                .delete_nodegroup(cluster, nodegroup)
                .map(drop)
                .map_err(|e| e.to_string()),
            PlanAction::AwaitNodegroupDeleted { cluster, nodegroup } => {
                wait_for(&format!("nodegroup {nodegroup} to be deleted"), || {
                    eks.describe_nodegroup(cluster, nodegroup).is_err()
                })
                .await
            }
            PlanAction::DeleteCluster { name } => eks
                .delete_cluster(name)
                .map(drop)
                .map_err(|e| e.to_string()),
            PlanAction::AwaitClusterDeleted { name } => {
                wait_for(&format!("cluster {name} to be deleted"), || {
                    eks.describe_cluster(name).is_err()
                })
                .await
            }
        }
    }

    /// The Kubernetes side of a new EKS cluster: its API server and kubeconfig
    /// context, made current as eksctl does. Nodes join when the nodegroup is up.
    async fn start_eks_cluster(&self, cluster_entry: &str, context: &str) -> Result<(), String> {
        let eks_name = cluster_entry
            .split('.')
            .next()
            .unwrap_or(cluster_entry)
            .to_string();
        // Nodes join later, when the nodegroup is up.
        let no_nodes = NodeGroup {
            count: 0,
            node_type: &self.opts.practice_node_type,
            port: None,
        };
        let cluster = start_cluster(
            &self.opts,
            self.pace.new_clock(),
            cluster_entry,
            context,
            no_nodes,
            &self.kubeconfig,
            None,
        )
        .await
        .map_err(|e| e.to_string())?;
        self.clusters().insert(
            context.to_string(),
            ClusterEntry {
                cluster,
                kube_cluster: cluster_entry.to_string(),
                eks_name: Some(eks_name),
            },
        );
        Ok(())
    }

    async fn add_eks_nodes(
        &self,
        cluster: &str,
        nodegroup: &str,
        count: u32,
    ) -> Result<(), String> {
        let clusters = self.clusters();
        let entry = clusters
            .values()
            .find(|e| e.eks_name.as_deref() == Some(cluster))
            .ok_or_else(|| format!("no kubeconfig context for cluster {cluster}"))?;
        let store = entry.cluster.store();
        let described = self.eks.state().describe_nodegroup(cluster, nodegroup).ok();
        let field = |path: &[&str]| -> Option<String> {
            let n = described.as_ref()?;
            let mut v = n.get("nodegroup").unwrap_or(n);
            for key in path {
                v = match key.parse::<usize>() {
                    Ok(i) => v.get(i)?,
                    Err(_) => v.get(*key)?,
                };
            }
            v.as_str().map(str::to_string)
        };
        let instance_type =
            field(&["instanceTypes", "0"]).unwrap_or_else(|| "t2.large".to_string());
        // The nodes' kubelets run the nodegroup's Kubernetes version.
        let kubelet_version = field(&["version"]).map(|v| naming::kubelet_version(&v));
        for (i, name) in naming::node_names(cluster, nodegroup, &self.opts.region, count)
            .into_iter()
            .enumerate()
        {
            let mut template = NodeTemplate::new(&instance_type);
            template.cluster_name = cluster.to_string();
            template.nodegroup = nodegroup.to_string();
            template.region = self.opts.region.clone();
            template.zone = naming::node_zone(&self.opts.region, i as u32);
            if let Some(v) = &kubelet_version {
                template.kubelet_version = v.clone();
            }
            if let Some(ip) = ip_of(&name) {
                template.private_ip = ip;
            }
            let mut node = make_node(&template).map_err(|e| e.to_string())?;
            stamp_conditions(&mut node, store.clock().now());
            store.create("Node", node).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// `ip-192-168-2-123.ec2.internal` -> 192.168.2.123
fn ip_of(node_name: &str) -> Option<Ipv4Addr> {
    let host = node_name.strip_prefix("ip-")?.split('.').next()?;
    host.replace('-', ".").parse().ok()
}

/// The stage, with the share of the (paced) run gone by.
async fn send_stage(
    out: &mpsc::Sender<WorldOutput>,
    name: &str,
    elapsed: Duration,
    total: Duration,
) {
    let fraction = elapsed.as_secs_f32() / total.as_secs_f32();
    let _ = out
        .send(WorldOutput::Stage {
            name: name.to_string(),
            fraction: Some(fraction.clamp(0.0, 1.0)),
        })
        .await;
}

/// How often a long wait re-sends its stage with a fresh fraction.
const STAGE_REFRESH: Duration = Duration::from_secs(1);

fn stage_name(action: &PlanAction) -> Option<&'static str> {
    Some(match action {
        PlanAction::CreateCluster { .. } => "creating the control plane",
        PlanAction::CreateNodegroup { .. } => "creating the managed nodegroup",
        PlanAction::WriteKubeconfig { .. } => "writing the kubeconfig",
        PlanAction::AwaitNodesReady { .. } => "waiting for nodes",
        PlanAction::DeleteNodegroup { .. } => "deleting the nodegroup",
        PlanAction::DeleteCluster { .. } => "deleting the control plane",
        _ => return None,
    })
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + AWAIT_LIMIT;
    while !done() {
        if Instant::now() >= deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ip_of;

    #[test]
    fn node_names_carry_their_address() {
        assert_eq!(
            ip_of("ip-192-168-2-123.ec2.internal"),
            Some("192.168.2.123".parse().expect("ip"))
        );
        assert_eq!(ip_of("node-1"), None);
    }
}
