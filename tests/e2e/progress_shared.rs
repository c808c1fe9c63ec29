//! Two trinetes on one state directory: a headless `run` writes its marks
//! while the TUI is open, and the TUI's next save keeps them.

use std::process::{Command, Stdio};

use crate::support::tmux::{TmuxServer, require_tmux};

fn lesson(id: &str, order: i32) -> String {
    format!(
        "---\nid: {id}\ntitle: Lesson {id}\nsummary: One echo.\nminutes: 1\norder: {order}\n---\n\n# Lesson {id}\n\n```sh step id=say\necho said-{id}\n```\n\n```toml step-config\ntitle = \"Say {id}\"\ntimeout = \"10s\"\n```\n"
    )
}

#[test]
fn the_tui_keeps_the_marks_a_headless_run_wrote_meanwhile() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(lessons.join("a.md"), lesson("alpha", 1)).unwrap();
    std::fs::write(lessons.join("b.md"), lesson("beta", 2)).unwrap();
    let binary = env!("CARGO_BIN_EXE_trinetes");
    let server = TmuxServer::start(
        &dir.path().join("tmux.sock"),
        100,
        30,
        &[format!("XDG_STATE_HOME={}", state.display())],
    );
    server.type_text(&format!("{binary} --lessons {}", lessons.display()));
    server.keys(&["Enter"]);
    server.wait_text("Lesson alpha");

    // Meanwhile, a headless run of beta with the same state directory.
    let run = Command::new(binary)
        .args(["run", "--lesson", "beta", "--lessons"])
        .arg(&lessons)
        .env("XDG_STATE_HOME", &state)
        .stdin(Stdio::null())
        .output()
        .expect("trinetes runs");
    assert!(
        run.status.success(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    // The TUI runs alpha's step, and saves.
    server.keys(&["Enter"]);
    server.wait_text("alpha │ step");
    server.keys(&["Tab"]);
    server.keys(&["Enter"]);
    server.wait_text("said-alpha");
    server.wait_text("last step of this lesson");
    server.keys(&["q"]);
    server.wait_for("the TUI to end", |_| server.alternate_on() == "0");

    let listed = Command::new(binary)
        .args(["lessons", "--json", "--lessons"])
        .arg(&lessons)
        .env("XDG_STATE_HOME", &state)
        .output()
        .expect("trinetes runs");
    let json: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    let status = |id: &str| {
        json["lessons"]
            .as_array()
            .expect("lessons")
            .iter()
            .find(|l| l["id"] == id)
            .map(|l| l["progress"]["status"].to_string())
            .unwrap_or_default()
    };
    assert_eq!(status("alpha"), "\"done\"", "alpha: {json}");
    assert_eq!(
        status("beta"),
        "\"done\"",
        "beta, written by the headless run: {json}"
    );
}
