//! An `eksctl create cluster` stopped part way (Ctrl-C, a quit, trinetes
//! killed): the world keeps the EKS control plane without its nodegroup,
//! says so, and every way on works. Running the create again fails as real
//! eksctl does (AlreadyExists) and says what to do; the nodegroup check
//! stops waiting for a nodegroup nothing creates; the delete step clears it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use trinetes::backend::Backend;
use trinetes::backend::dryrun::DryRunBackend;
use trinetes::check::{self, CheckError, CheckOutcome};
use trinetes::lesson::checks::{self, CheckKind};
use trinetes::lesson::{Check, Span, Step};
use trinetes::sim::eksctl::Pace;
use trinetes::sim::world::{World, WorldOptions, WorldOutput};

const CREATE: &str = "eksctl create cluster --name tcb-cluster --version 1.35 --region us-east-1 --nodegroup-name k8s-tcb-cluster --node-type t2.large --nodes 2";
const DELETE: &str = "eksctl delete cluster --name tcb-cluster --region us-east-1";

async fn lines_of(world: &World, line: &str) -> (i32, Vec<String>) {
    let (tx, mut rx) = mpsc::channel(4096);
    let code = tokio::time::timeout(Duration::from_secs(60), world.eksctl(line, &tx))
        .await
        .expect("eksctl finishes within 60 s");
    drop(tx);
    let mut lines = Vec::new();
    while let Some(out) = rx.recv().await {
        if let WorldOutput::Line(l) = out {
            lines.push(l);
        }
    }
    (code, lines)
}

/// Runs the create until EKS has the cluster, then drops it: what a stop does.
async fn create_and_stop(world: &World) {
    let (tx, _rx) = mpsc::channel(4096);
    let create = world.eksctl(CREATE, &tx);
    tokio::pin!(create);
    for _ in 0..2000 {
        tokio::select! {
            code = &mut create => panic!("the create ended ({code}) before it was stopped"),
            () = tokio::time::sleep(Duration::from_millis(5)) => {}
        }
        if world.eks_status("tcb-cluster").is_some() {
            return;
        }
    }
    panic!("EKS never had the cluster");
}

async fn until_active(world: &World) {
    for _ in 0..400 {
        if world.eks_status("tcb-cluster").as_deref() == Some("ACTIVE") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the control plane never turned ACTIVE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_create_leaves_a_cluster_that_is_said_and_can_be_cleared() {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(WorldOptions::new(dir.path().to_path_buf(), Pace::Fast))
        .await
        .expect("world starts");
    let backend = DryRunBackend::new(Arc::new(world)).with_eks_cluster("tcb-cluster");
    let world = backend.world();
    create_and_stop(world).await;
    // AWS goes on creating the control plane.
    until_active(world).await;
    let unfinished = world
        .unfinished_create(CREATE)
        .expect("the create is unfinished");
    assert_eq!(unfinished.status, "ACTIVE");
    assert!(unfinished.nodegroup_missing && unfinished.context_missing);

    // The step box's cluster: what EKS says, and the unfinished create.
    let step = Step {
        id: "create-cluster".into(),
        command: CREATE.into(),
        cluster: Some("eks".into()),
        ..Step::default()
    };
    let cluster = backend.step_cluster(&step).expect("a cluster");
    assert!(!cluster.running);
    assert_eq!(cluster.eks_status.as_deref(), Some("ACTIVE"));
    assert_eq!(cluster.unfinished, Some(unfinished));

    // The create again: eksctl's own error, then what to do.
    let (code, lines) = lines_of(world, CREATE).await;
    assert_eq!(code, 1, "{lines:#?}");
    let all = lines.join("\n");
    assert!(all.contains("AlreadyExistsException"), "{all}");
    assert!(
        all.contains("(trinetes) The EKS cluster \"tcb-cluster\" already exists: an earlier `eksctl create cluster` was stopped before it finished"),
        "{all}"
    );
    assert!(
        all.contains(&format!("Run the delete step (`{DELETE}`)")),
        "{all}"
    );

    // `v`: the nodegroup check says at once that nothing creates it. The
    // lesson's timeout is hours of simulated time; the check does not use it.
    let nodegroup = Check {
        kind: CheckKind::EksNodegroup(checks::EksNodegroup {
            cluster: "tcb-cluster".into(),
            nodegroup: "k8s-tcb-cluster".into(),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
        }),
        timeout: Duration::from_secs(6 * 3600),
        hint: "eksctl get nodegroup shows it".into(),
        span: Span::default(),
    };
    let ctx = backend.step_check_context(&step);
    let outcome = tokio::time::timeout(Duration::from_secs(60), check::run(&ctx, &nodegroup))
        .await
        .expect("the check gives up long before its timeout");
    match outcome {
        CheckOutcome::Failed {
            error: CheckError::WillNotHold { seen },
            ..
        } => assert!(seen.contains("nothing is creating it"), "{seen}"),
        other => panic!("expected the check to give up, got {other:?}"),
    }

    // The delete step clears it; the create then works and is finished.
    let (code, lines) = lines_of(world, DELETE).await;
    assert_eq!(code, 0, "{lines:#?}");
    assert_eq!(world.unfinished_create(CREATE), None);
    // eksctl does not wait for the control plane to go; a create before
    // it has gone says so.
    if world.eks_status("tcb-cluster").as_deref() == Some("DELETING") {
        let (code, lines) = lines_of(world, CREATE).await;
        assert_eq!(code, 1, "{lines:#?}");
        let note = lines.last().expect("a note");
        assert!(note.contains("is still being deleted (DELETING)"), "{note}");
    }
    for _ in 0..400 {
        if world.eks_status("tcb-cluster").is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (code, lines) = lines_of(world, CREATE).await;
    assert_eq!(code, 0, "{lines:#?}");
    assert_eq!(world.unfinished_create(CREATE), None, "finished");
    assert!(backend.step_cluster(&step).expect("a cluster").running);

    // A `kubectl config` step's cluster is the current context's, as the
    // world has it each time it is asked.
    let switch = Step {
        id: "use-context".into(),
        command: "kubectl config use-context kind-trinetes".into(),
        cluster: Some("eks".into()),
        ..Step::default()
    };
    let eks_context = "learner@tcb-cluster.us-east-1.eksctl.io";
    assert_eq!(
        backend.step_cluster(&switch).expect("a cluster").name,
        eks_context
    );
    trinetes::sim::kubeconfig::set_current_context(world.kubeconfig_path(), Some("kind-trinetes"))
        .expect("use-context");
    let now = backend.step_cluster(&switch).expect("a cluster");
    assert_eq!((now.name.as_str(), now.running), ("kind-trinetes", true));
}
