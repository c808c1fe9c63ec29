//! `trinetes notes` in a second terminal follows the TUI over the notes
//! socket, and drives it: two tmux servers, one state directory.

use std::path::Path;

use crate::support::tmux::{TmuxServer, require_tmux};

const LESSON: &str = r#"---
id: talk
title: A short talk
summary: Two sections, two steps.
minutes: 7
order: 1
---

Opening words.

<!-- notes: Welcome everyone and introduce yourself. -->

## The first part

<!-- notes: Explain why the first step matters. -->

```sh step id=first
echo first step ran
```

```toml step-config
title = "Run the first step"
timeout = "10s"
```

## The second part

<!-- notes: Wrap up with the second step. -->

```sh step id=second
echo second step ran
```

```toml step-config
title = "Run the second step"
timeout = "10s"
```
"#;

fn start(server: &TmuxServer, command: &str) {
    server.type_text(command);
    server.keys(&["Enter"]);
}

#[test]
fn the_notes_window_follows_the_presentation_and_drives_it() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(lessons.join("talk.md"), LESSON).unwrap();
    let env = [format!("XDG_STATE_HOME={}", state.display())];
    let binary = env!("CARGO_BIN_EXE_trinetes");
    let notes = TmuxServer::start(&dir.path().join("notes.sock"), 90, 30, &env);
    let slides = TmuxServer::start(&dir.path().join("slides.sock"), 100, 30, &env);

    // Started first, the notes window waits for the presentation.
    start(&notes, &format!("{binary} notes"));
    notes.wait_text("Waiting for the presentation");

    start(
        &slides,
        &format!("{binary} --lessons {}", lessons.display()),
    );
    slides.wait_text("A short talk");
    notes.wait_text("The lesson list is on screen.");

    // Opening the lesson: the notes of its opening, and what comes next.
    slides.keys(&["Enter"]);
    slides.wait_text("talk │ step");
    notes.wait_text("A short talk  ·  section 1/3: A short talk");
    notes.wait_text("Welcome everyone and introduce yourself.");
    notes.wait_text("lesson 00:");
    notes.wait_text("/ 07:00");

    // Driving from the notes window: next step, then run it.
    notes.keys(&["n"]);
    slides.wait_text("talk │ step 1/2");
    notes.wait_text("section 2/3: The first part");
    notes.wait_text("Explain why the first step matters.");
    notes.wait_text("step: Run the second step");
    notes.keys(&["r"]);
    slides.wait_text("first step ran");
    notes.wait_text("passed  Run the first step");

    // The presentation moves on its own: the notes follow.
    slides.keys(&["Tab"]);
    slides.wait_text("talk │ step 2/2");
    notes.wait_text("section 3/3: The second part");
    notes.wait_text("Wrap up with the second step.");

    // It quits: the notes window says so and waits.
    slides.keys(&["q"]);
    notes.wait_text("The presentation quit");
    assert!(
        !Path::new(&state.join("trinetes/present.sock")).exists(),
        "the socket goes with the presentation"
    );
    notes.keys(&["q"]);
    notes.wait_for("the notes window to end", |_| notes.alternate_on() == "0");
}
