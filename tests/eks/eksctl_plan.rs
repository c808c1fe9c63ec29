//! The simulated eksctl's plans carried out against the simulated EKS
//! service, the way the dry-run backend will: the episode's create, then
//! get, then delete, on a manual clock.

use std::time::Duration;

use crate::support::eks::episode_start;
use jiff::tz::TimeZone;
use trinetes::sim::Clock;
use trinetes::sim::eks::{EksConfig, EksEvent, EksState};
use trinetes::sim::eksctl::{
    EksctlEnv, Plan, PlanAction, PlanItem, existing_clusters, parse_command_line, plan,
};

const ACCOUNT: &str = "123456789012";

/// Polls `done` while moving the clock on, at most 200 steps of 30 s.
fn advance_until(clock: &Clock, what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        clock.advance(Duration::from_secs(30));
    }
    panic!("{what} did not happen within 100 simulated minutes");
}

/// Runs every step of `plan` in order; returns the rendered lines and the
/// kubeconfig actions seen.
fn carry_out(plan: &Plan, state: &EksState, clock: &Clock) -> (Vec<String>, Vec<PlanAction>) {
    let start = clock.now().to_zoned(TimeZone::UTC).datetime();
    let mut lines = Vec::new();
    let mut kubeconfig = Vec::new();
    let region = state.config().region.clone();
    for step in &plan.steps {
        match &step.item {
            PlanItem::Line(line) => {
                let at = start
                    .checked_add(jiff::SignedDuration::try_from(step.at).unwrap())
                    .unwrap();
                lines.push(line.render(at));
            }
            PlanItem::Action(action) => match action {
                PlanAction::CreateCluster { .. } => {
                    let request = action.create_cluster_request(ACCOUNT).unwrap();
                    state.create_cluster(request).expect("CreateCluster");
                }
                PlanAction::AwaitClusterActive { name } => {
                    advance_until(clock, "cluster ACTIVE", || {
                        state.describe_cluster(name).unwrap()["status"] == "ACTIVE"
                    })
                }
                PlanAction::CreateNodegroup { .. } => {
                    let (cluster, request) =
                        action.create_nodegroup_request(&region, ACCOUNT).unwrap();
                    state
                        .create_nodegroup(&cluster, request)
                        .expect("CreateNodegroup");
                }
                PlanAction::AwaitNodegroupActive { cluster, nodegroup } => {
                    advance_until(clock, "nodegroup ACTIVE", || {
                        state.describe_nodegroup(cluster, nodegroup).unwrap()["status"] == "ACTIVE"
                    })
                }
                // Node readiness belongs to the Kubernetes side of the world.
                PlanAction::AwaitNodesReady { .. } => {}
                PlanAction::WriteKubeconfig { .. } | PlanAction::RemoveKubeconfigContext { .. } => {
                    kubeconfig.push(action.clone())
                }
                PlanAction::DeleteNodegroup { cluster, nodegroup } => {
                    state
                        .delete_nodegroup(cluster, nodegroup)
                        .expect("DeleteNodegroup");
                }
                PlanAction::AwaitNodegroupDeleted { cluster, nodegroup } => {
                    advance_until(clock, "nodegroup gone", || {
                        state.describe_nodegroup(cluster, nodegroup).is_err()
                    })
                }
                PlanAction::DeleteCluster { name } => {
                    state.delete_cluster(name).expect("DeleteCluster");
                }
                PlanAction::AwaitClusterDeleted { name } => {
                    advance_until(clock, "cluster gone", || {
                        state.describe_cluster(name).is_err()
                    })
                }
            },
        }
    }
    (lines, kubeconfig)
}

fn env_for(state: &EksState) -> EksctlEnv {
    EksctlEnv {
        default_region: state.config().region.clone(),
        supported_versions: state.config().supported_versions.clone(),
        default_version: state.config().default_version.clone(),
        existing_clusters: existing_clusters(&state.summaries()),
        ..EksctlEnv::default()
    }
}

#[tokio::test]
async fn the_episode_runs_against_the_simulated_eks() {
    let clock = Clock::manual(episode_start());
    // The episode-2021 profile: EKS still offers 1.21.
    let state = EksState::new(
        clock.clone(),
        EksConfig {
            supported_versions: vec!["1.20".into(), "1.21".into()],
            default_version: "1.21".into(),
            ..EksConfig::default()
        },
    );
    let mut events = state.subscribe();

    let create = parse_command_line(
        "eksctl create cluster \\\n --name tcb-cluster \\\n --version 1.21 \\\n --region us-east-1 \\\n --nodegroup-name k8s-tcb-cluster \\\n --node-type t2.large \\\n --nodes 2",
    )
    .unwrap();
    let create_plan = plan(&create, &env_for(&state)).unwrap();
    let (lines, kubeconfig) = carry_out(&create_plan, &state, &clock);
    assert_eq!(lines[0], "2021-12-16 01:25:17 [ℹ]  eksctl version 0.76.0");
    assert!(
        lines
            .last()
            .unwrap()
            .ends_with("[✔]  EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready"),
        "{lines:#?}"
    );
    assert_eq!(
        kubeconfig,
        [PlanAction::WriteKubeconfig {
            cluster_entry: "tcb-cluster.us-east-1.eksctl.io".into(),
            context: "learner@tcb-cluster.us-east-1.eksctl.io".into(),
            user_entry: "learner@tcb-cluster.us-east-1.eksctl.io".into(),
            set_current: true,
        }]
    );

    let cluster = state.describe_cluster("tcb-cluster").unwrap();
    assert_eq!(cluster["status"], "ACTIVE");
    assert_eq!(cluster["version"], "1.21");
    assert_eq!(
        cluster["tags"]["alpha.eksctl.io/cluster-name"],
        "tcb-cluster"
    );
    let ng = state
        .describe_nodegroup("tcb-cluster", "k8s-tcb-cluster")
        .unwrap();
    assert_eq!(ng["status"], "ACTIVE");
    assert_eq!(ng["instanceTypes"], serde_json::json!(["t2.large"]));
    assert_eq!(ng["scalingConfig"]["desiredSize"], 2);
    assert_eq!(ng["diskSize"], 80);

    // The nodes the world is told to create are the ones eksctl logged.
    let mut node_names = None;
    while let Ok(event) = events.try_recv() {
        if let EksEvent::NodegroupActive { node_names: n, .. } = event {
            node_names = Some(n);
        }
    }
    let node_names = node_names.expect("a NodegroupActive event was sent");
    for node in &node_names {
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with(&format!("node \"{node}\" is ready"))),
            "{node} not in {lines:#?}"
        );
    }

    // eksctl get cluster sees it, made by eksctl.
    let get = parse_command_line("eksctl get cluster --region us-east-1").unwrap();
    let (table, _) = carry_out(&plan(&get, &env_for(&state)).unwrap(), &state, &clock);
    assert_eq!(
        table,
        [
            "NAME\t\tREGION\t\tEKSCTL CREATED",
            "tcb-cluster\tus-east-1\tTrue"
        ]
    );

    // Creating it again fails on the existing stack and changes nothing.
    let again = plan(&create, &env_for(&state)).unwrap();
    assert_eq!(again.exit_code, 1);

    // The episode's own teardown names the wrong cluster.
    let wrong =
        parse_command_line("eksctl delete cluster --name test-cluster --region us-east-1").unwrap();
    let err = plan(&wrong, &env_for(&state)).unwrap_err();
    assert!(
        err.to_string()
            .contains("No cluster found for name: test-cluster.")
    );

    let delete =
        parse_command_line("eksctl delete cluster --name tcb-cluster --region us-east-1 --wait")
            .unwrap();
    let (lines, kubeconfig) = carry_out(&plan(&delete, &env_for(&state)).unwrap(), &state, &clock);
    assert!(
        lines
            .last()
            .unwrap()
            .ends_with("[✔]  all cluster resources were deleted")
    );
    assert!(matches!(
        kubeconfig.as_slice(),
        [PlanAction::RemoveKubeconfigContext { .. }]
    ));
    assert!(state.summaries().is_empty());
}

#[test]
fn every_eksctl_step_of_the_builtin_lessons_and_the_episode_parses() {
    let mut seen = 0;
    for profile in ["current", "episode-2021"] {
        let profile = trinetes::lesson::Profile::builtin(profile).expect("built-in profile");
        for lesson in trinetes::lesson::builtin() {
            let lesson = lesson.expanded(&profile);
            for step in &lesson.steps {
                // What the episode typed must parse too: the lessons show it.
                let typed = std::iter::once(&step.command).chain(&step.episode_command);
                let command = typed
                    .map(|c| c.replace("\\\n", " "))
                    .collect::<Vec<_>>()
                    .join("\n");
                for line in command
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with("eksctl "))
                {
                    if let Err(e) = parse_command_line(line) {
                        panic!("{} {}: `{line}`: {e}", lesson.front.id, step.id);
                    }
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 2, "only {seen} eksctl steps found");
}
