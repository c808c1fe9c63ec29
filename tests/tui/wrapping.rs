//! Long text on screen: output lines, commands, the billable question,
//! banners and skip reasons wrap (with an indent) instead of being cut, at
//! 80×24 and at the smallest size the app accepts, and a command copied
//! from a step box still runs.

use std::time::Duration;

use crate::support::tui::{apply, frame, lesson, paragraphs, pods_check, settings, step};
use trinetes::execute::ExecutionEvent;
use trinetes::lesson::{BackendKind, Lesson};
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::markdown::line_text;
use trinetes::tui::markdown::wrap::join_continued;
use trinetes::tui::screens::reader::step_box::{COMMAND_INDENT, StepBoxContext, render};
use trinetes::tui::state::{App, MIN_HEIGHT, MIN_WIDTH};
use trinetes::tui::strings;
use trinetes::tui::theme::Theme;

const SIZES: [(u16, u16); 2] = [(80, 24), (MIN_WIDTH, MIN_HEIGHT)];

const LONG_COMMAND: &str = "helm upgrade --install tcb trino/trino --namespace default \
     --version 0.30.0 --values values.yaml --set server.workers=2 --no-hooks --wait";

const LONG_ERROR: &str = "Error from server (Forbidden): pods is forbidden: User \
     \"system:serviceaccount:default:learner\" cannot list resource \"pods\" in API group \"\" \
     in the namespace \"kube-system\"";

const SKIP_REASON: &str = "needs a real AWS account with permission to create VPCs, \
     node groups and load balancers, which the dry-run world only pretends to have";

fn snapshot(name: &str, body: String) {
    insta::with_settings!({
        snapshot_suffix => name.to_string(),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("frame", body);
    });
}

/// One lesson: a long helm command, a billable eksctl step skipped on
/// dry-run for a long reason, then a step with a tall box.
fn lessons() -> Vec<Lesson> {
    let helm = step("install", "Install Trino with Helm", LONG_COMMAND);
    let mut eks = step(
        "create-cluster",
        "Create the EKS cluster",
        "eksctl create cluster --name trinetes-demo --region us-east-1 --nodes 2 \
         --node-type m5.xlarge --with-oidc --managed",
    );
    eks.billable = true;
    eks.backends = vec![BackendKind::Live];
    eks.skip_reason = Some(SKIP_REASON.to_string());
    vec![
        lesson("trino", "Trino on Kubernetes")
            .markdown(&format!("# Trino\n\n{}", paragraphs(1)))
            .step(helm)
            .markdown(&paragraphs(2))
            .step(eks)
            .markdown(&paragraphs(2))
            .build(),
    ]
}

fn app_at(width: u16, height: u16) -> App {
    App::new(lessons(), Progress::default(), settings(), (width, height))
}

/// The reader with step `n` (from 1) selected, even one skipped here
/// (which Tab passes over).
fn at_step(width: u16, height: u16, n: usize) -> App {
    let mut app = app_at(width, height);
    apply(&mut app, [Action::Open]);
    trinetes::tui::screens::reader::update::select_step(&mut app, n - 1);
    apply(&mut app, [Action::ScrollBy(0)]);
    app
}

fn output(line: &str) -> ExecutionEvent {
    ExecutionEvent::Output {
        step: "install".to_string(),
        line: line.to_string(),
    }
}

#[test]
fn a_long_output_line_wraps_with_a_hanging_indent() {
    for (w, h) in SIZES {
        let mut app = at_step(w, h, 1);
        apply(&mut app, [Action::ExecuteStep]);
        apply(
            &mut app,
            [
                Action::ExecutionEvents(vec![output(LONG_ERROR)]),
                Action::ExecutionTick(Duration::from_secs(3)),
            ],
        );
        let screen = frame(&app);
        // Every word of the error is on screen: nothing is cut at the edge.
        for word in ["Forbidden", "learner", "resource", "\"kube-system\""] {
            assert!(screen.contains(word), "{word} is missing:\n{screen}");
        }
        snapshot(&format!("wrap_output_{w}x{h}"), screen);
    }
}

#[test]
fn the_output_pane_is_as_tall_as_its_output_up_to_its_maximum() {
    let mut app = at_step(80, 24, 1);
    apply(&mut app, [Action::ExecuteStep]);
    // The command's own line, wrapped to two rows.
    assert_eq!(app.output_height(), 2);
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![output("one"), output("two")])],
    );
    assert_eq!(app.output_height(), 4);
    let many = (0..40).map(|i| output(&format!("line {i}"))).collect();
    apply(&mut app, [Action::ExecutionEvents(many)]);
    // Two fifths of the 22 rows between the title and status bars, less
    // the pane's border and progress line.
    assert_eq!(app.output_height(), 22 * 2 / 5 - 2);
}

#[test]
fn a_long_command_in_a_step_box_wraps_between_flags() {
    for (w, h) in SIZES {
        let app = at_step(w, h, 1);
        let screen = frame(&app);
        for flag in [
            "--namespace",
            "--version",
            "--values",
            "--no-hooks",
            "--wait",
        ] {
            assert!(
                screen.lines().any(|l| l.contains(flag)),
                "{flag} is split:\n{screen}"
            );
        }
        snapshot(&format!("wrap_command_{w}x{h}"), screen);
    }
}

/// The text a learner would select in a box: its rows inside the borders,
/// without the `$ ` prompt and the prompt's margin on later rows.
fn copied_command(width: u16) -> Vec<String> {
    let theme = Theme::dark();
    let ctx = StepBoxContext {
        theme: &theme,
        backend: BackendKind::DryRun,
        selected: false,
        recorded: None,
        execution: None,
        next: None,
        cleanup: None,
        cluster: None,
        forward: None,
    };
    let s = step("install", "Install", LONG_COMMAND);
    let rows: Vec<String> = render(&s, 1, 1, width, &ctx)
        .iter()
        .map(|l| {
            let text = line_text(l);
            let inside = text.trim_start_matches("│ ").trim_end_matches(" │");
            inside.trim_end().to_string()
        })
        .collect();
    let first = rows
        .iter()
        .position(|r| r.starts_with("$ "))
        .expect("the command's first row");
    let mut lines = vec![rows[first]["$ ".len()..].to_string()];
    for row in &rows[first + 1..] {
        if !row.starts_with("  ") {
            break;
        }
        lines.push(row["  ".len()..].to_string());
    }
    lines
}

#[test]
fn a_command_copied_from_a_step_box_is_the_command() {
    // From the narrowest box where no word is wider than a line (a box in
    // the smallest accepted terminal is 58 wide) to one the command fits in.
    for width in [30, 40, 58, 76, 116, 200] {
        let lines = copied_command(width);
        assert_eq!(lines.len() == 1, width == 200, "{width}: {lines:?}");
        assert_eq!(
            join_continued(&lines, COMMAND_INDENT),
            LONG_COMMAND,
            "{width}: {lines:?}"
        );
    }
}

/// What the shell makes of the copied lines: the words it passes on.
fn shell_words(script: &str) -> String {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '[%s]\\n' {script}"))
        .output()
        .expect("sh runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn a_shell_reads_the_copied_lines_as_the_command() {
    let original = shell_words(LONG_COMMAND);
    for width in [30, 40, 58, 76] {
        let pasted = copied_command(width).join("\n");
        assert!(pasted.contains(" \\\n"), "{width}: {pasted}");
        assert_eq!(shell_words(&pasted), original, "{width}:\n{pasted}");
    }
}

#[test]
fn the_billable_question_shows_its_keys_at_every_accepted_size() {
    for width in (MIN_WIDTH..=140).step_by(4) {
        for height in MIN_HEIGHT..=26 {
            let mut app = at_step(width, height, 2);
            app.settings.backend = BackendKind::Live;
            app.doctor.passed = true; // the doctor's gate is tested in cost_guard.rs
            apply(&mut app, [Action::ExecuteStep]);
            assert!(app.overlay.is_some(), "{width}×{height}: asks first");
            let screen = frame(&app);
            // On live the answer is the cluster's name, typed.
            assert!(
                screen.contains(strings::CONFIRM_TYPED_KEYS),
                "{width}×{height}:\n{screen}"
            );
        }
    }
}

#[test]
fn the_billable_question_wraps_the_command() {
    for (w, h) in SIZES {
        let mut app = at_step(w, h, 2);
        app.settings.backend = BackendKind::Live;
        app.doctor.passed = true; // the doctor's gate is tested in cost_guard.rs
        apply(&mut app, [Action::ExecuteStep]);
        let screen = frame(&app);
        assert!(screen.contains("--node-type"), "{screen}");
        snapshot(&format!("wrap_billable_{w}x{h}"), screen);
    }
}

#[test]
fn a_long_banner_wraps_with_an_indent_and_keeps_its_dismiss_key_whole() {
    for (w, h) in SIZES {
        let mut app = at_step(w, h, 1);
        app.warning = Some(
            "the progress file at /home/learner/.local/state/trinetes/progress.toml \
             could not be read; it was moved aside and trinetes started fresh"
                .to_string(),
        );
        apply(&mut app, [Action::ScrollBy(0)]);
        let screen = frame(&app);
        assert!(
            screen.lines().any(|l| l.contains(strings::WARNING_DISMISS)),
            "{screen}"
        );
        let second = screen.lines().nth(2).expect("a second banner row");
        assert!(
            second.starts_with("   ") && !second.starts_with("    "),
            "{screen}"
        );
        snapshot(&format!("wrap_banner_{w}x{h}"), screen);
    }
}

#[test]
fn a_long_skip_reason_wraps_with_an_indent() {
    for (w, h) in SIZES {
        let app = at_step(w, h, 2);
        let screen = frame(&app);
        assert!(screen.contains("pretends to have"), "{screen}");
        snapshot(&format!("wrap_skip_reason_{w}x{h}"), screen);
    }
}

/// The box's title row on screen, if it is.
fn title_row(app: &App, title: &str) -> Option<usize> {
    frame(app).lines().position(|l| l.contains(title))
}

/// With three checks, the running box is taller than the text area at the
/// smallest size: its end and its title cannot both show.
#[test]
fn a_running_step_keeps_its_title_in_view_as_its_output_grows() {
    let mut app = app_at(MIN_WIDTH, MIN_HEIGHT);
    app.lessons[0].steps[0].checks = (3..6).map(|n| pods_check("app=trino", n)).collect();
    apply(
        &mut app,
        [Action::Open, Action::NextStep, Action::ExecuteStep],
    );
    let height = usize::from(app.text_area().1);
    let reader = app.reader.as_ref().expect("the reader");
    assert!(
        reader.doc.steps[0].len() > height,
        "the box is taller than the text"
    );
    assert!(
        title_row(&app, "Install Trino with Helm").is_some(),
        "{}",
        frame(&app)
    );
    for i in 0..8 {
        apply(
            &mut app,
            [Action::ExecutionEvents(vec![output(&format!(
                "release line {i}"
            ))])],
        );
        assert!(
            title_row(&app, "Install Trino with Helm").is_some(),
            "after {i} lines:\n{}",
            frame(&app)
        );
    }
}

/// Lines that wrap to several rows each: scrolling line by line from the
/// top reaches every one, and the last scroll position shows the end.
#[test]
fn every_wrapped_output_line_can_be_scrolled_to() {
    let mut app = at_step(80, 24, 1);
    apply(&mut app, [Action::ExecuteStep]);
    let long = (1..=12)
        .map(|i| output(&format!("entry-{i:02} {}", "word ".repeat(30))))
        .collect();
    apply(&mut app, [Action::ExecutionEvents(long)]);
    apply(&mut app, [Action::ToggleOutput, Action::Top]);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let screen = frame(&app);
        for i in 1..=12 {
            if screen.contains(&format!("entry-{i:02}")) {
                seen.insert(i);
            }
        }
        apply(&mut app, [Action::Down]);
    }
    assert_eq!(seen.len(), 12, "seen: {seen:?}");
    assert!(app.output.follow, "the end follows again");
}

/// A command too long for the screen: the question is cut, its keys are not.
#[test]
fn the_billable_question_keeps_its_keys_when_its_text_does_not_fit() {
    let mut app = app_at(MIN_WIDTH, MIN_HEIGHT);
    app.settings.backend = BackendKind::Live;
    app.doctor.passed = true; // the doctor's gate is tested in cost_guard.rs
    let flags: String = (0..40).map(|i| format!(" --flag-{i}=value")).collect();
    app.lessons[0].steps[1].command = format!("eksctl create cluster{flags}");
    apply(
        &mut app,
        [
            Action::Open,
            Action::NextStep,
            Action::NextStep,
            Action::ExecuteStep,
        ],
    );
    let screen = frame(&app);
    assert!(screen.contains(strings::CONFIRM_EXECUTE_KEYS), "{screen}");
    assert!(screen.contains("--flag-0=value"), "{screen}");
    assert!(!screen.contains("--flag-39=value"), "{screen}");
}

/// On the lesson list, a title too long for its row is cut with "…" and
/// never runs into its minutes, at 80×24 and at the smallest size.
#[test]
fn long_lesson_titles_on_the_list_keep_apart_from_their_minutes() {
    let profile = trinetes::lesson::Profile::builtin("current").expect("profile");
    let lessons: Vec<Lesson> = trinetes::lesson::builtin()
        .iter()
        .map(|l| l.expanded(&profile))
        .collect();
    let longest = lessons
        .iter()
        .map(|l| l.front.title.chars().count())
        .max()
        .unwrap_or(0);
    for (w, h) in SIZES {
        let app = App::new(lessons.clone(), Progress::default(), settings(), (w, h));
        let screen = frame(&app);
        let rows: Vec<&str> = screen
            .lines()
            .filter(|l| l.trim_end().ends_with(" min"))
            .collect();
        assert!(!rows.is_empty(), "{screen}");
        for row in &rows {
            let before = row.trim_end().trim_end_matches(" min");
            let before = before.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                before.ends_with(' '),
                "a title runs into its minutes: {row:?}"
            );
        }
        // At 80×24 every lesson is on screen, the longest title too.
        if (w, h) == (80, 24) && usize::from(w) < longest + 16 {
            assert!(
                screen.contains('…'),
                "a long title is cut at {w}×{h}:\n{screen}"
            );
        }
    }
}
