//! Plans for `create cluster`, `get cluster` and `delete cluster`: eksctl's
//! log lines in order, timed like a real run, with the world's actions
//! between them.

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{
    CreateClusterArgs, DeleteClusterArgs, EksctlCommand, EksctlEnv, EksctlError, ExistingCluster,
    GetClusterArgs, OutputLine, Plan, PlanItem, PlanStep, cluster_stack_name,
    kubeconfig_cluster_name, kubeconfig_context_name, nodegroup_stack_name,
};
use crate::sim::eks::naming;

/// What the dry-run world does at a point of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanAction {
    /// CreateCluster in the EKS endpoint.
    CreateCluster {
        name: String,
        region: String,
        version: String,
    },
    /// Wait until DescribeCluster says ACTIVE.
    AwaitClusterActive {
        name: String,
    },
    /// CreateNodegroup in the EKS endpoint.
    CreateNodegroup {
        cluster: String,
        nodegroup: String,
        instance_type: String,
        desired: u32,
        min: u32,
        max: u32,
        volume_size: u32,
    },
    /// Wait until DescribeNodegroup says ACTIVE.
    AwaitNodegroupActive {
        cluster: String,
        nodegroup: String,
    },
    /// Write a kubeconfig entry for the cluster and make it current.
    WriteKubeconfig {
        cluster_entry: String,
        context: String,
        user_entry: String,
        set_current: bool,
    },
    /// Wait until `count` nodes of the nodegroup are Ready; their names are
    /// those of [`naming::node_names`].
    AwaitNodesReady {
        cluster: String,
        nodegroup: String,
        count: u32,
    },
    /// Remove the cluster's context (and its cluster/user entries).
    RemoveKubeconfigContext {
        context: String,
        cluster_entry: String,
    },
    DeleteNodegroup {
        cluster: String,
        nodegroup: String,
    },
    AwaitNodegroupDeleted {
        cluster: String,
        nodegroup: String,
    },
    DeleteCluster {
        name: String,
    },
    AwaitClusterDeleted {
        name: String,
    },
}

/// Builds the plan for any parsed command.
pub fn plan(command: &EksctlCommand, env: &EksctlEnv) -> Result<Plan, EksctlError> {
    match command {
        EksctlCommand::CreateCluster(args) => plan_create(args, env),
        EksctlCommand::GetCluster(args) => plan_get(args, env),
        EksctlCommand::DeleteCluster(args) => plan_delete(args, env),
    }
}

/// Collects steps at offsets into a real run.
struct PlanBuilder {
    steps: Vec<PlanStep>,
    now: Duration,
}

impl PlanBuilder {
    fn new() -> Self {
        Self {
            steps: Vec::new(),
            now: Duration::ZERO,
        }
    }

    /// Moves the clock to `secs` seconds into the run (never backwards).
    fn at(&mut self, secs: u64) -> &mut Self {
        self.now = self.now.max(Duration::from_secs(secs));
        self
    }

    fn line(&mut self, line: OutputLine) -> &mut Self {
        self.steps.push(PlanStep {
            at: self.now,
            item: PlanItem::Line(line),
        });
        self
    }

    fn info(&mut self, text: impl Into<String>) -> &mut Self {
        self.line(OutputLine::info(text))
    }

    fn success(&mut self, text: impl Into<String>) -> &mut Self {
        self.line(OutputLine::success(text))
    }

    fn action(&mut self, action: PlanAction) -> &mut Self {
        self.steps.push(PlanStep {
            at: self.now,
            item: PlanItem::Action(action),
        });
        self
    }

    fn finish(self, exit_code: i32) -> Plan {
        Plan {
            steps: self.steps,
            exit_code,
        }
    }
}

/// A stable pseudo-random number from a seed, for the generated names and
/// request ids a real run would randomise.
fn stable_hash(seed: &str) -> [u8; 32] {
    Sha256::digest(seed.as_bytes()).into()
}

fn request_id(seed: &str) -> String {
    let h = stable_hash(seed);
    let hex: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

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

/// Checks `version` as eksctl does: anything older than the oldest
/// supported version is "no longer supported"; anything else unknown is
/// just invalid.
pub(super) fn resolve_version(
    version: Option<&str>,
    env: &EksctlEnv,
) -> Result<String, EksctlError> {
    let supported = &env.supported_versions;
    let requested = match version {
        None | Some("" | "auto" | "default") => return Ok(env.default_version.clone()),
        Some("latest") => {
            return Ok(supported
                .iter()
                .max_by_key(|v| minor_of(v))
                .cloned()
                .unwrap_or_else(|| env.default_version.clone()));
        }
        Some(v) => v,
    };
    if supported.iter().any(|s| s == requested) {
        return Ok(requested.to_string());
    }
    let oldest = supported.iter().filter_map(|v| minor_of(v)).min();
    match (minor_of(requested), oldest) {
        (Some(asked), Some(oldest)) if asked < oldest => {
            Err(EksctlError::VersionNoLongerSupported {
                version: requested.to_string(),
                supported: supported.clone(),
            })
        }
        _ => Err(EksctlError::VersionInvalid {
            version: requested.to_string(),
            supported: supported.clone(),
        }),
    }
}

/// `1.21` -> `Some((1, 21))`.
fn minor_of(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

fn find_cluster<'a>(env: &'a EksctlEnv, name: &str, region: &str) -> Option<&'a ExistingCluster> {
    env.existing_clusters
        .iter()
        .find(|c| c.name == name && c.region == region)
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

    if find_cluster(env, &name, &region).is_some() {
        // The stack of the existing cluster is in the way: eksctl fails here.
        p.at(1)
            .info(format!("deploying stack \"{cluster_stack}\""))
            .line(OutputLine::log(
                super::LogLevel::Failure,
                format!(
                    "creating CloudFormation stack \"{cluster_stack}\": operation error CloudFormation: CreateStack, https response error StatusCode: 400, RequestID: {}, AlreadyExistsException: Stack [{cluster_stack}] already exists",
                    request_id(&cluster_stack)
                ),
            ))
            .line(OutputLine::log(
                super::LogLevel::Warning,
                "1 error(s) occurred and cluster hasn't been created properly, you may wish to check CloudFormation console",
            ))
            .info(format!(
                "to cleanup resources, run 'eksctl delete cluster --region={region} --name={name}'"
            ))
            .line(OutputLine::error(format!(
                "failed to create cluster \"{name}\""
            )));
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
        .map(|ng| format!("delete nodegroup \"{ng}\""))
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
            let ng_stack = nodegroup_stack_name(&name, ng);
            p.info(format!("will delete stack \"{ng_stack}\""))
                .action(PlanAction::DeleteNodegroup {
                    cluster: name.clone(),
                    nodegroup: ng.clone(),
                })
                .info(format!("waiting for stack \"{ng_stack}\" to get deleted"));
        }
        for secs in [2, 32, 65, 101, 180, 240, 323, 414] {
            for ng in &cluster.nodegroups {
                p.at(secs).info(format!(
                    "waiting for CloudFormation stack \"{}\"",
                    nodegroup_stack_name(&name, ng)
                ));
            }
        }
        for ng in &cluster.nodegroups {
            p.action(PlanAction::AwaitNodegroupDeleted {
                cluster: name.clone(),
                nodegroup: ng.clone(),
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
