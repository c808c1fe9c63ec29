//! A step cancelled midway through `trinetes run`: Ctrl-C (SIGINT) or SIGTERM
//! stops the running step, the run reports it as cancelled and exits 130, and
//! nothing is left behind: no child processes, no world folder.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The binary with its stdout read line by line on a thread.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn start(state: &Path, args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trinetes"))
            .args(args)
            .env("XDG_STATE_HOME", state)
            .env("NO_COLOR", "1")
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the trinetes binary runs");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Read until a line contains `text`; at most `secs` seconds.
    fn wait_for(&mut self, text: &str, secs: u64) {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        while std::time::Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                let found = line.contains(text);
                self.seen.push(line);
                if found {
                    return;
                }
            }
        }
        panic!(
            "no line with {text:?} within {secs} s; printed so far:\n{}",
            self.seen.join("\n")
        );
    }

    fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill(2) on the pid of a child this test owns and has not reaped.
        let sent = unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        assert_eq!(sent, 0, "the signal could not be sent");
    }

    /// Wait for the exit (at most 30 s) and collect the rest of the output.
    fn finish(&mut self) -> (Option<i32>, String) {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                // The reader thread ends at EOF; give it a moment to hand over.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
                    self.seen.push(line);
                }
                return (status.code(), self.seen.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "trinetes did not exit within 30 s of the signal; printed:\n{}",
            self.seen.join("\n")
        );
    }
}

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
            "eks-demo",
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
    let (code, all) = run.finish();
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
    let (code, all) = run.finish();
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
