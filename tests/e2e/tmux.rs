//! End to end: the real binary in a private tmux server. Opens a lesson,
//! scrolls, searches, opens the help, quits, and checks the terminal came back
//! (alternate screen off, shell prompt usable). Then starts again and checks
//! it resumes in the same lesson, and that Ctrl-C, SIGTERM and a panic also
//! restore the terminal.

use crate::support::tmux::{TmuxServer, require_tmux};

const PROMPT: &str = "e2e$ ";

fn start(dir: &std::path::Path, state: &std::path::Path) -> TmuxServer {
    TmuxServer::start(
        &dir.join("tmux.sock"),
        100,
        30,
        &[
            format!("XDG_STATE_HOME={}", state.display()),
            "TRINETES_LOG=debug".to_string(),
            "RUST_BACKTRACE=0".to_string(),
        ],
    )
}

fn status_line(screen: &str) -> String {
    screen
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_string()
}

/// The status line's `match K/N`, or "" when no search is shown.
fn match_label(screen: &str) -> String {
    let status = status_line(screen);
    status
        .split(" │ ")
        .find(|cell| cell.starts_with("match "))
        .map(|cell| {
            cell.split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
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
    let server = start(dir.path(), &state);
    // Some shells ignore PS1 from the environment; set it in the shell.
    server.type_text(&format!("PS1='{PROMPT}'"));
    server.keys(&["Enter"]);
    server.wait_for("the shell prompt", |s| {
        s.lines().any(|l| l.trim_end().ends_with(PROMPT.trim_end()))
    });

    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(binary);
    server.keys(&["Enter"]);
    let first = server.wait_text("Welcome to trinetes");
    assert!(
        first.contains("Pods and ReplicaSets"),
        "the concept lessons follow Welcome:\n{first}"
    );
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

    // Open the first lesson, Welcome.
    server.keys(&["Enter"]);
    let reader = server.wait_text("welcome │ step 0/");
    let top = reader.lines().nth(1).unwrap_or_default().to_string();

    // Scroll: the text moves (the status bar shows no scroll percentage,
    // which read as progress).
    server.keys(&["PageDown"]);
    let scrolled = server.wait_for("the text to scroll", |s| {
        s.lines().nth(1).unwrap_or_default() != top
    });
    let status = status_line(&scrolled);
    assert!(
        status.contains("welcome │ step 0/") && !status.contains('%'),
        "{status}"
    );
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
    // The search starts from the selected step, so which match comes first
    // depends on the lesson; `n` must move to another one.
    let found = server.wait_text("match ");
    assert!(found.contains("\"kubectl\""), "{found}");
    let first = match_label(&found);
    assert!(first.contains('/'), "{found}");
    server.keys(&["n"]);
    server.wait_for("the next match", |s| {
        let label = match_label(s);
        !label.is_empty() && label != first
    });
    server.keys(&["Escape"]);
    server.wait_for("the search to clear", |s| match_label(s).is_empty());

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
    assert!(progress.contains("[lessons.welcome]"), "{progress}");
    assert!(progress.contains("lesson = \"welcome\""), "{progress}");
    assert!(
        state.join("trinetes/trinetes.log").exists(),
        "log file in the state dir"
    );

    // Start again: it resumes in the same lesson at the same step.
    server.type_text(binary);
    server.keys(&["Enter"]);
    let resumed = server.wait_text("welcome │ step 1/");
    assert!(resumed.contains("Welcome to trinetes"), "{resumed}");

    // Ctrl-C restores the terminal too.
    server.keys(&["C-c"]);
    wait_for_shell(&server, 2);

    // SIGTERM: the program restores the terminal and exits.
    server.type_text(binary);
    server.keys(&["Enter"]);
    server.wait_text("welcome │ step 1/");
    let pid = server.child_of_shell();
    // SAFETY: kill(2) with a pid this test started (the shell's only child).
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill -TERM {pid}");
    wait_for_shell(&server, 3);

    // A panic: the hook restores the terminal first, then prints the
    // message and where the log is.
    server.type_text(&format!("TRINETES_CRASH_TEST=1 {binary}"));
    server.keys(&["Enter"]);
    server.wait_text("welcome │ step 1/");
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
