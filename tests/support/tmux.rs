//! A private tmux server driving the real binary: keys in, screen out,
//! bounded waits. Killed when dropped, even when a test fails.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// How long a wait for the screen may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(30);

/// Fails the test, saying what to install, when tmux is missing.
pub fn require_tmux() {
    let found = Command::new("tmux").arg("-V").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "this test drives the real binary in tmux: install tmux (e.g. apt-get install tmux)"
    );
}

pub struct TmuxServer {
    socket: PathBuf,
}

impl TmuxServer {
    /// A session `e2e` of `width`×`height` running `sh`, with `env` set.
    pub fn start(socket: &Path, width: u16, height: u16, env: &[String]) -> Self {
        let server = TmuxServer {
            socket: socket.to_path_buf(),
        };
        let (width, height) = (width.to_string(), height.to_string());
        let mut args = vec![
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &width,
            "-y",
            &height,
        ];
        for var in env {
            args.extend(["-e", var.as_str()]);
        }
        args.push("sh");
        let out = server.tmux(&args);
        assert!(out.status.success(), "tmux new-session failed: {out:?}");
        server
    }

    pub fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    /// Types text literally (no key-name lookup).
    pub fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}: {out:?}");
    }

    pub fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "e2e"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with wrapped lines joined (long paths stay whole).
    pub fn screen_joined(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-J", "-t", "e2e"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pid of the one process the pane's shell is running.
    pub fn child_of_shell(&self) -> i32 {
        let out = self.tmux(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .expect("read the shell's children from /proc");
        let pids: Vec<i32> = children
            .split_whitespace()
            .map(|p| p.parse().expect("a pid"))
            .collect();
        assert_eq!(pids.len(), 1, "the shell runs exactly trinetes: {pids:?}");
        pids[0]
    }

    /// "1" while the program in the pane uses the alternate screen.
    pub fn alternate_on(&self) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Polls the screen until `pred` holds, for at most `WAIT`.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            sleep(Duration::from_millis(100));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}
