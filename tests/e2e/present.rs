//! `trinetes --present` in tmux: big headings, one section per screen
//! (headings and `<!-- pause -->`), steps shown one by one with their
//! command typed out, the output paged without leaving the screen, and
//! fast-forward of a long simulated eksctl run.

use std::time::{Duration, Instant};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Widget;
use tui_big_text::{BigText, PixelSize};

use crate::support::tmux::{TmuxServer, require_tmux};

const TALK: &str = r#"---
id: talk
title: Demo
summary: A lesson shown as a presentation.
minutes: 5
order: 1
---

Opening words of the demo.

## Deploy

Words about deploying.

<!-- notes: Say what the eighty lines are. -->

```sh step id=count
seq 1 80 | sed 's/^/line /'
```

```toml step-config
title = "Print eighty lines"
timeout = "20s"
```

<!-- pause -->

After the pause comes the rest.

## Wrap up

The end of the demo.
"#;

const EKS: &str = r#"---
id: slow
title: Slow
summary: A long simulated eksctl run.
minutes: 5
order: 1
---

## Create

```sh step id=create
eksctl create cluster --name ff-cluster --region us-east-1 --version 1.35 --nodegroup-name ff-nodes --nodes 1
```

```toml step-config
title = "Create a cluster"
timeout = "5m"
```
"#;

/// The rows BigText draws for `text` in `size`, trimmed: what the screen
/// shows where the heading is.
fn big_rows(text: &str, size: PixelSize, rows: u16) -> Vec<String> {
    let area = Rect::new(0, 0, 100, rows);
    let mut buffer = Buffer::empty(area);
    BigText::builder()
        .pixel_size(size)
        .lines(vec![Line::from(text.to_string())])
        .build()
        .render(area, &mut buffer);
    (0..rows)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|row| !row.is_empty())
        .collect()
}

pub fn shows_big(screen: &str, text: &str) -> bool {
    let rows = big_rows(text, PixelSize::Quadrant, 4);
    !rows.is_empty() && rows.iter().all(|row| screen.contains(row.as_str()))
}

fn env(dir: &std::path::Path) -> [String; 2] {
    [
        format!("XDG_STATE_HOME={}", dir.join("state").display()),
        "AWS_EC2_METADATA_DISABLED=true".to_string(),
    ]
}

fn start(dir: &std::path::Path, lesson: &str, flags: &str) -> TmuxServer {
    let lessons = dir.join("lessons");
    std::fs::create_dir_all(&lessons).expect("lessons folder");
    std::fs::write(lessons.join("lesson.md"), lesson).expect("lesson written");
    let server = TmuxServer::start(&dir.join("tmux.sock"), 100, 40, &env(dir));
    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!(
        "{binary} --lessons {} --present {flags}",
        lessons.display()
    ));
    server.keys(&["Enter"]);
    server
}

#[test]
fn a_lesson_is_presented_screen_by_screen_with_typed_commands_and_paged_output() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let slides = start(dir.path(), TALK, "--type-speed 1");
    slides.wait_text("Demo");
    slides.keys(&["Enter"]);

    // The first screen: the lesson's title in big letters, its opening.
    // (The whole frame: tmux may show its top before its last line.)
    let screen = slides.wait_for("the big title and the progress line", |s| {
        shows_big(s, "Demo") && s.contains("Demo · 1/4")
    });
    assert!(screen.contains("Opening words of the demo."), "{screen}");
    assert!(
        !screen.contains("Deploy"),
        "one section per screen: {screen}"
    );

    // Space: the next heading's screen, its step not shown yet.
    slides.keys(&["Space"]);
    let screen = slides.wait_for("the Deploy screen", |s| shows_big(s, "Deploy"));
    assert!(screen.contains("Words about deploying."), "{screen}");
    assert!(!screen.contains("Print eighty lines"), "{screen}");

    // Space shows the step; its command is typed out one character a second.
    slides.keys(&["Space"]);
    let screen = slides.wait_text("▸ Print eighty lines");
    let command = "seq 1 80 | sed 's/^/line /'";
    assert!(
        !screen.contains(command),
        "typed, not shown whole: {screen}"
    );
    slides.wait_text("$ s");
    // A key finishes the typing at once.
    slides.keys(&["Space"]);
    slides.wait_text(command);

    // ← hides the step again, → shows it again.
    slides.keys(&["Left"]);
    slides.wait_for("the step hidden", |s| !s.contains("Print eighty lines"));
    slides.keys(&["Right"]);
    let screen = slides.wait_text("▸ Print eighty lines");
    assert!(!screen.contains(command), "typed again: {screen}");

    // Enter while typing shows the command whole and runs it: the output
    // fills a pane that follows its end.
    slides.keys(&["Enter"]);
    let screen = slides.wait_text("│line 80");
    slides.wait_text("✔ passed");
    assert!(
        !screen.contains("│line 1 "),
        "the pane shows the end: {screen}"
    );

    // PgUp pages back through the output without leaving the screen; PgDn
    // returns to its end.
    slides.keys(&["PageUp"]);
    let screen = slides.wait_for("an earlier page", |s| !s.contains("│line 80"));
    assert!(
        shows_big(&screen, "Deploy"),
        "still the same screen: {screen}"
    );
    assert!(screen.contains("│line 5"), "{screen}");
    for _ in 0..10 {
        slides.keys(&["PageUp"]);
    }
    slides.wait_text("│line 1 ");
    for _ in 0..10 {
        slides.keys(&["PageDown"]);
    }
    slides.wait_text("│line 80");

    // Space: the screen after the pause keeps the heading.
    slides.keys(&["Space"]);
    // Waited for whole: a capture can catch a frame half drawn.
    let screen = slides.wait_for("the screen after the pause", |s| {
        s.contains("After the pause comes the rest.") && s.contains("Demo · 3/4")
    });
    assert!(shows_big(&screen, "Deploy"), "{screen}");
    assert!(screen.contains("Demo · 3/4"), "{screen}");
    assert!(!screen.contains("Words about deploying."), "{screen}");
    slides.keys(&["Space"]);
    slides.wait_for("the last screen", |s| shows_big(s, "Wrap up"));
    // ← goes back to the previous screen whole.
    slides.keys(&["Left"]);
    slides.wait_text("After the pause comes the rest.");

    slides.keys(&["q"]);
    slides.wait_for("trinetes to end", |_| slides.alternate_on() == "0");
}

#[test]
fn fast_forward_hurries_a_long_simulated_eksctl_run_from_the_notes_window() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    // A five-minute eksctl run: without fast-forward it would outlast the
    // wait below by far.
    let slides = start(dir.path(), EKS, "--type-speed 0 --pace-total 300s");
    slides.wait_text("Slow");
    let notes = TmuxServer::start(&dir.path().join("notes.sock"), 90, 30, &env(dir.path()));
    notes.type_text(&format!("{} notes", env!("CARGO_BIN_EXE_trinetes")));
    notes.keys(&["Enter"]);
    notes.wait_text("The lesson list is on screen.");
    slides.keys(&["Enter"]);
    slides.wait_for("the Create screen", |s| shows_big(s, "Create"));
    // The notes window follows the presentation's screens and drives them.
    notes.wait_text("section 1/1: Create");
    notes.wait_text("step: Create a cluster");
    notes.keys(&["n"]);
    slides.wait_text("▸ Create a cluster");
    // The screen's only step is shown: n again has no step to go to.
    notes.wait_for("no next step", |s| s.contains("step: —"));
    notes.keys(&["n"]);
    // The talk's only lesson: no lesson to open after it.
    notes.wait_text("This is the last screen of the last lesson.");

    // Before a step runs, fast-forward has nothing to hurry, and says so.
    slides.keys(&["f"]);
    slides.wait_text("Fast-forward works while a step runs.");

    notes.keys(&["r"]);
    slides.wait_text("creating EKS cluster");
    notes.keys(&["f"]);
    slides.wait_text("⏩ fast-forward");
    notes.wait_text("FAST-FORWARD");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let screen = slides.screen();
        if screen.contains("✔ passed") {
            assert!(screen.contains("region is ready"), "{screen}");
            assert!(
                !screen.contains("⏩ fast-forward"),
                "it ends with the step: {screen}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the fast-forwarded run did not end; the screen was:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    notes.wait_text("passed  Create a cluster");
    slides.keys(&["q"]);
    slides.wait_for("trinetes to end", |_| slides.alternate_on() == "0");
    notes.wait_text("The presentation quit");
    notes.keys(&["q"]);
}
