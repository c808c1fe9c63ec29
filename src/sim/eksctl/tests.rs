use std::time::Duration;

use super::*;

const EPISODE_CREATE: &str = "eksctl create cluster \\\n --name tcb-cluster \\\n --version 1.21 \\\n --region us-east-1 \\\n --nodegroup-name k8s-tcb-cluster \\\n --node-type t2.large \\\n --nodes 2";

fn env_today() -> EksctlEnv {
    EksctlEnv {
        supported_versions: ["1.31", "1.32", "1.33"].map(String::from).to_vec(),
        default_version: "1.32".into(),
        default_region: "us-east-1".into(),
        ..EksctlEnv::default()
    }
}

fn env_2021() -> EksctlEnv {
    EksctlEnv {
        supported_versions: ["1.18", "1.19", "1.20", "1.21"].map(String::from).to_vec(),
        default_version: "1.21".into(),
        ..env_today()
    }
}

fn create_args(line: &str) -> CreateClusterArgs {
    match parse_command_line(line).expect("parses") {
        EksctlCommand::CreateCluster(args) => args,
        other => panic!("expected create cluster, got {other:?}"),
    }
}

fn texts(plan: &Plan) -> Vec<String> {
    plan.lines().map(|l| l.text.clone()).collect()
}

fn position(texts: &[String], needle: &str) -> usize {
    texts
        .iter()
        .position(|t| t.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?} in {texts:#?}"))
}

#[test]
fn parses_the_episode_command_with_continuations() {
    let args = create_args(EPISODE_CREATE);
    assert_eq!(
        args,
        CreateClusterArgs {
            name: Some("tcb-cluster".into()),
            version: Some("1.21".into()),
            region: Some("us-east-1".into()),
            nodegroup_name: Some("k8s-tcb-cluster".into()),
            node_type: Some("t2.large".into()),
            nodes: Some(2),
            ..CreateClusterArgs::default()
        }
    );
}

#[test]
fn equals_form_short_flags_and_quotes_parse_the_same() {
    let long = create_args("eksctl create cluster --name tcb-cluster --nodes 3 --region us-east-1");
    let equals = create_args("create cluster --name=tcb-cluster --nodes=3 --region='us-east-1'");
    let short = create_args("eksctl create cluster -n tcb-cluster -N3 -r \"us-east-1\"");
    assert_eq!(long, equals);
    assert_eq!(long, short);
    assert_eq!(long.nodes, Some(3));
}

#[test]
fn unknown_flags_and_missing_values_read_like_eksctl() {
    let err = parse_command_line("eksctl create cluster --name x --node-count 2").unwrap_err();
    assert_eq!(err.to_string(), "unknown flag: --node-count");
    assert_eq!(
        err.to_output().render(Default::default()),
        "Error: unknown flag: --node-count"
    );

    let err = parse_command_line("eksctl create cluster --name").unwrap_err();
    assert_eq!(err.to_string(), "flag needs an argument: --name");
    let err = parse_command_line("eksctl create cluster -n").unwrap_err();
    assert_eq!(err.to_string(), "flag needs an argument: 'n' in -n");

    let err = parse_command_line("eksctl create cluster --nodes two").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument \"two\" for \"-N, --nodes\" flag: strconv.ParseInt: parsing \"two\": invalid syntax"
    );

    let err = parse_command_line("eksctl create cluster -x").unwrap_err();
    assert_eq!(err.to_string(), "unknown shorthand flag: 'x' in -x");

    let err = parse_command_line("eksctl create nodegroups").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown command \"nodegroups\" for \"eksctl create\""
    );

    let err = parse_command_line("eksctl get cluster --wait").unwrap_err();
    assert_eq!(err.to_string(), "unknown flag: --wait");

    assert_eq!(
        parse_command_line("eksctl create cluster --name 'open").unwrap_err(),
        EksctlError::UnterminatedQuote
    );
}

#[test]
fn get_and_delete_parse_with_flags_or_positional_name() {
    assert_eq!(
        parse_command_line("eksctl get clusters --region us-east-1").unwrap(),
        EksctlCommand::GetCluster(GetClusterArgs {
            name: None,
            region: Some("us-east-1".into())
        })
    );
    assert_eq!(
        parse_command_line("eksctl delete cluster --name test-cluster --region us-east-1 --wait")
            .unwrap(),
        EksctlCommand::DeleteCluster(DeleteClusterArgs {
            name: Some("test-cluster".into()),
            region: Some("us-east-1".into()),
            wait: true
        })
    );
    assert_eq!(
        parse_command_line("eksctl delete cluster tcb-cluster").unwrap(),
        EksctlCommand::DeleteCluster(DeleteClusterArgs {
            name: Some("tcb-cluster".into()),
            region: None,
            wait: false
        })
    );
    let err = parse_command_line("eksctl delete cluster a --name b").unwrap_err();
    assert!(matches!(err, EksctlError::NameTwice { .. }), "{err:?}");
}

#[test]
fn an_old_version_is_no_longer_supported_with_eksctls_wording() {
    let err = plan_create(&create_args(EPISODE_CREATE), &env_today()).unwrap_err();
    assert_eq!(
        err.to_output().render(Default::default()),
        "Error: resolving cluster version: invalid version, 1.21 is no longer supported, supported values: 1.31, 1.32, 1.33\n\
         see also: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html"
    );
}

#[test]
fn an_unknown_newer_version_is_just_invalid() {
    let args = create_args("eksctl create cluster --name c --version 1.99");
    let err = plan_create(&args, &env_today()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "resolving cluster version: invalid version, supported values: 1.31, 1.32, 1.33"
    );
    let args = create_args("eksctl create cluster --name c --version banana");
    assert!(matches!(
        plan_create(&args, &env_today()).unwrap_err(),
        EksctlError::VersionInvalid { .. }
    ));
}

#[test]
fn missing_version_uses_the_default_and_latest_the_newest() {
    let plan = plan_create(&create_args("eksctl create cluster --name c"), &env_today()).unwrap();
    assert!(texts(&plan).contains(&"using Kubernetes version 1.32".to_string()));
    let plan = plan_create(
        &create_args("eksctl create cluster --name c --version latest"),
        &env_today(),
    )
    .unwrap();
    assert!(texts(&plan).contains(&"using Kubernetes version 1.33".to_string()));
}

#[test]
fn create_plan_prints_the_episode_lines_in_order() {
    let plan = plan_create(&create_args(EPISODE_CREATE), &env_2021()).unwrap();
    assert_eq!(plan.exit_code, 0);
    let t = texts(&plan);
    assert_eq!(t[0], "eksctl version 0.76.0");
    assert_eq!(t[1], "using region us-east-1");
    assert_eq!(
        t[2],
        "setting availability zones to [us-east-1a us-east-1e]"
    );
    assert_eq!(
        t[3],
        "subnets for us-east-1a - public:192.168.0.0/19 private:192.168.64.0/19"
    );
    assert_eq!(
        t[4],
        "subnets for us-east-1e - public:192.168.32.0/19 private:192.168.96.0/19"
    );
    assert_eq!(
        t[5],
        "nodegroup \"k8s-tcb-cluster\" will use \"\" [AmazonLinux2/1.21]"
    );
    assert_eq!(t[6], "using Kubernetes version 1.21");
    assert_eq!(
        t[7],
        "creating EKS cluster \"tcb-cluster\" in \"us-east-1\" region with managed nodes"
    );
    // FACTS §3, in order.
    let order = [
        "will create 2 separate CloudFormation stacks for cluster itself and the initial managed nodegroup",
        "building cluster stack \"eksctl-tcb-cluster-cluster\"",
        "waiting for CloudFormation stack \"eksctl-tcb-cluster-cluster\"",
        "building managed nodegroup stack \"eksctl-tcb-cluster-nodegroup-k8s-tcb-cluster\"",
        "waiting for the control plane to become ready",
        "saved kubeconfig as \"~/.kube/config\"",
        "all EKS cluster resources for \"tcb-cluster\" have been created",
        "waiting for at least 2 node(s) to become ready in \"k8s-tcb-cluster\"",
        "nodegroup \"k8s-tcb-cluster\" has 2 node(s)",
        "kubectl command should work with \"~/.kube/config\", try 'kubectl get nodes'",
        "EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready",
    ];
    let positions: Vec<usize> = order.iter().map(|n| position(&t, n)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    let waits = t
        .iter()
        .filter(|l| l.starts_with("waiting for CloudFormation stack"))
        .count();
    assert!(waits > 5, "the stack wait repeats: {waits}");
    let ready = t
        .iter()
        .filter(|l| l.ends_with("is ready") && l.starts_with("node "))
        .count();
    assert_eq!(ready, 2);
    assert_eq!(
        t.last().unwrap(),
        "EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready"
    );
    let last = plan.lines().last().unwrap();
    assert_eq!(last.kind, LineKind::Log(LogLevel::Success));
}

#[test]
fn create_plan_acts_in_the_right_order_and_names_the_kubeconfig_like_eksctl() {
    let env = EksctlEnv {
        iam_user: "manfred".into(),
        ..env_2021()
    };
    let plan = plan_create(&create_args(EPISODE_CREATE), &env).unwrap();
    let actions: Vec<&PlanAction> = plan.actions().collect();
    assert_eq!(
        actions[0],
        &PlanAction::CreateCluster {
            name: "tcb-cluster".into(),
            region: "us-east-1".into(),
            version: "1.21".into()
        }
    );
    assert!(matches!(actions[1], PlanAction::AwaitClusterActive { .. }));
    assert_eq!(
        actions[2],
        &PlanAction::CreateNodegroup {
            cluster: "tcb-cluster".into(),
            nodegroup: "k8s-tcb-cluster".into(),
            instance_type: "t2.large".into(),
            desired: 2,
            min: 2,
            max: 2,
            volume_size: 80
        }
    );
    assert!(matches!(
        actions[3],
        PlanAction::AwaitNodegroupActive { .. }
    ));
    assert_eq!(
        actions[4],
        &PlanAction::WriteKubeconfig {
            cluster_entry: "tcb-cluster.us-east-1.eksctl.io".into(),
            context: "manfred@tcb-cluster.us-east-1.eksctl.io".into(),
            user_entry: "manfred@tcb-cluster.us-east-1.eksctl.io".into(),
            set_current: true
        }
    );
    assert_eq!(
        actions[5],
        &PlanAction::AwaitNodesReady {
            cluster: "tcb-cluster".into(),
            nodegroup: "k8s-tcb-cluster".into(),
            count: 2
        }
    );
    assert_eq!(actions.len(), 6);
    // The node names logged are the ones the world will create.
    let t = texts(&plan);
    for node in
        crate::sim::eks::naming::node_names("tcb-cluster", "k8s-tcb-cluster", "us-east-1", 2)
    {
        assert!(t.contains(&format!("node \"{node}\" is ready")), "{node}");
    }
}

#[test]
fn create_plan_takes_about_fifteen_minutes_and_offsets_never_go_back() {
    let plan = plan_create(&create_args(EPISODE_CREATE), &env_2021()).unwrap();
    let total = plan.total();
    assert!(
        total >= Duration::from_secs(10 * 60) && total <= Duration::from_secs(16 * 60),
        "{total:?}"
    );
    assert!(plan.steps.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn creating_an_existing_cluster_fails_on_the_stack() {
    let env = EksctlEnv {
        existing_clusters: vec![ExistingCluster {
            name: "tcb-cluster".into(),
            region: "us-east-1".into(),
            nodegroups: vec![],
            eksctl_created: true,
            status: "ACTIVE".into(),
        }],
        ..env_2021()
    };
    let plan = plan_create(&create_args(EPISODE_CREATE), &env).unwrap();
    assert_eq!(plan.exit_code, 1);
    assert_eq!(plan.actions().count(), 0, "nothing is created");
    let lines: Vec<_> = plan.lines().collect();
    let error = lines[lines.len() - 2];
    assert_eq!(error.kind, LineKind::Error);
    assert_eq!(error.text, "failed to create cluster \"tcb-cluster\"");
    assert!(texts(&plan).iter().any(|l| {
        l.contains("AlreadyExistsException: Stack [eksctl-tcb-cluster-cluster] already exists")
    }));
    // Then what the simulation says about it: what is there, and the way on.
    let note = &lines[lines.len() - 1].text;
    assert!(note.starts_with("(trinetes) "), "{note}");
    assert!(note.contains("was stopped before it finished"), "{note}");
    assert!(note.contains("ACTIVE"), "{note}");
    assert!(
        note.contains("Run the delete step (`eksctl delete cluster --name tcb-cluster --region us-east-1`), then this step again."),
        "{note}"
    );
}

#[test]
fn creating_a_finished_cluster_again_says_there_is_nothing_to_create() {
    let plan = plan_create(&create_args(EPISODE_CREATE), &env_with_cluster()).unwrap();
    assert_eq!(plan.exit_code, 1);
    let note = &plan.lines().last().unwrap().text;
    assert!(note.contains("nothing to create"), "{note}");
    assert!(note.contains("\"k8s-tcb-cluster\""), "{note}");
}

#[test]
fn lines_render_with_eksctl_timestamps_and_markers() {
    let at = jiff::civil::date(2021, 12, 16).at(1, 25, 17, 0);
    assert_eq!(
        OutputLine::info("eksctl version 0.76.0").render(at),
        "2021-12-16 01:25:17 [ℹ]  eksctl version 0.76.0"
    );
    assert_eq!(
        OutputLine::success("EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready")
            .render(at),
        "2021-12-16 01:25:17 [✔]  EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready"
    );
    assert_eq!(OutputLine::plain("NAME").render(at), "NAME");
}

#[test]
fn pace_scales_a_plan_keeping_proportions() {
    let plan = plan_create(&create_args(EPISODE_CREATE), &env_2021()).unwrap();
    let total = plan.total();
    let fast = plan.paced(Pace::Fast);
    assert!(fast.last().unwrap().0 < Duration::from_secs(1));
    let realistic = plan.paced(Pace::default());
    let end = realistic.last().unwrap().0;
    assert!((end.as_secs_f64() - 60.0).abs() < 1e-6, "{end:?}");
    for ((scaled, step), (fast_scaled, _)) in realistic.iter().zip(&fast) {
        let expected = 60.0 * step.at.as_secs_f64() / total.as_secs_f64();
        assert!((scaled.as_secs_f64() - expected).abs() < 1e-6);
        assert!(fast_scaled <= scaled);
    }
    assert!(realistic.windows(2).all(|w| w[0].0 <= w[1].0));
    let custom = Pace::Realistic {
        total: Duration::from_secs(120),
    };
    assert_eq!(custom.scale(total / 2, total), Duration::from_secs(60));
    assert_eq!(
        Pace::Fast.scale(Duration::ZERO, Duration::ZERO),
        Duration::ZERO
    );
}

#[test]
fn eks_timings_follow_the_plan() {
    let plan = plan_create(&create_args(EPISODE_CREATE), &env_2021()).unwrap();
    let timings = plan.eks_timings(Pace::default());
    let cluster = timings.cluster_create.expect("cluster create is timed");
    let nodegroup = timings.nodegroup_create.expect("nodegroup create is timed");
    assert!(
        cluster > nodegroup,
        "the control plane takes longer: {cluster:?} {nodegroup:?}"
    );
    assert!(cluster + nodegroup < Duration::from_secs(60));
    assert_eq!(timings.cluster_delete, None);
}

fn env_with_cluster() -> EksctlEnv {
    EksctlEnv {
        existing_clusters: vec![
            ExistingCluster {
                name: "tcb-cluster".into(),
                region: "us-east-1".into(),
                nodegroups: vec![NodegroupSummary::named("k8s-tcb-cluster")],
                eksctl_created: true,
                status: "ACTIVE".into(),
            },
            ExistingCluster {
                name: "elsewhere".into(),
                region: "eu-west-1".into(),
                nodegroups: vec![],
                eksctl_created: false,
                status: "ACTIVE".into(),
            },
        ],
        ..env_2021()
    }
}

#[test]
fn get_cluster_prints_a_tab_aligned_table_for_the_region() {
    let cmd = parse_command_line("eksctl get cluster --region us-east-1").unwrap();
    let plan = super::plan(&cmd, &env_with_cluster()).unwrap();
    let lines: Vec<String> = plan.lines().map(|l| l.render(Default::default())).collect();
    assert_eq!(
        lines,
        [
            "NAME\t\tREGION\t\tEKSCTL CREATED",
            "tcb-cluster\tus-east-1\tTrue"
        ]
    );
    assert!(plan.lines().all(|l| l.stream == Stream::Stdout));
    assert_eq!(plan.actions().count(), 0);

    let cmd = parse_command_line("eksctl get cluster --region ap-south-1").unwrap();
    let plan = super::plan(&cmd, &env_with_cluster()).unwrap();
    assert_eq!(texts(&plan), ["No clusters found"]);
}

#[test]
fn get_nodegroup_prints_eksctls_columns_for_the_clusters_nodegroups() {
    let mut env = env_with_cluster();
    env.existing_clusters[0].nodegroups = vec![NodegroupSummary {
        status: "ACTIVE".into(),
        created_at: "2021-12-16T19:39:22.5Z".parse().unwrap(),
        min: 2,
        max: 2,
        desired: 2,
        instance_type: "t2.large".into(),
        ami_type: "AL2_x86_64".into(),
        asg_name: "eks-0a1b".into(),
        ..NodegroupSummary::named("k8s-tcb-cluster")
    }];
    let cmd = parse_command_line("eksctl get nodegroup --cluster tcb-cluster --region us-east-1")
        .unwrap();
    assert_eq!(
        cmd,
        EksctlCommand::GetNodegroup(GetNodegroupArgs {
            cluster: "tcb-cluster".into(),
            name: None,
            region: Some("us-east-1".into()),
        })
    );
    let plan = super::plan(&cmd, &env).unwrap();
    let lines: Vec<String> = plan.lines().map(|l| l.render(Default::default())).collect();
    assert_eq!(
        lines,
        [
            "CLUSTER		NODEGROUP	STATUS	CREATED			MIN SIZE	MAX SIZE	DESIRED CAPACITY	INSTANCE TYPE	IMAGE ID	ASG NAME	TYPE",
            "tcb-cluster	k8s-tcb-cluster	ACTIVE	2021-12-16T19:39:22Z	2		2		2			t2.large	AL2_x86_64	eks-0a1b	managed",
        ]
    );
    assert!(plan.lines().all(|l| l.stream == Stream::Stdout));
    assert_eq!(plan.actions().count(), 0);

    // The nodegroup by name, a name that matches none, and a cluster without one.
    let cmd =
        parse_command_line("eksctl get ng nope --cluster tcb-cluster --region us-east-1").unwrap();
    assert_eq!(
        texts(&super::plan(&cmd, &env).unwrap()),
        ["No nodegroups found"]
    );
    let cmd =
        parse_command_line("eksctl get nodegroups --cluster elsewhere --region eu-west-1").unwrap();
    assert_eq!(
        texts(&super::plan(&cmd, &env).unwrap()),
        ["No nodegroups found"]
    );
}

#[test]
fn get_nodegroup_needs_a_cluster_that_exists() {
    let err = parse_command_line("eksctl get nodegroup --region us-east-1").unwrap_err();
    assert_eq!(err.to_string(), "--cluster must be set");
    let cmd = parse_command_line("eksctl get nodegroup --cluster nope --region us-east-1").unwrap();
    let err = super::plan(&cmd, &env_with_cluster()).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("ResourceNotFoundException: No cluster found for name: nope."),
        "{err}"
    );
}

#[test]
fn delete_plan_deletes_nodegroups_then_the_cluster() {
    let cmd =
        parse_command_line("eksctl delete cluster --name tcb-cluster --region us-east-1").unwrap();
    let plan = super::plan(&cmd, &env_with_cluster()).unwrap();
    let t = texts(&plan);
    assert_eq!(t[0], "deleting EKS cluster \"tcb-cluster\"");
    assert_eq!(t.last().unwrap(), "all cluster resources were deleted");
    let actions: Vec<&PlanAction> = plan.actions().collect();
    assert_eq!(
        actions,
        [
            &PlanAction::RemoveKubeconfigContext {
                context: "learner@tcb-cluster.us-east-1.eksctl.io".into(),
                cluster_entry: "tcb-cluster.us-east-1.eksctl.io".into()
            },
            &PlanAction::DeleteNodegroup {
                cluster: "tcb-cluster".into(),
                nodegroup: "k8s-tcb-cluster".into()
            },
            &PlanAction::AwaitNodegroupDeleted {
                cluster: "tcb-cluster".into(),
                nodegroup: "k8s-tcb-cluster".into()
            },
            &PlanAction::DeleteCluster {
                name: "tcb-cluster".into()
            },
        ]
    );
    assert!(
        position(
            &t,
            "will delete stack \"eksctl-tcb-cluster-nodegroup-k8s-tcb-cluster\""
        ) < position(&t, "will delete stack \"eksctl-tcb-cluster-cluster\"")
    );
    assert!(t.iter().any(|l| l.contains("[async]")));

    let cmd =
        parse_command_line("eksctl delete cluster --name tcb-cluster --region us-east-1 --wait")
            .unwrap();
    let plan = super::plan(&cmd, &env_with_cluster()).unwrap();
    assert_eq!(
        plan.actions().last().unwrap(),
        &PlanAction::AwaitClusterDeleted {
            name: "tcb-cluster".into()
        }
    );
    assert!(!texts(&plan).iter().any(|l| l.contains("[async]")));
}

#[test]
fn deleting_the_episodes_wrong_cluster_name_fails_like_eksctl() {
    let cmd =
        parse_command_line("eksctl delete cluster --name test-cluster --region us-east-1").unwrap();
    let err = plan(&cmd, &env_with_cluster()).unwrap_err();
    let text = err.to_output().render(Default::default());
    assert!(text.starts_with("Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, RequestID: "), "{text}");
    assert!(
        text.ends_with("ResourceNotFoundException: No cluster found for name: test-cluster."),
        "{text}"
    );

    let cmd = parse_command_line("eksctl delete cluster --region us-east-1").unwrap();
    assert_eq!(
        plan(&cmd, &env_with_cluster()).unwrap_err().to_string(),
        "--name must be set"
    );
}

#[test]
fn without_a_name_eksctl_generates_one_and_a_nodegroup_name() {
    let plan = plan_create(&create_args("eksctl create cluster"), &env_today()).unwrap();
    let PlanAction::CreateCluster { name, .. } = plan.actions().next().unwrap() else {
        panic!("first action creates the cluster");
    };
    let parts: Vec<&str> = name.split('-').collect();
    assert_eq!(parts.len(), 3, "{name}");
    assert!(parts[2].chars().all(|c| c.is_ascii_digit()), "{name}");
    let ng = plan
        .actions()
        .find_map(|a| match a {
            PlanAction::CreateNodegroup {
                nodegroup,
                instance_type,
                ..
            } => Some((nodegroup.clone(), instance_type.clone())),
            _ => None,
        })
        .unwrap();
    assert!(ng.0.starts_with("ng-") && ng.0.len() == 11, "{}", ng.0);
    assert_eq!(ng.1, "m5.large");
}

#[test]
fn without_nodegroup_skips_the_nodegroup_stack() {
    let args = create_args("eksctl create cluster --name c --without-nodegroup");
    let plan = plan_create(&args, &env_today()).unwrap();
    assert!(!plan.actions().any(|a| matches!(
        a,
        PlanAction::CreateNodegroup { .. } | PlanAction::AwaitNodesReady { .. }
    )));
    assert!(
        plan.actions()
            .any(|a| matches!(a, PlanAction::WriteKubeconfig { .. }))
    );
}

#[test]
fn a_minimum_above_the_maximum_is_rejected() {
    let args = create_args("eksctl create cluster --name c --nodes-min 3 --nodes-max 2");
    assert_eq!(
        plan_create(&args, &env_today()).unwrap_err(),
        EksctlError::NodeRange
    );
}
