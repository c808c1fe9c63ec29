//! The plan of `eksctl delete cluster`.

use super::plan::{PlanAction, PlanBuilder, find_cluster, request_id};
use super::{
    DeleteClusterArgs, EksctlEnv, EksctlError, Plan, cluster_stack_name, kubeconfig_cluster_name,
    kubeconfig_context_name, nodegroup_stack_name,
};

/// `eksctl delete cluster`: the kubeconfig entry first, then each nodegroup
/// stack, then the cluster stack; with `--wait`, the cluster's deletion too.
pub fn plan_delete(args: &DeleteClusterArgs, env: &EksctlEnv) -> Result<Plan, EksctlError> {
    let name = args.name.clone().ok_or(EksctlError::NameRequired)?;
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| env.default_region.clone());
    let cluster =
        find_cluster(env, &name, &region).ok_or_else(|| EksctlError::ClusterNotFound {
            name: name.clone(),
            request_id: request_id(&name),
        })?;
    let cluster_stack = cluster_stack_name(&name);
    let asynchronous = if args.wait { "" } else { " [async]" };

    let mut p = PlanBuilder::new();
    p.info(format!("deleting EKS cluster \"{name}\""))
        .at(1)
        .info(format!(
            "will drain 0 unmanaged nodegroup(s) in cluster \"{name}\""
        ))
        .info("starting parallel draining, max in-flight of 1")
        .info("deleted 0 Fargate profile(s)")
        .action(PlanAction::RemoveKubeconfigContext {
            context: kubeconfig_context_name(&env.iam_user, &name, &region),
            cluster_entry: kubeconfig_cluster_name(&name, &region),
        })
        .success("kubeconfig has been updated")
        .info("cleaning up AWS load balancers created by Kubernetes objects of Kind Service or Ingress");
    let ng_tasks: Vec<String> = cluster
        .nodegroups
        .iter()
        .map(|ng| format!("delete nodegroup \"{}\"", ng.name))
        .collect();
    let control_plane = format!("delete cluster control plane \"{name}\"{asynchronous}");
    p.at(2);
    match ng_tasks.len() {
        0 => p.info(format!("1 task: {{ {control_plane} }}")),
        1 => p.info(format!(
            "2 sequential tasks: {{ {}, {control_plane} }}",
            ng_tasks[0]
        )),
        n => p.info(format!(
            "2 sequential tasks: {{ {n} parallel sub-tasks: {{ {} }}, {control_plane} }}",
            ng_tasks.join(", ")
        )),
    };
    let mut end = 2;
    if !cluster.nodegroups.is_empty() {
        for ng in &cluster.nodegroups {
            let ng_stack = nodegroup_stack_name(&name, &ng.name);
            p.info(format!("will delete stack \"{ng_stack}\""))
                .action(PlanAction::DeleteNodegroup {
                    cluster: name.clone(),
                    nodegroup: ng.name.clone(),
                })
                .info(format!("waiting for stack \"{ng_stack}\" to get deleted"));
        }
        for secs in [2, 32, 65, 101, 180, 240, 323, 414] {
            for ng in &cluster.nodegroups {
                p.at(secs).info(format!(
                    "waiting for CloudFormation stack \"{}\"",
                    nodegroup_stack_name(&name, &ng.name)
                ));
            }
        }
        for ng in &cluster.nodegroups {
            p.action(PlanAction::AwaitNodegroupDeleted {
                cluster: name.clone(),
                nodegroup: ng.name.clone(),
            });
        }
        end = 414;
    }
    p.at(end)
        .info(format!("will delete stack \"{cluster_stack}\""))
        .action(PlanAction::DeleteCluster { name: name.clone() });
    if args.wait {
        p.info(format!(
            "waiting for stack \"{cluster_stack}\" to get deleted"
        ));
        for secs in [30, 90, 150, 210, 270] {
            p.at(end + secs).info(format!(
                "waiting for CloudFormation stack \"{cluster_stack}\""
            ));
        }
        p.action(PlanAction::AwaitClusterDeleted { name: name.clone() });
    }
    p.success("all cluster resources were deleted");
    Ok(p.finish(0))
}
