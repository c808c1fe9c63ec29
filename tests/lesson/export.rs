//! `trinetes lessons export --html DIR` through the real binary: the index
//! and one page per lesson, the commands of the chosen profile, the checks
//! in words, hints and diagrams, speaker notes only with `--with-notes`, and
//! the folders it refuses.

use std::path::Path;
use std::process::{Command, Output};

use trinetes::lesson::{Lesson, Profile, builtin};

fn export(args: &[&str]) -> Output {
    let state = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["lessons", "export"])
        .args(args)
        .env_remove("TRINETES_LESSONS")
        .env("XDG_STATE_HOME", state.path())
        .output()
        .expect("the trinetes binary runs")
}

fn exported(dir: &Path, extra: &[&str]) {
    let dir = dir.to_str().expect("a UTF-8 temp path");
    let mut args = vec!["--html", dir];
    args.extend(extra);
    let out = export(&args);
    assert!(
        out.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn page(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Text as the HTML renderer writes it between tags.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn lesson<'a>(lessons: &'a [Lesson], id: &str) -> &'a Lesson {
    lessons
        .iter()
        .find(|l| l.front.id == id)
        .unwrap_or_else(|| panic!("no built-in lesson {id}"))
}

#[test]
fn the_index_links_a_page_for_every_lesson_and_each_page_has_its_headings_and_steps() {
    let dir = tempfile::tempdir().expect("temp dir");
    exported(dir.path(), &[]);
    let index = page(dir.path(), "index.html");
    assert!(index.contains("href=\"handouts.css\""), "{index}");
    assert!(dir.path().join("handouts.css").exists());
    let profile = Profile::builtin("current").expect("profile");
    for lesson in builtin().iter().map(|l| l.expanded(&profile)) {
        let id = &lesson.front.id;
        let title = escaped(&lesson.front.title);
        assert!(
            index.contains(&format!("<a href=\"{id}.html\">{title}</a>")),
            "index lacks {id}"
        );
        let html = page(dir.path(), &format!("{id}.html"));
        assert!(html.starts_with("<!DOCTYPE html>"), "{id}");
        assert!(
            html.contains(&format!("<h1>{title}</h1>")),
            "{id}: title band"
        );
        for (n, step) in lesson.steps.iter().enumerate() {
            assert!(
                html.contains(&format!("<h3 id=\"step-{}\">Step {}: ", step.id, n + 1)),
                "{id}: step {}",
                step.id
            );
            assert!(
                html.contains(&escaped(step.command.trim_end())),
                "{id}: the command of step {}",
                step.id
            );
            for check in &step.checks {
                assert!(
                    html.contains(&escaped(&check.explain())),
                    "{id}: check {} of step {}",
                    check.explain(),
                    step.id
                );
            }
        }
        assert!(!html.contains("{{"), "{id}: a variable left unexpanded");
    }
    let networking = page(dir.path(), "networking.html");
    assert!(
        networking.contains("<h2>NodePort: a port on every node</h2>"),
        "a section heading of the lesson"
    );
}

#[test]
fn the_commands_are_those_of_the_chosen_profile() {
    let current = tempfile::tempdir().expect("temp dir");
    exported(current.path(), &[]);
    let episode = tempfile::tempdir().expect("temp dir");
    exported(episode.path(), &["--profile", "episode-2021"]);
    let eks = |dir: &Path| page(dir, "eks.html");
    assert!(eks(episode.path()).contains("profile episode-2021"));
    let create = |profile: &str| {
        let profile = Profile::builtin(profile).expect("profile");
        let lesson = lesson(&builtin(), "eks").expanded(&profile);
        lesson
            .steps
            .iter()
            .find(|s| s.id == "create-cluster")
            .expect("the create step")
            .command
            .clone()
    };
    assert_ne!(create("current"), create("episode-2021"));
    assert!(eks(current.path()).contains(&escaped(&create("current"))));
    assert!(eks(episode.path()).contains(&escaped(&create("episode-2021"))));
    assert!(!eks(episode.path()).contains(&escaped(&create("current"))));
}

#[test]
fn hints_diagrams_and_the_billable_warning_are_on_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    exported(dir.path(), &[]);
    let html = page(dir.path(), "eks.html");
    assert!(html.contains("Creates billable AWS resources"));
    assert!(html.contains("<ul class=\"hints\">"));
    assert!(html.contains("When you see “AlreadyExistsException”: "));
    let lessons = builtin();
    let eks = lesson(&lessons, "eks");
    let diagram = eks
        .diagrams
        .values()
        .next()
        .expect("the lesson has a diagram");
    let line = diagram
        .lines()
        .find(|l| l.contains("current-context"))
        .expect("a line of the kubeconfig diagram");
    assert!(html.contains("<figure class=\"diagram\"><pre>"));
    assert!(
        html.contains(&escaped(line)),
        "the diagram's text in a <pre>"
    );
    assert!(!html.contains("<img"), "a text diagram is not an image");
}

#[test]
fn speaker_notes_appear_only_with_the_flag() {
    let lessons = builtin();
    let note = lesson(&lessons, "deployments").notes[0].text.clone();
    let first_line = note.lines().next().expect("a note has text").trim();
    assert!(first_line.len() > 20 && escaped(first_line) == first_line);

    let plain = tempfile::tempdir().expect("temp dir");
    exported(plain.path(), &[]);
    for entry in std::fs::read_dir(plain.path()).expect("read") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read page");
        assert!(!text.contains(first_line), "{}", path.display());
        assert!(!text.contains("class=\"notes\""), "{}", path.display());
        assert!(!text.contains("notes:"), "{}", path.display());
    }

    let with = tempfile::tempdir().expect("temp dir");
    exported(with.path(), &["--with-notes"]);
    let html = page(with.path(), "deployments.html");
    let aside = html
        .find("<aside class=\"notes\">")
        .expect("the notes are marked as notes");
    assert!(html[aside..].contains(first_line), "{html}");
    assert!(html[aside..].contains("Speaker notes"));
}

#[test]
fn a_lessons_folder_is_exported_instead_of_the_built_in_lessons() {
    let lessons = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        lessons.path().join("good.md"),
        "---\nid: good\ntitle: A <good> lesson\nsummary: It validates.\nminutes: 3\norder: 1\n---\n\n\
         Some prose.\n\n```sh step id=look\nkubectl get nodes\n```\n\n```toml step-config\n\
         title = \"Look at the `nodes`\"\ntimeout = \"10s\"\n\n[[check]]\nkind = \"nodes-ready\"\n\
         count = 2\ntimeout = \"1m\"\nhint = \"Wait a little.\"\n```\n",
    )
    .expect("write lesson");
    let dir = tempfile::tempdir().expect("temp dir");
    exported(
        dir.path(),
        &["--lessons", lessons.path().to_str().expect("UTF-8")],
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".html"))
        .collect();
    names.sort();
    assert_eq!(names, ["good.html", "index.html"]);
    let html = page(dir.path(), "good.html");
    assert!(html.contains("<h1>A &lt;good&gt; lesson</h1>"), "{html}");
    assert!(
        html.contains("Step 1: Look at the <code>nodes</code></h3>"),
        "{html}"
    );
    assert!(
        html.contains("2 nodes are Ready (waiting up to 1m)"),
        "{html}"
    );
    assert!(html.contains("If not: Wait a little."), "{html}");
}

#[test]
fn a_folder_that_is_not_empty_or_not_a_folder_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let out = export(&["--html", dir.path().to_str().expect("UTF-8")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not empty") && err.contains("notes.txt"),
        "{err}"
    );
    assert!(!dir.path().join("index.html").exists(), "nothing written");

    let file = dir.path().join("notes.txt");
    let out = export(&["--html", file.to_str().expect("UTF-8")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a folder"), "{err}");
}

#[test]
fn exporting_into_the_same_folder_again_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    exported(dir.path(), &[]);
    exported(dir.path(), &["--with-notes"]);
    assert!(page(dir.path(), "deployments.html").contains("<aside class=\"notes\">"));
}
