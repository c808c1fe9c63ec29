//! The dry-run world across runs and lessons: each lesson talks to its own
//! cluster whatever the current context is, and a second run finds what the
//! first one left (the EKS cluster, Trino), as on a real cluster.

use std::path::Path;

use crate::support::bin::{
    require_kubectl, run_all_fast, take_port_8080, text, trinetes_in as trinetes,
};

/// A lessons folder with one lesson per `(id, order, front, body)`.
fn lessons(list: &[(&str, i32, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (id, order, front, body) in list {
        let text = format!(
            "---\nid: {id}\ntitle: {id}\nsummary: A lesson.\nminutes: 1\norder: {order}\n{front}---\n\n# {id}\n\n{body}"
        );
        std::fs::write(dir.path().join(format!("{id}.md")), text).expect("write lesson");
    }
    dir
}

fn step(id: &str, command: &str, extra: &str) -> String {
    format!(
        "```sh step id={id}\n{command}\n```\n\n```toml step-config\ntitle = \"{id}\"\ntimeout = \"60s\"\n{extra}```\n\n"
    )
}

const PRACTICE_NODES: &str = "[[check]]\nkind = \"nodes-ready\"\ncount = 2\ntimeout = \"30s\"\nhint = \"the practice cluster has two nodes\"\n";

fn world_kubeconfig(state: &Path) -> String {
    std::fs::read_to_string(state.join("trinetes/world/kubeconfig"))
        .expect("the world's kubeconfig")
}

#[test]
fn a_lesson_after_the_eks_cluster_is_deleted_talks_to_the_practice_cluster() {
    require_kubectl();
    let state = tempfile::tempdir().expect("temp dir");
    let mut eks = step(
        "create",
        "eksctl create cluster --name c1 --region us-east-1 --nodegroup-name ng --node-type t2.large --nodes 1",
        "",
    );
    eks.push_str(&step(
        "delete",
        "eksctl delete cluster --name c1 --region us-east-1",
        "",
    ));
    let concept = step("nodes", "kubectl get nodes", PRACTICE_NODES);
    let dir = lessons(&[
        ("make-eks", 1, "cluster: eks\n", &eks),
        ("concept", 2, "", &concept),
    ]);
    let out = run_all_fast(state.path(), dir.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("2 of 2 node(s) Ready"), "{all}");
    assert!(!all.contains("localhost:8080"), "{all}");
    // eksctl left no current context, as it does; the lesson did not need one.
    assert!(
        world_kubeconfig(state.path()).contains("current-context: ''"),
        "{}",
        world_kubeconfig(state.path())
    );
}

#[test]
fn a_second_run_finds_the_eks_cluster_and_trino_the_first_one_left() {
    require_kubectl();
    let _port = take_port_8080();
    let state = tempfile::tempdir().expect("temp dir");
    let first = trinetes(
        state.path(),
        &[
            "run",
            "--lesson",
            "helm-trino",
            "--pace",
            "fast",
            "--until",
            "get-deployments",
        ],
    );
    assert!(first.status.success(), "{}", text(&first));

    let check = step(
        "trino-still-runs",
        "kubectl get deployments",
        "[[check]]\nkind = \"deployment\"\nname = \"tcb-trino-coordinator\"\nready = 1\ntimeout = \"60s\"\nhint = \"Trino should still run\"\n\n[[check]]\nkind = \"deployment\"\nname = \"tcb-trino-worker\"\nready = 2\ntimeout = \"60s\"\nhint = \"Trino should still run\"\n",
    );
    let dir = lessons(&[("later", 1, "cluster: eks\n", &check)]);
    let second = run_all_fast(state.path(), dir.path());
    let all = text(&second);
    assert!(second.status.success(), "{all}");
    assert!(all.contains("tcb-trino-coordinator"), "{all}");

    // The concept lessons still run on the practice cluster meanwhile.
    let third = trinetes(
        state.path(),
        &["run", "--lesson", "replicasets", "--pace", "fast"],
    );
    assert!(third.status.success(), "{}", text(&third));
    assert!(
        world_kubeconfig(state.path())
            .contains("current-context: learner@tcb-cluster.us-east-1.eksctl.io"),
        "the lessons did not change the learner's current context"
    );
}

#[test]
fn reset_world_forgets_the_kept_world() {
    let state = tempfile::tempdir().expect("temp dir");
    let out = trinetes(state.path(), &["reset-world"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("There was no saved dry-run world"),
        "{}",
        text(&out)
    );

    let dir = lessons(&[(
        "make-eks",
        1,
        "cluster: eks\n",
        &step(
            "create",
            "eksctl create cluster --name c1 --region us-east-1 --nodegroup-name ng --node-type t2.large --nodes 1",
            "",
        ),
    )]);
    let lessons_dir = dir.path().to_str().expect("utf-8");
    let run = ["run", "--all", "--pace", "fast", "--lessons", lessons_dir];
    assert!(trinetes(state.path(), &run).status.success());
    let again = trinetes(state.path(), &run);
    assert!(
        text(&again).contains("already exists"),
        "the kept world still has c1: {}",
        text(&again)
    );

    let out = trinetes(state.path(), &["reset-world"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("The dry-run world was reset"),
        "{}",
        text(&out)
    );
    let fresh = trinetes(state.path(), &run);
    assert!(fresh.status.success(), "{}", text(&fresh));
}

#[test]
fn reset_world_is_refused_while_a_trinetes_runs_the_world() {
    let state = tempfile::tempdir().expect("temp dir");
    let world = state.path().join("trinetes/world");
    std::fs::create_dir_all(&world).expect("mkdir");
    std::fs::write(world.join("world.json"), "{}").expect("write");
    let held = trinetes::backend::setup::WorldLock::claim(&world)
        .expect("lock file")
        .expect("nobody holds it");
    let out = trinetes(state.path(), &["reset-world"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("process {}", std::process::id())),
        "{}",
        text(&out)
    );
    assert!(world.join("world.json").exists());
    drop(held);
    assert!(trinetes(state.path(), &["reset-world"]).status.success());
    assert!(!world.join("world.json").exists());
}

#[test]
fn a_world_that_cannot_be_restored_is_kept_aside_and_the_run_says_so() {
    let state = tempfile::tempdir().expect("temp dir");
    let world = state.path().join("trinetes/world");
    std::fs::create_dir_all(&world).expect("mkdir");
    std::fs::write(world.join("world.json"), "not json").expect("write");
    let dir = lessons(&[("concept", 1, "", &step("true", "true", ""))]);
    let out = run_all_fast(state.path(), dir.path());
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("warning: The saved dry-run world could not be restored"),
        "{all}"
    );
    assert_eq!(
        std::fs::read_to_string(world.join("world.json.bak")).expect("kept as .bak"),
        "not json"
    );
}

#[tokio::test]
async fn each_step_says_which_cluster_it_runs_against() {
    use std::sync::Arc;

    use trinetes::backend::dryrun::DryRunBackend;
    use trinetes::backend::{Backend, StepCluster};
    use trinetes::lesson::Step;
    use trinetes::sim::eksctl::Pace;
    use trinetes::sim::world::{World, WorldOptions};

    let dir = tempfile::tempdir().expect("temp dir");
    let world = World::start(WorldOptions::new(dir.path().to_path_buf(), Pace::Fast))
        .await
        .expect("world starts");
    let backend = DryRunBackend::new(Arc::new(world)).with_eks_cluster("c1");
    let on = |cluster: Option<&str>| Step {
        id: "s".into(),
        command: "true".into(),
        cluster: cluster.map(String::from),
        ..Step::default()
    };
    let practice = StepCluster {
        name: "kind-trinetes".into(),
        running: true,
        ..StepCluster::default()
    };
    assert_eq!(backend.step_cluster(&on(None)), Some(practice.clone()));
    assert_eq!(
        backend.step_cluster(&on(Some("practice"))),
        Some(practice.clone())
    );
    assert_eq!(
        backend.step_cluster(&on(Some("eks"))),
        Some(StepCluster {
            name: "c1".into(),
            running: false,
            ..StepCluster::default()
        })
    );
    let (tx, _rx) = tokio::sync::mpsc::channel(4096);
    let create = "eksctl create cluster --name c1 --region us-east-1 --nodegroup-name ng --node-type t2.large --nodes 1";
    assert_eq!(backend.world().eksctl(create, &tx).await, 0);
    assert_eq!(
        backend.step_cluster(&on(Some("eks"))),
        Some(StepCluster {
            name: "learner@c1.us-east-1.eksctl.io".into(),
            running: true,
            ..StepCluster::default()
        })
    );
    // The practice lessons stay on the practice cluster, though eksctl made
    // the new cluster current.
    assert_eq!(backend.step_cluster(&on(None)), Some(practice));
    let ctx = backend.step_check_context(&on(None));
    let nodes: kube::Api<k8s_openapi::api::core::v1::Node> =
        kube::Api::all(ctx.kube.expect("a client for the practice cluster"));
    let list = nodes.list(&Default::default()).await.expect("list nodes");
    assert_eq!(
        list.items.len(),
        2,
        "the practice cluster has two nodes, c1 one"
    );
    drop(tx);
    Arc::into_inner(backend.into_world())
        .expect("one owner")
        .shutdown()
        .await;
}

#[test]
fn each_profile_keeps_a_world_of_its_own_and_reset_world_forgets_both() {
    require_kubectl();
    let state = tempfile::tempdir().expect("temp dir");
    let dir = lessons(&[(
        "nodes",
        1,
        "",
        &step("get-nodes", "kubectl get nodes", PRACTICE_NODES),
    )]);
    let folder = dir.path().to_str().expect("utf-8");
    for profile in ["current", "episode-2021"] {
        let out = trinetes(
            state.path(),
            &[
                "--profile",
                profile,
                "run",
                "--all",
                "--pace",
                "fast",
                "--lessons",
                folder,
            ],
        );
        assert!(out.status.success(), "{profile}:\n{}", text(&out));
    }
    let kept = |name: &str| state.path().join("trinetes").join(name).join("world.json");
    assert!(kept("world").exists(), "the current profile's world");
    assert!(
        kept("world.episode-2021").exists(),
        "episode-2021's own world"
    );
    // Two worlds, two clusters: each kubeconfig names its own API server.
    let current = std::fs::read_to_string(state.path().join("trinetes/world/kubeconfig")).unwrap();
    let episode =
        std::fs::read_to_string(state.path().join("trinetes/world.episode-2021/kubeconfig"))
            .unwrap();
    assert_ne!(current, episode);

    let out = trinetes(state.path(), &["reset-world"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!kept("world").exists() && !kept("world.episode-2021").exists());
}

/// A step that fails on what an earlier run left in the kept world (here a
/// namespace that already exists) fails on every run: the run then names
/// `trinetes reset-world`, which lets the next run pass. A run on a new
/// world says nothing of it.
#[test]
fn a_run_failing_on_a_kept_world_names_reset_world() {
    require_kubectl();
    let state = tempfile::tempdir().expect("temp dir");
    let make = step("make", "kubectl create namespace leftover", "");
    let dir = lessons(&[("makes-a-namespace", 1, "", &make)]);
    let first = run_all_fast(state.path(), dir.path());
    assert!(first.status.success(), "{}", text(&first));
    assert!(!text(&first).contains("reset-world"), "{}", text(&first));

    let again = run_all_fast(state.path(), dir.path());
    let said = text(&again);
    assert!(!again.status.success(), "{said}");
    assert!(said.contains("AlreadyExists"), "{said}");
    assert!(
        said.contains("`trinetes reset-world` starts the world over"),
        "{said}"
    );

    assert!(trinetes(state.path(), &["reset-world"]).status.success());
    let fresh = run_all_fast(state.path(), dir.path());
    assert!(fresh.status.success(), "{}", text(&fresh));
}

/// With kubectl missing from PATH, a step whose script runs it fails with
/// the shell's `kubectl: not found`, and the failure points at installing
/// it and at `trinetes doctor`.
#[test]
fn a_missing_kubectl_in_a_script_step_points_at_installing_it() {
    let state = tempfile::tempdir().expect("temp dir");
    let bin = tempfile::tempdir().expect("temp dir");
    // A PATH with a shell and nothing else.
    std::os::unix::fs::symlink("/bin/sh", bin.path().join("sh")).expect("link sh");
    let script = step("nodes", "kubectl get nodes && echo listed", "");
    let dir = lessons(&[("needs-kubectl", 1, "", &script)]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["run", "--all", "--pace", "fast", "--lessons"])
        .arg(dir.path())
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .env("PATH", bin.path())
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs");
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("kubectl: not found"), "{said}");
    assert!(
        said.contains("`kubectl` is not installed, or not on PATH")
            && said.contains("trinetes doctor"),
        "{said}"
    );
}

/// A step's command of several lines (a here-document) is printed with its
/// lines indented under the first, so the body does not look like output.
#[test]
fn a_here_document_is_printed_indented_under_its_command() {
    let state = tempfile::tempdir().expect("temp dir");
    let heredoc = step(
        "write",
        "cat > note.txt <<EOF\nkind: Note\nEOF\ncat note.txt",
        "",
    );
    let dir = lessons(&[("writes-a-file", 1, "", &heredoc)]);
    let out = run_all_fast(state.path(), dir.path());
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("  $ cat > note.txt <<EOF\n    kind: Note\n    EOF\n    cat note.txt"),
        "{said}"
    );
}
