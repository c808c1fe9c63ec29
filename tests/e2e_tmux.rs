//! End to end: the real binary in a private tmux server. Opens a lesson,
//! scrolls, searches, opens the help, quits, and checks the terminal came back
//! (alternate screen off, shell prompt usable). Then starts again and checks
//! it resumes in the same lesson, and that Ctrl-C, SIGTERM and a panic also
//! restore the terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

const PROMPT: &str = "e2e$ ";
const WAIT: Duration = Duration::from_secs(20);

/// A tmux server on its own socket, killed when dropped (even on failure).
struct TmuxServer {
    socket: PathBuf,
}

impl TmuxServer {
    fn start(socket: &Path, state_dir: &Path) -> Self {
        let server = TmuxServer {
            socket: socket.to_path_buf(),
        };
        let out = server.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "100",
            "-y",
            "30",
            "-e",
            &format!("XDG_STATE_HOME={}", state_dir.display()),
            "-e",
            "TRINETES_LOG=debug",
            "-e",
            "RUST_BACKTRACE=0",
            "sh",
        ]);
        assert!(out.status.success(), "tmux new-session failed: {out:?}");
        server
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    /// Types text literally (no key-name lookup).
    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}: {out:?}");
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "e2e"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The pid of the one process the pane's shell is running.
    fn child_of_shell(&self) -> i32 {
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

    /// The screen with wrapped lines joined (long paths stay whole).
    fn screen_joined(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-J", "-t", "e2e"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn alternate_on(&self) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Polls the screen until `pred` holds, for at most `WAIT`.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn require_tmux() {
    let found = Command::new("tmux").arg("-V").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "this test drives the real binary in tmux: install tmux (e.g. apt-get install tmux)"
    );
}

fn status_line(screen: &str) -> String {
    screen
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_string()
}

/// The alternate screen is off and the shell answers. `round` makes the
/// expected output unique, so an earlier answer still on screen cannot match.
fn wait_for_shell(server: &TmuxServer, round: u32) {
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");
    server.type_text(&format!("echo back-$((1000+{round}))"));
    server.keys(&["Enter"]);
    server.wait_text(&format!("back-{}", 1000 + round));
}

#[test]
fn drive_the_real_binary_in_tmux() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let server = TmuxServer::start(&dir.path().join("tmux.sock"), &state);
    // Some shells ignore PS1 from the environment; set it in the shell.
    server.type_text(&format!("PS1='{PROMPT}'"));
    server.keys(&["Enter"]);
    server.wait_for("the shell prompt", |s| {
        s.lines().any(|l| l.trim_end().ends_with(PROMPT.trim_end()))
    });

    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(binary);
    server.keys(&["Enter"]);
    server.wait_text("ReplicaSets keep your pods alive");
    assert_eq!(
        server.alternate_on(),
        "1",
        "the TUI uses the alternate screen"
    );
    let list = server.wait_text("completed │ backend: dry-run │ profile: current");
    assert!(list.contains("○"), "lessons start not started:\n{list}");
    // On dry-run a notice points at `w`; x dismisses it and gives the lines back.
    assert!(list.contains("Press w"), "{list}");
    server.keys(&["x"]);
    server.wait_for("the notice to go", |s| !s.contains("Press w"));

    // Open the first lesson.
    server.keys(&["Enter"]);
    let reader = server.wait_text("replicasets │ step 0/");
    let top = reader.lines().nth(1).unwrap_or_default().to_string();

    // Scroll: the text moves and the percentage grows.
    server.keys(&["PageDown"]);
    let scrolled = server.wait_for("the text to scroll", |s| {
        s.lines().nth(1).unwrap_or_default() != top
    });
    assert_ne!(status_line(&scrolled), status_line(&reader), "{scrolled}");
    server.keys(&["j", "j", "k"]);

    // Steps: Tab selects the first step and shows its box.
    server.keys(&["Tab"]);
    let stepped = server.wait_text("│ step 1/");
    assert!(stepped.contains("╭─ step 1/"), "{stepped}");

    // Search, then jump to the next match.
    server.keys(&["/"]);
    server.wait_text("/█");
    server.type_text("kubectl");
    server.keys(&["Enter"]);
    let found = server.wait_text("match 1/");
    assert!(found.contains("\"kubectl\""), "{found}");
    server.keys(&["n"]);
    server.wait_text("match 2/");
    server.keys(&["Escape"]);
    server.wait_for("the search to clear", |s| !s.contains("match 2/"));

    // Help, then close it.
    server.keys(&["?"]);
    let help = server.wait_text("search in this lesson");
    assert!(help.contains("Keys"), "{help}");
    server.keys(&["?"]);
    server.wait_for("help to close", |s| !s.contains("search in this lesson"));

    // Quit: the terminal is back and the shell works.
    server.keys(&["q"]);
    wait_for_shell(&server, 1);

    let progress = std::fs::read_to_string(state.join("trinetes/progress.toml"))
        .expect("progress.toml written in XDG_STATE_HOME/trinetes");
    assert!(progress.contains("[lessons.replicasets]"), "{progress}");
    assert!(progress.contains("lesson = \"replicasets\""), "{progress}");
    assert!(
        state.join("trinetes/trinetes.log").exists(),
        "log file in the state dir"
    );

    // Start again: it resumes in the same lesson at the same step.
    server.type_text(binary);
    server.keys(&["Enter"]);
    let resumed = server.wait_text("replicasets │ step 1/");
    assert!(
        resumed.contains("ReplicaSets keep your pods alive"),
        "{resumed}"
    );

    // Ctrl-C restores the terminal too.
    server.keys(&["C-c"]);
    wait_for_shell(&server, 2);

    // SIGTERM: the program restores the terminal and exits.
    server.type_text(binary);
    server.keys(&["Enter"]);
    server.wait_text("replicasets │ step 1/");
    let pid = server.child_of_shell();
    // SAFETY: kill(2) with a pid this test started (the shell's only child).
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill -TERM {pid}");
    wait_for_shell(&server, 3);

    // A panic: the hook restores the terminal first, then prints the
    // message and where the log is.
    server.type_text(&format!("TRINETES_CRASH_TEST=1 {binary}"));
    server.keys(&["Enter"]);
    server.wait_text("replicasets │ step 1/");
    server.keys(&["F12"]);
    server.wait_text("the terminal was restored");
    wait_for_shell(&server, 4);
    let after = server.screen_joined();
    assert!(after.contains("crash test: F12 pressed"), "{after}");
    let log = state.join("trinetes/trinetes.log");
    assert!(
        after.contains(&format!("The log is at {}", log.display())),
        "{after}"
    );
    drop(server);
}
