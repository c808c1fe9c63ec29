//! Step execution on the live backend, with stub tools on PATH instead of real AWS.

use std::path::Path;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use trinetes::backend::live::ShellBackend;
use trinetes::check::CheckContext;
use trinetes::execute::{self, ExecutionEvent, StepOutcome};
use trinetes::lesson::checks;
use trinetes::lesson::{BackendKind, Check, CheckKind, Span, Step};

fn step(id: &str, command: &str, timeout: Duration) -> Step {
    Step {
        id: id.to_string(),
        title: format!("step {id}"),
        command: command.to_string(),
        timeout,
        ..Step::default()
    }
}

async fn run(
    backend: &ShellBackend,
    step: &Step,
    cancel: &CancellationToken,
) -> (StepOutcome, Vec<ExecutionEvent>) {
    let (tx, mut rx) = mpsc::channel(1024);
    let outcome = execute::execute_step(backend, step, &tx, cancel).await;
    drop(tx);
    let mut events = Vec::new();
    while let Some(e) = rx.recv().await {
        events.push(e);
    }
    (outcome, events)
}

fn output_lines(events: &[ExecutionEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::Output { line, .. } => Some(line.clone()),
            _ => None,
        })
        .collect()
}

fn process_alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.contains(") Z "))
            .unwrap_or(false)
}

fn read_pid(path: &Path) -> i32 {
    for _ in 0..100 {
        if let Some(pid) = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.trim().parse().ok())
        {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the step never wrote its pid file {}", path.display());
}

#[tokio::test]
async fn output_streams_in_order_and_both_streams_are_merged() {
    let backend = ShellBackend::live(CheckContext::default());
    let s = step(
        "echo",
        "echo one; echo two >&2; printf 'three'",
        Duration::from_secs(10),
    );
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert_eq!(outcome, StepOutcome::Passed);
    assert_eq!(output_lines(&events), ["one", "two", "three"]);
    assert!(
        matches!(events.first(), Some(ExecutionEvent::StepStarted { step, .. }) if step == "echo")
    );
    assert!(matches!(
        events.last(),
        Some(ExecutionEvent::StepFinished {
            outcome: StepOutcome::Passed,
            ..
        })
    ));
}

#[tokio::test]
async fn a_failing_command_reports_its_exit_code() {
    let backend = ShellBackend::live(CheckContext::default());
    let s = step(
        "fail",
        "echo 'Error: boom'; exit 3",
        Duration::from_secs(10),
    );
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert_eq!(
        outcome,
        StepOutcome::Failed {
            reason: "the command exited with code 3".to_string()
        }
    );
    assert_eq!(output_lines(&events), ["Error: boom"]);
}

#[tokio::test]
async fn stub_tools_on_path_stand_in_for_real_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let stub = dir.path().join("eksctl");
    std::fs::write(&stub, "#!/bin/sh\necho \"stub eksctl called with: $*\"\n").expect("write stub");
    std::fs::set_permissions(&stub, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let backend = ShellBackend::live(CheckContext::default()).with_env("PATH", path);
    let s = step(
        "create",
        "eksctl get cluster --region us-east-1",
        Duration::from_secs(10),
    );
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert_eq!(outcome, StepOutcome::Passed);
    assert_eq!(
        output_lines(&events),
        ["stub eksctl called with: get cluster --region us-east-1"]
    );
}

#[tokio::test]
async fn a_timeout_ends_the_whole_process_group() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pid_file = dir.path().join("child.pid");
    let backend = ShellBackend::live(CheckContext::default());
    let command = format!(
        "sleep 30 & echo $! > {}; echo started; wait",
        pid_file.display()
    );
    let s = step("slow", &command, Duration::from_millis(700));
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert_eq!(outcome, StepOutcome::TimedOut);
    assert_eq!(output_lines(&events), ["started"]);
    let child = read_pid(&pid_file);
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        !process_alive(child)
    });
    assert!(
        gone,
        "the background child {child} outlived the timed-out step"
    );
}

#[tokio::test]
async fn cancelling_midway_stops_the_step_and_its_children() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pid_file = dir.path().join("child.pid");
    let backend = ShellBackend::live(CheckContext::default());
    let command = format!(
        "sleep 30 & echo $! > {}; echo waiting; wait",
        pid_file.display()
    );
    let s = step("cancel-me", &command, Duration::from_secs(60));
    let cancel = CancellationToken::new();
    let canceller = {
        let cancel = cancel.clone();
        let pid_file = pid_file.clone();
        tokio::spawn(async move {
            tokio::task::spawn_blocking(move || read_pid(&pid_file))
                .await
                .expect("join");
            cancel.cancel();
        })
    };
    let (outcome, _events) = run(&backend, &s, &cancel).await;
    canceller.await.expect("canceller");
    assert_eq!(outcome, StepOutcome::Cancelled);
    let child = read_pid(&pid_file);
    let gone = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        !process_alive(child)
    });
    assert!(
        gone,
        "the background child {child} outlived the cancelled step"
    );
}

#[tokio::test]
async fn a_step_for_another_backend_is_skipped_with_its_reason() {
    let backend = ShellBackend::live(CheckContext::default());
    let mut s = step("practice", "kubectl get pods", Duration::from_secs(5));
    s.backends = vec![BackendKind::DryRun];
    s.skip_reason = Some("the practice cluster exists only in dry-run".to_string());
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert_eq!(
        outcome,
        StepOutcome::Skipped {
            reason: "the practice cluster exists only in dry-run".to_string()
        }
    );
    assert!(
        output_lines(&events).is_empty(),
        "a skipped step must not run"
    );
}

#[tokio::test]
async fn a_step_for_another_profile_is_skipped_with_its_reason() {
    let backend = ShellBackend::live(CheckContext::default());
    let mut s = step("pin", "echo should-not-run", Duration::from_secs(5));
    s.profiles = vec!["episode-2021".to_string()];
    s.skip_reason = Some("this chart starts cleanly".to_string());
    s.skipped_on_profile = Some("current".to_string());
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    let reason = "not on profile current (only episode-2021): this chart starts cleanly";
    assert_eq!(
        outcome,
        StepOutcome::Skipped {
            reason: reason.to_string()
        }
    );
    assert!(events.contains(&ExecutionEvent::StepSkipped {
        step: "pin".to_string(),
        reason: reason.to_string()
    }));
    assert!(
        output_lines(&events).is_empty(),
        "a skipped step must not run"
    );

    // On the profile it names, the same step runs.
    s.skipped_on_profile = None;
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert_eq!(outcome, StepOutcome::Passed);
    assert_eq!(output_lines(&events), ["should-not-run"]);
}

#[tokio::test]
async fn a_failed_check_fails_the_step_with_its_hint() {
    let backend = ShellBackend::live(CheckContext::default());
    let mut s = step("checked", "true", Duration::from_secs(5));
    s.checks.push(Check {
        kind: CheckKind::NodesReady(checks::NodesReady { count: 2 }),
        timeout: Duration::from_millis(300),
        hint: "run the create-cluster step first".to_string(),
        span: Span::default(),
    });
    let (outcome, events) = run(&backend, &s, &CancellationToken::new()).await;
    assert!(matches!(outcome, StepOutcome::Failed { .. }), "{outcome:?}");
    let failed = events
        .iter()
        .find_map(|e| match e {
            ExecutionEvent::CheckFailed {
                hint, last_seen, ..
            } => Some((hint.clone(), last_seen.clone())),
            _ => None,
        })
        .expect("a CheckFailed event");
    assert_eq!(failed.0, "run the create-cluster step first");
    assert_eq!(
        failed.1,
        "no Kubernetes cluster is configured for this backend"
    );
}
