//! The presenter's walk, on the real binary in two tmux servers: a section
//! longer than the slide's screen is shown in pages; the notes window names
//! the step `r` runs, and one `r` there shows and runs it; a step title's
//! `code` is drawn without its backticks; a notes window too small says so.
//! And `trinetes notes --help` lists every key the window takes.

use crate::support::tmux::{TmuxServer, require_tmux};

/// One section with forty numbered paragraphs, then a step.
fn long_lesson() -> String {
    let prose: Vec<String> = (1..=40)
        .map(|n| format!("Paragraph {n} of the long section."))
        .collect();
    format!(
        "---\nid: long\ntitle: Pages\nsummary: A long section.\nminutes: 5\norder: 1\n---\n\n\
         ## Everything at once\n\n<!-- notes: Say it all. -->\n\n{}\n\n\
         ```sh step id=hello\necho hello from the step\n```\n\n\
         ```toml step-config\ntitle = \"Say `hello`\"\ntimeout = \"10s\"\n```\n",
        prose.join("\n\n")
    )
}

fn run(server: &TmuxServer, command: &str) {
    server.type_text(command);
    server.keys(&["Enter"]);
}

#[test]
fn a_long_section_pages_on_the_slides_and_r_in_the_notes_shows_and_runs_its_step() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).expect("lessons folder");
    std::fs::write(lessons.join("long.md"), long_lesson()).expect("lesson written");
    let env = [
        format!("XDG_STATE_HOME={}", dir.path().join("state").display()),
        "AWS_EC2_METADATA_DISABLED=true".to_string(),
    ];
    let binary = env!("CARGO_BIN_EXE_trinetes");
    let slides = TmuxServer::start(&dir.path().join("slides.sock"), 100, 30, &env);
    let notes = TmuxServer::start(&dir.path().join("notes.sock"), 60, 24, &env);
    run(
        &slides,
        &format!(
            "{binary} --lessons {} --present --type-speed 0",
            lessons.display()
        ),
    );
    run(&notes, &format!("{binary} notes"));
    slides.wait_text("Pages");
    notes.wait_text("The lesson list is on screen.");
    notes.wait_text("talk not started");
    slides.keys(&["Enter"]);

    // The first page: the first paragraphs, a quiet mark, not the last.
    let screen = slides.wait_text("more ▸ Space");
    assert!(
        screen.contains("Paragraph 1 of the long section."),
        "{screen}"
    );
    assert!(!screen.contains("Paragraph 40 of"), "{screen}");
    assert!(!screen.contains("Say hello"), "{screen}");
    // Space turns the page; ← turns it back.
    slides.keys(&["Space"]);
    let second = slides.wait_for("the second page", |s| {
        !s.contains("Paragraph 1 of the long section.")
    });
    assert!(second.contains("Paragraph "), "{second}");
    slides.keys(&["Left"]);
    slides.wait_text("Paragraph 1 of the long section.");

    // The notes window names the step r runs, though it is not shown yet.
    notes.wait_text("r runs: Say hello");
    notes.wait_text("Say it all.");
    // One r: the pages are turned, the step shown and run.
    notes.keys(&["r"]);
    let screen = slides.wait_text("hello from the step");
    slides.wait_text("✔ passed");
    assert!(
        screen.contains("▸ Say hello"),
        "inline code, no backticks: {screen}"
    );
    assert!(
        screen.contains("Paragraph 40 of the long section."),
        "the last page: {screen}"
    );
    notes.wait_text("passed  Say hello");
    notes.wait_for("the talk's clock", |s| s.contains("talk 00:"));

    // Made too small, the notes window says so instead of losing parts.
    notes.tmux(&["resize-window", "-t", "e2e", "-x", "40", "-y", "10"]);
    notes.wait_text("too small (need 48×18");
    notes.tmux(&["resize-window", "-t", "e2e", "-x", "60", "-y", "24"]);
    notes.wait_text("r runs: Say hello");

    notes.keys(&["q"]);
    slides.keys(&["q"]);
    slides.wait_for("the presentation to end", |_| slides.alternate_on() == "0");
}

#[test]
fn notes_help_lists_every_key_of_the_window() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["notes", "--help"])
        .output()
        .expect("trinetes runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for key in [
        "n/→ next",
        "p/← previous",
        "r runs",
        "f fast-forwards",
        "y\nanswers",
        "n, while it asks, says no",
        "q or Ctrl-C quits",
    ] {
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat(&help).contains(&flat(key)), "{key}: {help}");
    }
}
