//! A step cancelled midway through `trinetes run`: Ctrl-C (SIGINT) or SIGTERM
//! stops the running step, the run reports it as cancelled and exits 130, and
//! nothing is left behind: no child processes, no world folder.

use std::path::Path;
use std::time::Duration;

use crate::support::bin::{Running, leftover_worlds};

fn report_outcome(report: &Path, step: &str) -> String {
    let text = std::fs::read_to_string(report).expect("the report is written after a cancel");
    let json: serde_json::Value = serde_json::from_str(&text).expect("the report is JSON");
    json["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .flat_map(|l| l["steps"].as_array().expect("steps").iter())
        .find(|s| s["id"] == step)
        .unwrap_or_else(|| panic!("step {step} is not in the report: {text}"))["outcome"]
        .as_str()
        .expect("outcome is a string")
        .to_string()
}

/// Processes whose command line starts with `marker` (the step's shell, whose
/// command line merely contains it, does not count).
fn processes_with(marker: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .expect("/proc is readable")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|raw| String::from_utf8_lossy(&raw).replace('\0', " "))
        .filter(|cmd| cmd.starts_with(marker))
        .collect()
}

#[test]
fn ctrl_c_during_eksctl_create_cancels_the_step_and_stops_the_world() {
    let state = tempfile::tempdir().expect("temp dir");
    let report = state.path().join("report.json");
    // A realistic pace keeps eksctl busy for a minute: long enough to be
    // interrupted midway.
    let mut run = Running::start(
        state.path(),
        &[
            "run",
            "--lesson",
            "eks",
            "--pace",
            "realistic",
            "--pace-total",
            "60s",
            "--report",
            report.to_str().expect("utf-8 path"),
        ],
    );
    run.wait_for("building cluster stack", 60);
    run.signal(libc::SIGINT);
    let (code, all) = run.finish(30);
    assert_eq!(code, Some(130), "{all}");
    assert!(
        all.contains("create-cluster") && all.contains("cancelled"),
        "{all}"
    );
    assert!(
        !all.contains("EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready"),
        "eksctl finished although it was cancelled:\n{all}"
    );
    assert!(
        !all.contains("get-nodes"),
        "the run went on after the cancel:\n{all}"
    );
    assert_eq!(report_outcome(&report, "create-cluster"), "cancelled");
    assert!(
        all.contains("(stopped:"),
        "the summary says it was stopped: {all}"
    );
    // Stopped is not failed: progress.toml does not mark the step failed.
    let progress =
        std::fs::read_to_string(state.path().join("trinetes/progress.toml")).unwrap_or_default();
    assert!(
        !progress.contains("create-cluster = \"failed\""),
        "{progress}"
    );
    assert_eq!(leftover_worlds(state.path()), Vec::<String>::new());
}

#[test]
fn sigterm_during_a_shell_step_kills_the_step_and_its_children() {
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = tempfile::tempdir().expect("temp dir");
    // Unique sleep lengths mark this test's processes in /proc.
    let a = format!("{}1", std::process::id());
    let b = format!("{}2", std::process::id());
    let lesson = format!(
        "---\nid: cancel\ntitle: Cancel\nsummary: A step that runs until stopped.\nminutes: 1\norder: 1\n---\n\n# Cancel\n\n\
```sh step id=long\necho started; sleep {a} & sleep {b}; echo not-reached\n```\n\n\
```toml step-config\ntitle = \"Run for a long time\"\ntimeout = \"10m\"\n```\n\n\
```sh step id=after\necho after\n```\n\n\
```toml step-config\ntitle = \"Never reached\"\ntimeout = \"10s\"\n```\n"
    );
    std::fs::write(lessons.path().join("cancel.md"), lesson).expect("write lesson");
    let report = state.path().join("report.json");
    let mut run = Running::start(
        state.path(),
        &[
            "run",
            "--all",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
            "--report",
            report.to_str().expect("utf-8 path"),
        ],
    );
    run.wait_for("started", 60);
    // `echo started` comes a moment before the shell starts the sleeps.
    let mut before = Vec::new();
    for _ in 0..100 {
        before = processes_with(&format!("sleep {a}"));
        before.extend(processes_with(&format!("sleep {b}")));
        if before.len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        before.len(),
        2,
        "both sleeps run before the signal: {before:?}"
    );
    run.signal(libc::SIGTERM);
    let (code, all) = run.finish(30);
    assert_eq!(code, Some(130), "{all}");
    assert!(
        !all.lines().any(|l| l.trim() == "│ not-reached"),
        "the step went on after the cancel:\n{all}"
    );
    assert!(
        all.contains("long cancelled after"),
        "the step is not reported as cancelled:\n{all}"
    );
    assert!(
        !all.contains("▶ after"),
        "the run went on to the next step:\n{all}"
    );
    assert_eq!(report_outcome(&report, "long"), "cancelled");
    let mut left = Vec::new();
    for _ in 0..50 {
        left = processes_with(&format!("sleep {a}"));
        left.extend(processes_with(&format!("sleep {b}")));
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(left.is_empty(), "left running after the cancel: {left:?}");
    assert_eq!(leftover_worlds(state.path()), Vec::<String>::new());
}
