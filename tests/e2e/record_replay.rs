//! The tutorial recording the steps it runs (`--record` in the TUI),
//! interactive ones too. `replay.rs` plays recordings back.

use crate::support::bin::require_kubectl;
use crate::support::tmux::{TmuxServer, require_tmux};

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
    assert_eq!(markers[0][2], "welcome/get-nodes");
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

const SHELL: &str = r#"---
id: talk
title: Talk
summary: One interactive step.
minutes: 5
order: 1
---

## Shell

```sh step id=shell
echo typed at the terminal
```

```toml step-config
title = "Hand the terminal over"
timeout = "20s"
interactive = true
```
"#;

#[test]
fn an_interactive_step_is_recorded_too() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).expect("lessons folder");
    std::fs::write(lessons.join("talk.md"), SHELL).expect("lesson written");
    let cast = dir.path().join("shell.cast");
    let server = TmuxServer::start(
        &dir.path().join("tmux.sock"),
        100,
        30,
        &[format!("XDG_STATE_HOME={}", state.display())],
    );
    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!(
        "{binary} --lessons {} --record {}",
        lessons.display(),
        cast.display()
    ));
    server.keys(&["Enter"]);
    server.wait_text("Talk");
    server.keys(&["Enter"]);
    server.wait_text("Hand the terminal over");
    // The step is in view: Enter runs it.
    server.keys(&["Enter"]);
    server.wait_text("✔ passed");
    server.keys(&["q"]);
    server.wait_for("the alternate screen off", |_| server.alternate_on() == "0");
    server.wait_text(&format!("recording written to {}", cast.display()));

    let recorded = std::fs::read_to_string(&cast).expect("the recording");
    assert!(recorded.contains(r#""m","talk/shell"]"#), "{recorded}");
    assert!(recorded.contains("✔ shell passed"), "{recorded}");
}
