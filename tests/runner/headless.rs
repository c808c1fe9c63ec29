//! `trinetes run` through the real binary, on the dry-run backend: the EKS
//! lessons (EKS, Helm, Clean up) end to end on both profiles with a report,
//! `--until`, and failure paths with their messages. Each run gets its own
//! state folder.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::bin::{
    Running, aws_eks, leftover_worlds, require_kubectl, run_all_fast, take_port_8080, text,
    trinetes_in as trinetes,
};

/// The EKS lessons and their steps, in order; three of the Helm lesson's
/// run only on the `episode-2021` profile.
const DEMO: [(&str, &[&str]); 3] = [
    ("eks", &["create-cluster", "current-context", "get-nodes"]),
    (
        "helm-trino",
        &[
            "helm-repo",
            "helm-template",
            "helm-install",
            "see-crash-loop",
            "read-crash-log",
            "pin-image",
            "get-deployments",
            "get-pods",
            "port-forward",
        ],
    ),
    (
        "cleanup",
        &[
            "delete-services",
            "delete-deployments",
            "delete-configmaps",
            "helm-list",
            "helm-uninstall",
            "delete-cluster",
            "nothing-left",
            "use-practice",
        ],
    ),
];

/// `run` arguments naming the three EKS lessons.
const DEMO_LESSONS: [&str; 6] = [
    "--lesson",
    "eks",
    "--lesson",
    "helm-trino",
    "--lesson",
    "cleanup",
];

/// The lessons of a JSON report with their step ids.
fn lesson_steps(json: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    json["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .map(|l| {
            let steps = l["steps"].as_array().expect("steps");
            (
                l["id"].as_str().expect("id").to_string(),
                steps
                    .iter()
                    .map(|s| s["id"].as_str().expect("id").to_string())
                    .collect(),
            )
        })
        .collect()
}

fn demo_steps() -> Vec<(String, Vec<String>)> {
    DEMO.iter()
        .map(|(id, steps)| {
            (
                id.to_string(),
                steps.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect()
}
const EPISODE_ONLY: [&str; 3] = ["see-crash-loop", "read-crash-log", "pin-image"];

#[test]
fn the_eks_lessons_run_headless_and_leave_nothing_behind() {
    require_kubectl();
    let _port = take_port_8080();
    let state = tempfile::tempdir().expect("temp dir");
    let report = state.path().join("report.json");
    let mut args = vec!["run"];
    args.extend(DEMO_LESSONS);
    args.extend([
        "--pace",
        "fast",
        "--report",
        report.to_str().expect("utf-8 path"),
    ]);
    let out = trinetes(state.path(), &args);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("17 passed, 0 failed, 3 skipped"), "{all}");
    // Each lesson found what it needs made by the one before: no build-up.
    assert!(!all.contains("which is not there"), "{all}");
    assert!(
        all.contains("✔ current context learner@tcb-cluster.us-east-1.eksctl.io"),
        "{all}"
    );
    assert!(all.contains("2 of 2 node(s) Ready"), "{all}");
    assert!(
        all.contains("deployment tcb-trino-worker: 2/2 ready"),
        "{all}"
    );
    assert!(
        all.contains("coordinator is true") && all.contains("starting is false"),
        "{all}"
    );
    assert!(
        all.contains("EKS cluster tcb-cluster no longer exists"),
        "{all}"
    );
    // eksctl's fast waits print one line many times at the same second:
    // the log says it once and counts the rest.
    let lines: Vec<&str> = all.lines().collect();
    for pair in lines.windows(2) {
        assert_ne!(pair[0], pair[1], "a line printed twice in a row:\n{all}");
    }
    assert!(all.contains("│ … the line above"), "{all}");
    assert!(
        lines.iter().all(|l| !l.trim_start().starts_with('?')),
        "{all}"
    );
    assert!(all.contains("… checking: 2 nodes Ready"), "{all}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
            .expect("JSON report");
    assert_eq!(lesson_steps(&json), demo_steps());
    let steps: Vec<&serde_json::Value> = json["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .flat_map(|l| l["steps"].as_array().expect("steps"))
        .collect();
    for step in steps {
        let id = step["id"].as_str().expect("id");
        if EPISODE_ONLY.contains(&id) {
            assert_eq!(step["outcome"], "skipped", "{step:#}");
            let reason = step["reason"].as_str().expect("a skip reason");
            assert!(
                reason.starts_with("not on profile current (only episode-2021): "),
                "{reason}"
            );
            assert!(
                all.contains(&format!("○ {id} skipped: not on profile current")),
                "{all}"
            );
        } else {
            assert_eq!(step["outcome"], "passed", "{step:#}");
        }
    }
    assert!(
        leftover_worlds(state.path()).is_empty(),
        "the world folder outlived the run"
    );
    let progress = std::fs::read_to_string(state.path().join("trinetes/progress.toml"))
        .expect("progress saved");
    assert!(progress.contains("create-cluster"), "{progress}");
}

#[test]
fn until_stops_after_the_named_step_and_junit_reports_it() {
    require_kubectl();
    let state = tempfile::tempdir().expect("temp dir");
    let report = state.path().join("report.xml");
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--lesson",
            "eks",
            "--pace",
            "fast",
            "--until",
            "current-context",
            "--report",
            report.to_str().expect("utf-8 path"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let xml = std::fs::read_to_string(&report).expect("report written");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert!(xml.contains("name=\"current-context\""), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
}

fn lessons_dir(body: &str) -> tempfile::TempDir {
    lessons_dir_with("", body)
}

/// A lesson folder whose one lesson has `front` added to its front matter.
fn lessons_dir_with(front: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let lesson = format!(
        "---\nid: failures\ntitle: Failure paths\nsummary: Steps that fail on purpose.\nminutes: 1\norder: 1\n{front}---\n\n# Failures\n\n{body}"
    );
    std::fs::write(dir.path().join("failures.md"), lesson).expect("write lesson");
    dir
}

fn step(id: &str, command: &str, extra: &str) -> String {
    format!(
        "```sh step id={id}\n{command}\n```\n\n```toml step-config\ntitle = \"{id}\"\ntimeout = \"60s\"\n{extra}```\n\n"
    )
}

#[test]
fn an_unsupported_eks_version_fails_with_eksctls_message() {
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = lessons_dir(&step(
        "old-version",
        "eksctl create cluster --name tcb-cluster --version 1.21 --region us-east-1 --nodegroup-name ng --node-type t2.large --nodes 2",
        "",
    ));
    let out = run_all_fast(state.path(), lessons.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("invalid version, 1.21 is no longer supported"),
        "{all}"
    );
    assert!(all.contains("✘ old-version failed"), "{all}");
}

#[test]
fn helm_install_with_no_cluster_fails_like_helm() {
    let state = tempfile::tempdir().expect("temp dir");
    let mut body = step(
        "create",
        "eksctl create cluster --name c1 --region us-east-1 --nodegroup-name ng --node-type t2.large --nodes 1",
        "",
    );
    body.push_str(&step(
        "delete",
        "eksctl delete cluster --name c1 --region us-east-1",
        "",
    ));
    body.push_str(&step(
        "repo",
        "helm repo add trino https://trinodb.github.io/charts",
        "",
    ));
    body.push_str(&step(
        "install",
        "helm install tcb trino/trino --version 1.42.2",
        "",
    ));
    // The lesson talks to the EKS cluster it made, which is gone by the
    // install (the practice cluster is still there, but not its cluster).
    let lessons = lessons_dir_with("cluster: eks\n", &body);
    let out = run_all_fast(state.path(), lessons.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("Kubernetes cluster unreachable"), "{all}");
    assert!(all.contains("✘ install failed"), "{all}");
}

#[test]
fn a_check_that_times_out_shows_what_it_saw_and_the_hint() {
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = lessons_dir(&step(
        "wait-forever",
        "true",
        "\n[[check]]\nkind = \"nodes-ready\"\ncount = 9\ntimeout = \"2s\"\nhint = \"nine nodes never come\"\n",
    ));
    let out = run_all_fast(state.path(), lessons.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("timed out after 2s; last seen: 2 of 2 node(s) Ready (want 9)"),
        "{all}"
    );
    assert!(all.contains("hint: nine nodes never come"), "{all}");
    // Two nodes match: it is not clearly stuck, so no early hint.
    assert!(!all.contains("still waiting"), "{all}");
}

/// A `trinetes run --hold` in progress: the world stays up after the steps so
/// that a test can look at what is left in it.
struct HeldRun {
    run: Running,
    /// Everything it printed up to and including its `export` lines.
    output: String,
    kubeconfig: String,
    eks_endpoint: String,
}

impl HeldRun {
    fn start(state: &Path, args: &[&str]) -> HeldRun {
        let mut args = args.to_vec();
        args.push("--hold");
        let mut run = Running::start(state, &args);
        let kubeconfig = run
            .wait_for("export KUBECONFIG=", 600)
            .trim_start_matches("export KUBECONFIG=")
            .to_string();
        let eks_endpoint = run
            .wait_for("export AWS_ENDPOINT_URL_EKS=", 60)
            .trim_start_matches("export AWS_ENDPOINT_URL_EKS=")
            .to_string();
        HeldRun {
            output: run.output(),
            run,
            kubeconfig,
            eks_endpoint,
        }
    }

    /// SIGTERM, as a user's Ctrl-C would; it must end by itself within a bound.
    /// (A test that fails before this kills the run when it drops it.)
    fn stop(mut self) {
        self.run.signal(libc::SIGTERM);
        let (code, all) = self.run.finish(60);
        assert_eq!(code, Some(130), "{all}");
    }
}

fn kubectl(kubeconfig: &str, cache: &Path, args: &[&str]) -> Output {
    Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("KUBECACHEDIR", cache)
        .output()
        .expect("kubectl runs")
}

#[test]
fn the_eks_lessons_on_the_episode_profile_show_the_crash_loop_fix_it_and_leave_nothing() {
    require_kubectl();
    let _port = take_port_8080();
    let state = tempfile::tempdir().expect("temp dir");
    let report = state.path().join("report.json");
    let mut args = vec!["--profile", "episode-2021", "run"];
    args.extend(DEMO_LESSONS);
    args.extend([
        "--pace",
        "fast",
        "--report",
        report.to_str().expect("utf-8 path"),
    ]);
    let held = HeldRun::start(state.path(), &args);
    let all = held.output.clone();
    assert!(all.contains("20 passed, 0 failed, 0 skipped"), "{all}");
    // Fast to get here; what the learner does by hand ages in real time.
    assert!(
        all.contains("the world's clock now runs at real time"),
        "{all}"
    );
    assert!(
        all.contains("$ helm install tcb trino/trino --version 0.3.0 --set image.tag=latest"),
        "{all}"
    );
    assert!(all.contains("2 of 2 node(s) Ready"), "{all}");
    // The crash loop is seen, and its cause is in the log.
    assert!(
        all.contains("$ kubectl get pods -l app=trino,release=tcb,component=coordinator"),
        "{all}"
    );
    assert!(all.contains("status: CrashLoopBackOff with "), "{all}");
    assert!(
        all.contains("Unrecognized VM option 'UseBiasedLocking'"),
        "{all}"
    );
    // The fix, then 1/1 and 2/2 and a coordinator that has finished starting.
    assert!(
        all.contains("$ helm upgrade tcb trino/trino --version 0.3.0 --set image.tag=355"),
        "{all}"
    );
    assert!(all.contains("REVISION: 2"), "{all}");
    assert!(
        all.contains("deployment tcb-trino-coordinator: 1/1 ready, 1 up-to-date, 1 available"),
        "{all}"
    );
    assert!(
        all.contains("deployment tcb-trino-worker: 2/2 ready, 2 up-to-date, 2 available"),
        "{all}"
    );
    assert!(
        all.contains("coordinator is true") && all.contains("starting is false"),
        "{all}"
    );
    assert!(
        all.contains("no deployment/tcb-trino-coordinator left"),
        "{all}"
    );
    assert!(
        all.contains("EKS cluster tcb-cluster no longer exists"),
        "{all}"
    );

    // Nothing is left in the world: no EKS cluster, no nodegroup, no context
    // for the cluster, and none of the demo nodegroup's nodes in any cluster
    // that is left (the practice cluster keeps its own nodes).
    let cache = state.path().join("kube-cache");
    let clusters = aws_eks(&held.eks_endpoint, state.path(), &["list-clusters"]);
    assert!(
        clusters.status.success(),
        "{}",
        String::from_utf8_lossy(&clusters.stderr)
    );
    let listed: serde_json::Value =
        serde_json::from_slice(&clusters.stdout).expect("list-clusters answers JSON");
    assert_eq!(listed["clusters"], serde_json::json!([]), "{listed:#}");
    let nodegroups = aws_eks(
        &held.eks_endpoint,
        state.path(),
        &["list-nodegroups", "--cluster-name", "tcb-cluster"],
    );
    assert!(!nodegroups.status.success());
    assert!(
        String::from_utf8_lossy(&nodegroups.stderr).contains("ResourceNotFoundException"),
        "{}",
        String::from_utf8_lossy(&nodegroups.stderr)
    );
    let contexts = kubectl(
        &held.kubeconfig,
        &cache,
        &["config", "get-contexts", "-o", "name"],
    );
    assert!(contexts.status.success());
    let contexts = String::from_utf8_lossy(&contexts.stdout).to_string();
    assert!(!contexts.contains("tcb-cluster"), "{contexts}");
    for context in contexts.lines().filter(|c| !c.is_empty()) {
        let nodes = kubectl(
            &held.kubeconfig,
            &cache,
            &[
                "--context",
                context,
                "get",
                "nodes",
                "-l",
                "eks.amazonaws.com/nodegroup=k8s-tcb-cluster",
                "-o",
                "name",
            ],
        );
        assert!(
            nodes.status.success(),
            "{}",
            String::from_utf8_lossy(&nodes.stderr)
        );
        let nodes = String::from_utf8_lossy(&nodes.stdout);
        assert!(
            nodes.trim().is_empty(),
            "a node of the demo's nodegroup outlived its cluster in {context}: {nodes}"
        );
    }
    held.stop();

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
            .expect("JSON report");
    assert_eq!(json["profile"], "episode-2021");
    assert_eq!(lesson_steps(&json), demo_steps());
    let steps: Vec<&serde_json::Value> = json["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .flat_map(|l| l["steps"].as_array().expect("steps"))
        .collect();
    assert!(steps.iter().all(|s| s["outcome"] == "passed"), "{json:#}");
    let crash = steps
        .iter()
        .find(|s| s["id"] == "see-crash-loop")
        .expect("the crash-loop step");
    assert_eq!(crash["checks"][0]["passed"], true, "{crash:#}");
    assert!(
        leftover_worlds(state.path()).is_empty(),
        "the world folder outlived the run"
    );
}

#[test]
fn on_fast_pace_a_check_that_never_passes_fails_in_seconds_with_its_hints() {
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = lessons_dir(&step(
        "wait-forever",
        "true",
        "hints = [\"first: look at the labels\", \"second: list the pods\"]\n\n[[check]]\nkind = \"pods\"\nselector = \"app=nobody\"\ncount = 1\nphase = \"Running\"\ntimeout = \"5m\"\nhint = \"no pod has the label app=nobody\"\n",
    ));
    // Five simulated minutes at the fast pace's 40x are 7.5 s of wall time.
    // On the wall clock the check would wait five minutes: the run is
    // bounded well below that (coreutils' timeout, exit 124), so a check
    // that ignored the simulated clock fails here instead of passing slowly.
    let out = Command::new("timeout")
        .arg("90")
        .arg(env!("CARGO_BIN_EXE_trinetes"))
        .args([
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
        ])
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("timeout and trinetes run");
    let all = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit 124 means the check waited on the wall clock:\n{all}"
    );
    assert!(all.contains("timed out after 5m"), "{all}");
    // Nothing matches and nothing changes, so the check's hint shows while
    // it still waits.
    let stalled = all
        .find("still waiting, nothing changes: 0 pod(s) match \"app=nobody\"")
        .unwrap_or_else(|| panic!("no stall line:\n{all}"));
    let failed = all
        .find("✘ wait-forever failed")
        .unwrap_or_else(|| panic!("no failure line:\n{all}"));
    assert!(stalled < failed, "{all}");
    // The step's own hints come under the failure, in order.
    let first = all
        .find("hint: first: look at the labels")
        .expect("first hint");
    let second = all
        .find("hint: second: list the pods")
        .expect("second hint");
    assert!(failed < first && first < second, "{all}");
    assert!(!all.contains("? checking"), "{all}");
}

/// The built-in lessons in their order, with how many of their steps run on
/// each profile: (id, steps on `current`, steps on `episode-2021`).
const LESSONS: [(&str, usize, usize); 12] = [
    ("welcome", 1, 1),
    ("news", 0, 0),
    ("replicasets", 6, 6),
    ("labels-selectors", 12, 12),
    ("deployments", 9, 9),
    ("configmaps", 14, 14),
    ("networking", 12, 12),
    ("eks", 3, 3),
    ("helm-trino", 6, 9),
    ("cleanup", 8, 8),
    ("pr-of-the-month", 0, 0),
    ("question-of-the-month", 0, 0),
];

#[test]
fn every_lesson_runs_headless_on_both_profiles_in_order() {
    require_kubectl();
    let _port = take_port_8080();
    for (profile, column) in [("current", 1), ("episode-2021", 2)] {
        let state = tempfile::tempdir().expect("temp dir");
        let report = state.path().join("report.json");
        let out = trinetes(
            state.path(),
            &[
                "--profile",
                profile,
                "run",
                "--all",
                "--pace",
                "fast",
                "--report",
                report.to_str().expect("utf-8 path"),
            ],
        );
        let all = text(&out);
        assert!(out.status.success(), "{profile}:\n{all}");
        let ran: usize = LESSONS
            .iter()
            .map(|l| if column == 1 { l.1 } else { l.2 })
            .sum();
        let skipped = if column == 1 { 3 } else { 0 };
        assert!(
            all.contains(&format!("{ran} passed, 0 failed, {skipped} skipped")),
            "{profile}:\n{all}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
                .expect("JSON report");
        let ids: Vec<&str> = json["lessons"]
            .as_array()
            .expect("lessons")
            .iter()
            .filter_map(|l| l["id"].as_str())
            .collect();
        let expected: Vec<&str> = LESSONS.iter().map(|l| l.0).collect();
        assert_eq!(ids, expected, "{profile}: the lessons run in their order");
        assert!(
            leftover_worlds(state.path()).is_empty(),
            "{profile}: the world folder outlived the run"
        );
    }
}

#[test]
fn the_new_lessons_run_alone_on_both_profiles() {
    require_kubectl();
    for profile in ["current", "episode-2021"] {
        for lesson in [
            "welcome",
            "news",
            "deployments",
            "networking",
            "pr-of-the-month",
            "question-of-the-month",
        ] {
            let state = tempfile::tempdir().expect("temp dir");
            let out = trinetes(
                state.path(),
                &[
                    "--profile",
                    profile,
                    "run",
                    "--lesson",
                    lesson,
                    "--pace",
                    "fast",
                ],
            );
            let all = text(&out);
            assert!(out.status.success(), "{profile} {lesson}:\n{all}");
            assert!(
                all.contains(", 0 failed, 0 skipped"),
                "{profile} {lesson}:\n{all}"
            );
            assert!(
                all.contains(&format!("== {lesson}: ")),
                "{profile} {lesson}:\n{all}"
            );
        }
    }
}
