//! Running the real `trinetes` binary from tests: a child whose stdout is
//! read line by line, signals, bounded waits, and what a run leaves behind.
//! Each test file uses the part it needs.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

/// stdout and stderr of a finished command, together.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The world folders (`world-*`) under the state dir: a run leaves none.
pub fn leftover_worlds(state: &Path) -> Vec<String> {
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

/// `aws eks ARGS --output json` against a simulated EKS endpoint, with test
/// credentials and no user configuration. Fails the test, saying what to
/// install, when the aws CLI is missing.
pub fn aws_eks(endpoint: &str, config_dir: &Path, args: &[&str]) -> Output {
    let empty = config_dir.join("empty-aws-config");
    std::fs::write(&empty, "").expect("write an empty AWS config file");
    let found = Command::new("aws").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the aws CLI is missing: install awscli (pip install awscli)"
    );
    Command::new("aws")
        .arg("eks")
        .args(args)
        .args(["--output", "json", "--region", "us-east-1"])
        .env("AWS_ENDPOINT_URL_EKS", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", "")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null())
        .output()
        .expect("the aws CLI runs")
}

/// The binary running in the background; killed when dropped.
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    /// Every stdout line read so far.
    pub seen: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Running {
    /// Start `trinetes ARGS` with its own state dir, no KUBECONFIG, no colour
    /// and no stdin; stderr goes to `state/stderr.txt`.
    pub fn start(state: &Path, args: &[&str]) -> Running {
        std::fs::create_dir_all(state).expect("state dir");
        let stderr = std::fs::File::create(state.join("stderr.txt")).expect("stderr file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_trinetes"))
            .args(args)
            .env("XDG_STATE_HOME", state)
            .env("NO_COLOR", "1")
            .env_remove("KUBECONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
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

    /// Everything read so far, one line each.
    pub fn output(&self) -> String {
        self.seen.join("\n")
    }

    /// Read until a line satisfies `found`, for at most `secs` seconds, and
    /// return that line. Panics with everything printed so far otherwise.
    pub fn wait_line(&mut self, what: &str, secs: u64, found: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            match self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                Ok(line) => {
                    let hit = found(&line);
                    self.seen.push(line.clone());
                    if hit {
                        return line;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        panic!(
            "no line with {what} within {secs} s (or the program ended); printed so far:\n{}",
            self.output()
        );
    }

    /// Read until a line contains `text`; at most `secs` seconds.
    pub fn wait_for(&mut self, text: &str, secs: u64) -> String {
        self.wait_line(&format!("{text:?}"), secs, |l| l.contains(text))
    }

    pub fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("a pid fits in pid_t");
        // SAFETY: kill(2) on the pid of a child this test owns and has not reaped.
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "the signal could not be sent");
    }

    /// Wait for the exit (at most `secs` seconds) and collect the rest of
    /// the output.
    pub fn finish(&mut self, secs: u64) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                // The reader thread ends at EOF; give it a moment to hand over.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
                    self.seen.push(line);
                }
                return (status.code(), self.output());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "trinetes did not exit within {secs} s; printed:\n{}",
            self.output()
        );
    }
}

/// The EKS demo forwards 127.0.0.1:8080 and its checks ask that port, and one
/// test holds the port itself: the tests that use it take turns, since the
/// tests in one binary run in parallel.
static PORT_8080: Mutex<()> = Mutex::new(());

/// Waits for this test's turn at 127.0.0.1:8080; the turn ends on drop.
pub fn take_port_8080() -> MutexGuard<'static, ()> {
    PORT_8080.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `trinetes ARGS` to the end with its own state directory, no colour
/// and no KUBECONFIG of the machine's user.
pub fn trinetes_in(state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(args)
        .env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs")
}

/// `trinetes run --all --pace fast --lessons DIR` with its own state.
pub fn run_all_fast(state: &Path, lessons: &Path) -> Output {
    let dir = lessons.to_str().expect("a UTF-8 lessons path");
    trinetes_in(state, &["run", "--all", "--pace", "fast", "--lessons", dir])
}

/// Fails the test, saying what to install, when the machine has no kubectl:
/// the dry-run steps run the real one.
pub fn require_kubectl() {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "kubectl is missing: install kubectl 1.32 (the dry-run steps run the real kubectl)"
    );
}
