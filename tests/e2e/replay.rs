//! `trinetes replay` in tmux: a headless run of the ReplicaSets lesson
//! recorded with `--record`, then played inside the presentation view. The
//! lesson's big heading and sections show; with `--step` a step plays its
//! recorded output and checks only when the presenter runs it; a step the
//! recording lacks says so; the screen marks it as a recording quietly and
//! the notes window loudly; without `--step` it moves on by itself to the
//! end.

use std::path::Path;

use crate::present::shows_big;
use crate::support::bin::{require_kubectl, text, trinetes_in};
use crate::support::tmux::{TmuxServer, require_tmux};

/// Records a headless run of the ReplicaSets lesson into `cast`.
fn record(state: &Path, cast: &Path) {
    let out = trinetes_in(
        state,
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
}

#[test]
fn a_recording_plays_in_the_presentation_step_by_step_and_by_itself() {
    require_tmux();
    require_kubectl();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let cast = dir.path().join("replicasets.cast");
    record(&state, &cast);
    // The second step's recording is taken out: it shows as missing.
    let recorded = std::fs::read_to_string(&cast).expect("the recording");
    let label = "\"replicasets/get-replicasets\"";
    assert!(recorded.contains(label), "{recorded}");
    let lacking = dir.path().join("lacking.cast");
    std::fs::write(
        &lacking,
        recorded.replace(label, "\"replicasets/elsewhere\""),
    )
    .expect("write");

    let env = [format!("XDG_STATE_HOME={}", state.display())];
    let slides = TmuxServer::start(&dir.path().join("slides.sock"), 100, 40, &env);
    let binary = env!("CARGO_BIN_EXE_trinetes");
    slides.type_text(&format!(
        "{binary} replay {} --step --speed 4",
        lacking.display()
    ));
    slides.keys(&["Enter"]);

    // The lesson's first screen, its title in big letters, marked quietly
    // as a recording.
    let screen = slides.wait_for("the lesson's big title", |s| {
        shows_big(s, "Pods and ReplicaSets") && s.contains("Pods and ReplicaSets · 1/9")
    });
    assert!(screen.contains("RECORDING ×4"), "{screen}");
    assert_eq!(slides.alternate_on(), "1");

    // The notes window follows and says loudly that it is a recording.
    let notes = TmuxServer::start(&dir.path().join("notes.sock"), 100, 30, &env);
    notes.type_text(&format!("{binary} notes"));
    notes.keys(&["Enter"]);
    notes.wait_text("REPLAYING THE RECORDING lacking.cast");
    notes.wait_text("section 1/9");

    // Space: the next screen, then its step, typed out; Space finishes it.
    slides.keys(&["Space"]);
    slides.wait_text("Pods and ReplicaSets · 2/9");
    slides.keys(&["Space"]);
    slides.wait_text("▸ Write replicaset-definition.yml and create the ReplicaSet");
    slides.keys(&["Space"]);
    slides.wait_text("kubectl create -f replicaset-definition.yml");
    // With --step nothing plays until the presenter runs the step: the
    // screen changes only for the clock.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let waited = slides.screen();
    assert!(!waited.contains("RECORDED"), "{waited}");
    assert!(
        !waited.contains("replicaset.apps/hello created"),
        "{waited}"
    );

    // r in the notes window runs it: the recorded output, check and
    // outcome play in the step's box and the output pane.
    notes.keys(&["r"]);
    slides.wait_for("the step played", |s| {
        s.contains("✔ passed") && s.contains("RECORDED")
    });
    slides.wait_text("│replicaset.apps/hello created");
    let played = slides.wait_text("✔ 3 pods Running");
    assert!(
        played.contains("Wrote $STATE/world/files/replicaset-definition.yml"),
        "the learner's path is not in the recording: {played}"
    );
    notes.wait_text("✔ 3 pods Running");

    // The next step is not in this recording: its box says so, and nothing
    // runs.
    slides.keys(&["Space"]);
    slides.wait_text("Pods and ReplicaSets · 3/9");
    slides.keys(&["Space"]);
    slides.wait_text("▸ List the ReplicaSet and its selector");
    slides.keys(&["Enter"]);
    slides.wait_text("not in this recording");

    slides.keys(&["q"]);
    slides.wait_for("the alternate screen off", |_| slides.alternate_on() == "0");
    notes.wait_text("The presentation quit");

    // Without --step, fast: it moves on and plays each step by itself, to
    // the end.
    slides.type_text(&format!(
        "clear; {binary} replay {} --speed 20",
        cast.display()
    ));
    slides.keys(&["Enter"]);
    slides.wait_for("a step played by itself", |s| {
        s.contains("RECORDED") && s.contains("✔ passed")
    });
    let end = slides.wait_text("end of the recording");
    assert!(end.contains("Pods and ReplicaSets · 9/9"), "{end}");
    slides.keys(&["q"]);
    slides.wait_for("the alternate screen off", |_| slides.alternate_on() == "0");
}
