//! The plan of `eksctl create cluster`.

use super::plan::{
    PlanAction, PlanBuilder, find_cluster, minor_of, request_id, resolve_version, stable_hash,
};
use super::{
    CreateClusterArgs, EksctlEnv, EksctlError, ExistingCluster, LogLevel, OutputLine, Plan,
    cluster_stack_name, kubeconfig_cluster_name, kubeconfig_context_name, nodegroup_stack_name,
};
use crate::sim::eks::naming;

fn generated_cluster_name(args: &CreateClusterArgs) -> String {
    const ADJECTIVES: &[&str] = &["unique", "floral", "hilarious", "attractive", "ridiculous"];
    const NOUNS: &[&str] = &["creature", "party", "sculpture", "outfit", "mongoose"];
    let h = stable_hash(&format!("{args:?}"));
    let stamp = u32::from_be_bytes([h[2], h[3], h[4], h[5]]) % 100_000_000;
    format!(
        "{}-{}-{}",
        ADJECTIVES[h[0] as usize % ADJECTIVES.len()],
        NOUNS[h[1] as usize % NOUNS.len()],
        1_600_000_000 + stamp
    )
}

fn generated_nodegroup_name(cluster: &str) -> String {
    let h = stable_hash(cluster);
    format!("ng-{:02x}{:02x}{:02x}{:02x}", h[0], h[1], h[2], h[3])
}

/// What the simulation adds under eksctl's AlreadyExists error: what is
/// there, and the way on. A cluster without a nodegroup is what a stopped
/// `eksctl create cluster` leaves (AWS goes on creating the control plane).
pub fn already_exists_note(existing: &ExistingCluster) -> String {
    let name = &existing.name;
    let delete = format!(
        "eksctl delete cluster --name {name} --region {}",
        existing.region
    );
    let status = existing.status.as_str();
    if status == "DELETING" {
        format!(
            "(trinetes) The EKS cluster \"{name}\" is still being deleted (DELETING). Wait until `eksctl get cluster --region {}` no longer lists it, then run this step again.",
            existing.region
        )
    } else if existing.nodegroups.is_empty() {
        format!(
            "(trinetes) The EKS cluster \"{name}\" already exists: an earlier `eksctl create cluster` was stopped before it finished, so its control plane is {status} (and billed, on AWS) but it has no nodegroup and no nodes. eksctl cannot finish it. Run the delete step (`{delete}`), then this step again."
        )
    } else {
        format!(
            "(trinetes) The EKS cluster \"{name}\" already exists ({status}, with nodegroup {}): there is nothing to create. Go on with the next step, or run the delete step (`{delete}`) first to start it over.",
            existing
                .nodegroups
                .iter()
                .map(|n| format!("\"{}\"", n.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// `eksctl create cluster`: validation first (nothing is printed when it
/// fails), then the run.
pub fn plan_create(args: &CreateClusterArgs, env: &EksctlEnv) -> Result<Plan, EksctlError> {
    let version = resolve_version(args.version.as_deref(), env)?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| generated_cluster_name(args));
    let region = args
        .region
        .clone()
        .unwrap_or_else(|| env.default_region.clone());
    let desired = args.nodes.unwrap_or(2);
    let min = args.nodes_min.unwrap_or(desired);
    let max = args.nodes_max.unwrap_or(desired.max(min));
    if min > max {
        return Err(EksctlError::NodeRange);
    }
    let nodegroup = (!args.without_nodegroup).then(|| {
        args.nodegroup_name
            .clone()
            .unwrap_or_else(|| generated_nodegroup_name(&name))
    });
    let node_type = args.node_type.clone().unwrap_or_else(|| "m5.large".into());
    let zones = naming::availability_zones(&region);
    let cluster_stack = cluster_stack_name(&name);

    let mut p = PlanBuilder::new();
    p.info(format!("eksctl version {}", env.eksctl_version))
        .info(format!("using region {region}"))
        .info(format!(
            "setting availability zones to [{}]",
            zones.join(" ")
        ));
    for (i, zone) in zones.iter().enumerate() {
        let (public, private) = naming::zone_subnets(i, zones.len());
        p.info(format!(
            "subnets for {zone} - public:{public} private:{private}"
        ));
    }
    if let Some(ng) = &nodegroup {
        let family = if minor_of(&version).is_some_and(|v| v >= (1, 30)) {
            "AmazonLinux2023"
        } else {
            "AmazonLinux2"
        };
        p.info(format!(
            "nodegroup \"{ng}\" will use \"\" [{family}/{version}]"
        ));
    }
    p.info(format!("using Kubernetes version {version}"))
        .info(format!(
            "creating EKS cluster \"{name}\" in \"{region}\" region with managed nodes"
        ));
    match &nodegroup {
        Some(_) => p.info(
            "will create 2 separate CloudFormation stacks for cluster itself and the initial managed nodegroup",
        ),
        None => p.info(
            "will create a CloudFormation stack for cluster itself and 0 managed nodegroup stack(s)",
        ),
    };
    p.info(format!(
        "if you encounter any issues, check CloudFormation console or try 'eksctl utils describe-stacks --region={region} --cluster={name}'"
    ))
    .info(format!(
        "Kubernetes API endpoint access will use default of {{publicAccess=true, privateAccess=false}} for cluster \"{name}\" in \"{region}\""
    ))
    .info(format!(
        "CloudWatch logging will not be enabled for cluster \"{name}\" in \"{region}\""
    ))
    .info(format!(
        "you can enable it with 'eksctl utils update-cluster-logging --enable-types={{SPECIFY-YOUR-LOG-TYPES-HERE (e.g. all)}} --region={region} --cluster={name}'"
    ));
    match &nodegroup {
        Some(ng) => p.info(format!(
            "2 sequential tasks: {{ create cluster control plane \"{name}\", 2 sequential sub-tasks: {{ wait for control plane to become ready, create managed nodegroup \"{ng}\" }} }}"
        )),
        None => p.info(format!(
            "1 task: {{ create cluster control plane \"{name}\" }}"
        )),
    };
    p.info(format!("building cluster stack \"{cluster_stack}\""));

    if let Some(existing) = find_cluster(env, &name, &region) {
        // The stack of the existing cluster is in the way: eksctl fails here.
        p.at(1)
            .info(format!("deploying stack \"{cluster_stack}\""))
            .line(OutputLine::log(
                LogLevel::Failure,
                format!(
                    "creating CloudFormation stack \"{cluster_stack}\": operation error CloudFormation: CreateStack, https response error StatusCode: 400, RequestID: {}, AlreadyExistsException: Stack [{cluster_stack}] already exists",
                    request_id(&cluster_stack)
                ),
            ))
            .line(OutputLine::log(
                LogLevel::Warning,
                "1 error(s) occurred and cluster hasn't been created properly, you may wish to check CloudFormation console",
            ))
            .info(format!(
                "to cleanup resources, run 'eksctl delete cluster --region={region} --name={name}'"
            ))
            .line(OutputLine::error(format!(
                "failed to create cluster \"{name}\""
            )))
            .line(OutputLine::plain(already_exists_note(existing)));
        return Ok(p.finish(1));
    }

    p.action(PlanAction::CreateCluster {
        name: name.clone(),
        region: region.clone(),
        version: version.clone(),
    });
    p.at(1).info(format!("deploying stack \"{cluster_stack}\""));
    // CloudFormation polling, about once a minute, as in real runs.
    for secs in [31, 61, 121, 181, 241, 301, 361, 421, 481, 541] {
        p.at(secs).info(format!(
            "waiting for CloudFormation stack \"{cluster_stack}\""
        ));
    }
    p.action(PlanAction::AwaitClusterActive { name: name.clone() });

    if let Some(ng) = &nodegroup {
        let ng_stack = nodegroup_stack_name(&name, ng);
        p.at(663)
            .info(format!("building managed nodegroup stack \"{ng_stack}\""))
            .action(PlanAction::CreateNodegroup {
                cluster: name.clone(),
                nodegroup: ng.clone(),
                instance_type: node_type.clone(),
                desired,
                min,
                max,
                volume_size: args.node_volume_size.unwrap_or(80),
            })
            .info(format!("deploying stack \"{ng_stack}\""));
        for secs in [663, 693, 733, 839] {
            p.at(secs)
                .info(format!("waiting for CloudFormation stack \"{ng_stack}\""));
        }
        p.action(PlanAction::AwaitNodegroupActive {
            cluster: name.clone(),
            nodegroup: ng.clone(),
        });
    }

    let cluster_entry = kubeconfig_cluster_name(&name, &region);
    let context = kubeconfig_context_name(&env.iam_user, &name, &region);
    p.info("waiting for the control plane to become ready")
        .at(840)
        .action(PlanAction::WriteKubeconfig {
            cluster_entry,
            user_entry: context.clone(),
            context,
            set_current: true,
        })
        .success(format!(
            "saved kubeconfig as \"{}\"",
            env.kubeconfig_display
        ))
        .info("no tasks")
        .success(format!(
            "all EKS cluster resources for \"{name}\" have been created"
        ));
    if let Some(ng) = &nodegroup {
        p.info(format!(
            "waiting for at least {min} node(s) to become ready in \"{ng}\""
        ))
        .action(PlanAction::AwaitNodesReady {
            cluster: name.clone(),
            nodegroup: ng.clone(),
            count: min,
        })
        .info(format!("nodegroup \"{ng}\" has {desired} node(s)"));
        for node in naming::node_names(&name, ng, &region, desired) {
            p.info(format!("node \"{node}\" is ready"));
        }
        p.success(format!(
            "created 1 managed nodegroup(s) in cluster \"{name}\""
        ));
    }
    p.at(841)
        .info(format!(
            "kubectl command should work with \"{}\", try 'kubectl get nodes'",
            env.kubeconfig_display
        ))
        .success(format!(
            "EKS cluster \"{name}\" in \"{region}\" region is ready"
        ));
    Ok(p.finish(0))
}
