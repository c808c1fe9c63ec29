//! The dry-run world carrying out eksctl: create and delete an EKS cluster,
//! with its nodes, kubeconfig context and EKS records.

use std::time::Duration;

use tokio::sync::mpsc;
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{PRACTICE_CONTEXT, World, WorldOptions, WorldOutput};

async fn run_eksctl(world: &World, line: &str) -> (i32, Vec<String>) {
    let (tx, mut rx) = mpsc::channel(1024);
    let code = tokio::time::timeout(Duration::from_secs(60), world.eksctl(line, &tx))
        .await
        .unwrap_or_else(|_| panic!("`{line}` did not finish within 60 s"));
    drop(tx);
    let mut lines = Vec::new();
    while let Some(out) = rx.recv().await {
        if let WorldOutput::Line(l) = out {
            lines.push(l);
        }
    }
    (code, lines)
}

#[tokio::test]
async fn create_then_delete_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(WorldOptions::new(dir.path().to_path_buf(), Pace::Fast))
        .await
        .expect("world starts");
    assert_eq!(world.current_context().as_deref(), Some(PRACTICE_CONTEXT));

    let (code, lines) = run_eksctl(
        &world,
        "eksctl create cluster --name tcb-cluster --version 1.35 --region us-east-1 --nodegroup-name k8s-tcb-cluster --node-type t2.large --nodes 2",
    )
    .await;
    assert_eq!(code, 0, "{lines:#?}");
    assert!(
        lines
            .last()
            .expect("output")
            .ends_with("EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready")
    );
    let context = world.current_context().expect("a current context");
    assert_eq!(context, "learner@tcb-cluster.us-east-1.eksctl.io");
    let url = world.current_cluster_url().expect("the EKS cluster's URL");

    // The nodes' kubelets run the version the cluster was created with.
    let client = trinetes::check::client_for_url(&url).expect("a client for the EKS cluster");
    let nodes = kube::Api::<k8s_openapi::api::core::v1::Node>::all(client)
        .list(&Default::default())
        .await
        .expect("list nodes");
    assert_eq!(nodes.items.len(), 2);
    for node in &nodes.items {
        let version = node
            .status
            .as_ref()
            .and_then(|s| s.node_info.as_ref())
            .map(|i| i.kubelet_version.as_str())
            .unwrap_or_default();
        assert!(version.starts_with("v1.35."), "{version}");
    }

    // The demo's hint: eksctl shows the nodegroup and its status.
    let (code, lines) = run_eksctl(
        &world,
        "eksctl get nodegroup --cluster tcb-cluster --region us-east-1",
    )
    .await;
    assert_eq!(code, 0, "{lines:#?}");
    assert!(lines[0].starts_with("CLUSTER\t"), "{lines:#?}");
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        [row[0], row[1], row[2]],
        ["tcb-cluster", "k8s-tcb-cluster", "ACTIVE"],
        "{lines:#?}"
    );
    assert_eq!(row[4..8], ["2", "2", "2", "t2.large"], "{lines:#?}");
    assert_eq!(row.last(), Some(&"managed"), "{lines:#?}");

    let (code, lines) = run_eksctl(
        &world,
        "eksctl delete cluster --name tcb-cluster --region us-east-1",
    )
    .await;
    assert_eq!(code, 0, "{lines:#?}");
    assert!(
        lines
            .last()
            .expect("output")
            .ends_with("all cluster resources were deleted"),
        "{lines:#?}"
    );
    assert_eq!(
        world.current_context(),
        None,
        "eksctl removes the context it added"
    );
    assert_eq!(
        world.contexts().len(),
        1,
        "only the practice cluster is left"
    );
    // Without --wait, eksctl returns while EKS still deletes the control plane.
    let mut gone = false;
    for _ in 0..100 {
        if world.eks_state().summaries().is_empty() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gone, "no EKS cluster is left");
    world.shutdown().await;
}

#[tokio::test]
async fn an_unsupported_version_fails_before_creating_anything() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(WorldOptions::new(dir.path().to_path_buf(), Pace::Fast))
        .await
        .expect("world starts");
    let (code, lines) = run_eksctl(
        &world,
        "eksctl create cluster --name tcb-cluster --version 1.21 --region us-east-1 --nodegroup-name k8s-tcb-cluster --node-type t2.large --nodes 2",
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("invalid version, 1.21 is no longer supported")),
        "{lines:#?}"
    );
    assert!(world.eks_state().summaries().is_empty());
    assert_eq!(world.current_context().as_deref(), Some(PRACTICE_CONTEXT));
    world.shutdown().await;
}

#[tokio::test]
async fn a_realistic_create_keeps_the_progress_moving_during_long_waits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pace = Pace::Realistic {
        total: Duration::from_secs(6),
    };
    let world = World::start(WorldOptions::new(dir.path().to_path_buf(), pace))
        .await
        .expect("world starts");
    let (tx, mut rx) = mpsc::channel(1024);
    let line = "eksctl create cluster --name tcb-cluster --version 1.35 --region us-east-1 --nodegroup-name k8s-tcb-cluster --node-type t2.large --nodes 2";
    let code = tokio::time::timeout(Duration::from_secs(60), world.eksctl(line, &tx))
        .await
        .expect("a 6-second create finishes within 60 s");
    assert_eq!(code, 0);
    drop(tx);
    let mut stages = Vec::new();
    while let Some(out) = rx.recv().await {
        if let WorldOutput::Stage { name, fraction } = out {
            stages.push((name, fraction.expect("eksctl knows how far along it is")));
        }
    }
    let mut names: Vec<&str> = stages.iter().map(|(n, _)| n.as_str()).collect();
    names.dedup();
    assert!(
        stages.len() > names.len() + 2,
        "the stages are only sent when they change, not during the waits: {stages:?}"
    );
    assert!(
        stages.windows(2).all(|w| w[0].1 <= w[1].1),
        "the fraction goes backwards: {stages:?}"
    );
    let last = stages.last().expect("stages were sent").1;
    assert!(last > 0.5, "the fraction ends at {last}: {stages:?}");
    world.shutdown().await;
}

async fn run_helm(world: &World, args: &[&str]) -> (i32, Vec<String>) {
    let (tx, mut rx) = mpsc::channel(1024);
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let code = world.helm(&args, &tx).await;
    drop(tx);
    let mut lines = Vec::new();
    while let Some(out) = rx.recv().await {
        if let WorldOutput::Line(l) = out {
            lines.push(l);
        }
    }
    (code, lines)
}

#[tokio::test]
async fn eksctl_and_helm_report_the_profiles_versions_and_answer_help() {
    for (profile, eksctl, helm) in [
        ("current", "0.230.0", "v3.16.3"),
        ("episode-2021", "0.76.0", "v3.7.2"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let profile = trinetes::lesson::Profile::builtin(profile).expect("built-in profile");
        let opts =
            trinetes::backend::setup::world_options(&profile, Pace::Fast, dir.path().to_path_buf());
        let world = World::start(opts).await.expect("world starts");

        assert_eq!(
            run_eksctl(&world, "eksctl version").await,
            (0, vec![eksctl.to_string()])
        );
        let (code, lines) = run_helm(&world, &["version", "--short"]).await;
        assert_eq!((code, lines), (0, vec![format!("{helm}+g0000000")]));
        let (code, lines) = run_helm(&world, &["version"]).await;
        assert_eq!(code, 0);
        assert!(
            lines[0].starts_with(&format!(
                "version.BuildInfo{{Version:\"{helm}\", GitCommit:\""
            )),
            "{lines:?}"
        );

        let (code, lines) = run_eksctl(&world, "eksctl create cluster --help").await;
        assert_eq!(code, 0, "{lines:#?}");
        assert!(
            lines[0].starts_with("eksctl create cluster (simulated by trinetes)"),
            "{lines:#?}"
        );
        let (code, lines) = run_helm(&world, &["--help"]).await;
        assert_eq!(code, 0, "{lines:#?}");
        assert!(
            lines[0].starts_with("helm (simulated by trinetes)"),
            "{lines:#?}"
        );

        let (code, lines) = run_eksctl(&world, "eksctl create cluster --bogus").await;
        assert_eq!(
            (code, lines),
            (1, vec!["Error: unknown flag: --bogus".to_string()])
        );
        world.shutdown().await;
    }
}
