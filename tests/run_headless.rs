//! `trinetes run` through the real binary, on the dry-run backend: the EKS
//! demo end to end with a report, `--until`, and failure paths with their
//! messages. Each run gets its own state folder.

use std::path::Path;
use std::process::{Command, Output};

fn trinetes(state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(args)
        .env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn require_kubectl() {
    let found = Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "kubectl is missing: install kubectl 1.32 (the dry-run steps run the real kubectl)"
    );
}

/// The world's folders live under the state dir while a run lasts.
fn leftover_worlds(state: &Path) -> Vec<String> {
    std::fs::read_dir(state.join("trinetes"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().to_string())
                .filter(|n| n.starts_with("world-"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_eks_demo_runs_headless_and_leaves_nothing_behind() {
    require_kubectl();
    let state = tempfile::tempdir().expect("temp dir");
    let report = state.path().join("report.json");
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--lesson",
            "eks-demo",
            "--pace",
            "fast",
            "--report",
            report.to_str().expect("utf-8 path"),
        ],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("8 passed, 0 failed, 0 skipped"), "{all}");
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

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
            .expect("JSON report");
    let steps = json["lessons"][0]["steps"].as_array().expect("steps");
    let ids: Vec<&str> = steps.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "create-cluster",
            "get-nodes",
            "helm-repo",
            "helm-install",
            "get-deployments",
            "port-forward",
            "helm-uninstall",
            "delete-cluster"
        ]
    );
    assert!(steps.iter().all(|s| s["outcome"] == "passed"), "{json:#}");
    assert!(
        leftover_worlds(state.path()).is_empty(),
        "the world folder outlived the run"
    );
    let progress = std::fs::read_to_string(state.path().join("trinetes/progress.toml"))
        .expect("progress saved");
    assert!(progress.contains("create-cluster"), "{progress}");

    a_taken_port_moves_the_forward_to_the_next_one();
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
            "eks-demo",
            "--pace",
            "fast",
            "--until",
            "get-nodes",
            "--report",
            report.to_str().expect("utf-8 path"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let xml = std::fs::read_to_string(&report).expect("report written");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert!(xml.contains("name=\"get-nodes\""), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
}

fn lessons_dir(body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let lesson = format!(
        "---\nid: failures\ntitle: Failure paths\nsummary: Steps that fail on purpose.\nminutes: 1\norder: 1\n---\n\n# Failures\n\n{body}"
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
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
        ],
    );
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
    let lessons = lessons_dir(&body);
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
        ],
    );
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
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains("timed out after 2s; last seen: 2 of 2 node(s) Ready (want 9)"),
        "{all}"
    );
    assert!(all.contains("hint: nine nodes never come"), "{all}");
}

/// Called from the demo test, not a test of its own: both want 127.0.0.1:8080,
/// and tests in one binary run in parallel.
fn a_taken_port_moves_the_forward_to_the_next_one() {
    let Ok(holder) = std::net::TcpListener::bind("127.0.0.1:8080") else {
        panic!(
            "127.0.0.1:8080 is already taken by another program; this test needs to take it itself"
        );
    };
    let state = tempfile::tempdir().expect("temp dir");
    let mut body = step("web", "kubectl create deployment web --image=nginx", "");
    body.push_str(&step(
        "ready",
        "true",
        "\n[[check]]\nkind = \"pods\"\nselector = \"app=web\"\ncount = 1\nphase = \"Running\"\ntimeout = \"30s\"\nhint = \"the web pod should start\"\n",
    ));
    body.push_str(&step(
        "forward",
        "kubectl port-forward deployment/web 8080:80",
        "",
    ));
    let lessons = lessons_dir(&body);
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
        ],
    );
    drop(holder);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("(127.0.0.1:8080 was already in use)"), "{all}");
}
