//! `trinetes replay` in tmux on a real recording: a headless run of the
//! ReplicaSets lesson recorded with `--record`, then played step by step
//! (→ plays the next step, a second → finishes it, ← goes back) and on its
//! own at a chosen speed to the end. And the tutorial itself recording the
//! step it runs.

use crate::support::bin::{require_kubectl, text, trinetes_in};
use crate::support::tmux::{TmuxServer, require_tmux};

#[test]
fn a_recorded_run_replays_step_by_step_and_at_a_speed() {
    require_tmux();
    require_kubectl();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let cast = dir.path().join("replicasets.cast");
    let out = trinetes_in(
        &state,
        &[
            "run",
            "--lesson",
            "replicasets",
            "--pace",
            "fast",
            "--record",
            cast.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));

    let server = TmuxServer::start(
        &dir.path().join("tmux.sock"),
        100,
        30,
        &[format!("XDG_STATE_HOME={}", state.display())],
    );
    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!("{binary} replay {} --step", cast.display()));
    server.keys(&["Enter"]);
    let card = server.wait_text("6 steps recorded");
    assert!(card.contains("trinetes run: replicasets"), "{card}");
    assert_eq!(
        server.alternate_on(),
        "1",
        "replay uses the alternate screen"
    );

    // → plays the first step: its command typed after the prompt, then its output.
    server.keys(&["Right"]);
    let first = server.wait_text("step 1/6 · create-replicaset");
    assert!(!first.contains("6 steps recorded"), "{first}");
    let played = server.wait_text("✔ create-replicaset passed");
    assert!(played.contains("replicaset.apps/hello created"), "{played}");
    server.wait_text("→ or Space: next step");
    // The screen follows the output's end; PgUp shows the typed command
    // the long manifest pushed up.
    assert!(
        !played.contains("$ cat > replicaset-definition.yml"),
        "{played}"
    );
    server.keys(&["PageUp"]);
    let top = server.wait_text("$ cat > replicaset-definition.yml");
    assert!(!top.contains("✔ create-replicaset passed"), "{top}");
    server.keys(&["PageDown"]);
    server.wait_text("✔ create-replicaset passed");

    // The next marker: the second step alone on the screen.
    server.keys(&["Space"]);
    let second = server.wait_text("step 2/6 · get-replicasets");
    assert!(
        !second.contains("replicaset.apps/hello created"),
        "{second}"
    );
    // A key during the step shows all of it at once.
    server.keys(&["Right"]);
    let second = server.wait_text("✔ get-replicasets passed");
    assert!(
        second.contains("$ kubectl get replicaset hello -o wide"),
        "{second}"
    );

    // ← goes back to the first step, whole.
    server.keys(&["Left"]);
    let back = server.wait_text("step 1/6 · create-replicaset");
    assert!(back.contains("✔ create-replicaset passed"), "{back}");

    server.keys(&["q"]);
    server.wait_for("the alternate screen off", |_| server.alternate_on() == "0");

    // On its own, fast: through every step to the end.
    server.type_text(&format!("{binary} replay {} --speed 20", cast.display()));
    server.keys(&["Enter"]);
    let end = server.wait_text("end of the recording");
    assert!(end.contains("step 6/6 · cleanup"), "{end}");
    assert!(end.contains("✔ cleanup passed"), "{end}");
    server.keys(&["q"]);
    server.wait_for("the alternate screen off", |_| server.alternate_on() == "0");

    // SIGTERM gives the terminal back too.
    server.type_text(&format!("{binary} replay {} --step", cast.display()));
    server.keys(&["Enter"]);
    server.wait_text("6 steps recorded");
    let pid = server.child_of_shell();
    // SAFETY: kill(2) with a pid this test started (the shell's only child).
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "kill -TERM {pid}");
    server.wait_for("the alternate screen off", |_| server.alternate_on() == "0");
}

#[test]
fn the_tutorial_records_the_steps_it_runs() {
    require_tmux();
    require_kubectl();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let cast = dir.path().join("tutorial.cast");
    let server = TmuxServer::start(
        &dir.path().join("tmux.sock"),
        100,
        30,
        &[format!("XDG_STATE_HOME={}", state.display())],
    );
    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!("{binary} --pace fast --record {}", cast.display()));
    server.keys(&["Enter"]);
    server.wait_text("Welcome to trinetes");
    // Open Welcome and run its step, `kubectl get nodes`.
    server.keys(&["Enter"]);
    server.wait_text("welcome │ step 0/");
    // The first Enter selects the step, the next runs it.
    server.keys(&["Enter"]);
    server.wait_text("press Enter to run it");
    server.keys(&["Enter"]);
    server.wait_text("✔ passed");
    server.keys(&["q"]);
    server.wait_for("the alternate screen off", |_| server.alternate_on() == "0");
    server.wait_text(&format!("recording written to {}", cast.display()));

    let recorded = std::fs::read_to_string(&cast).expect("the recording");
    let mut lines = recorded.lines();
    let header: serde_json::Value =
        serde_json::from_str(lines.next().expect("a header")).expect("JSON header");
    assert_eq!(header["version"], 2);
    assert_eq!(header["title"], "trinetes on dry-run (profile current)");
    assert_eq!(header["width"], 100, "the terminal's size: {header}");
    let events: Vec<serde_json::Value> = lines
        .map(|l| serde_json::from_str(l).expect("a JSON event"))
        .collect();
    let markers: Vec<&serde_json::Value> = events.iter().filter(|e| e[1] == "m").collect();
    assert_eq!(markers.len(), 1, "{recorded}");
    assert_eq!(markers[0][2], "get-nodes");
    let printed: String = events
        .iter()
        .filter(|e| e[1] == "o")
        .map(|e| e[2].as_str().expect("text"))
        .collect();
    assert!(
        printed.contains("$\u{1b}[0m kubectl get nodes\r\n"),
        "{printed:?}"
    );
    assert!(printed.contains("STATUS"), "kubectl's table: {printed:?}");
    assert!(printed.contains("✔ get-nodes passed"), "{printed:?}");
}
