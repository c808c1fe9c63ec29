//! The presentation and the notes window, from the presenter's walk: a
//! section too long for the screen is shown in pages and nothing is cut
//! off; step titles draw their `code`; a failed check's line and hint wrap
//! on the slide; `r` in the notes window shows and runs a step in one
//! press, and the notes window is told which step that is.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use trinetes::execute::{ExecutionEvent, StepOutcome};
use trinetes::lesson::{BackendKind, Lesson, Profile, builtin};
use trinetes::present::Command;
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::execution::{CheckLine, CheckState, ExecutionMode, StepExecution};
use trinetes::tui::keymap::action_for_event;
use trinetes::tui::markdown::line_text;
use trinetes::tui::present::{Present, PresentConfig, pages, view};
use trinetes::tui::state::App;
use trinetes::tui::update::update;

use crate::support::tui::{frame, settings};

/// A lesson whose one section has far more prose than a screen holds,
/// numbered paragraphs, then a step whose title has inline code.
fn long_lesson(paragraphs: usize) -> Lesson {
    let prose: Vec<String> = (1..=paragraphs)
        .map(|n| format!("Paragraph {n} says something about pods and nodes."))
        .collect();
    let text = format!(
        "---\nid: long\ntitle: A long lesson\nsummary: s\nminutes: 5\norder: 1\n---\n\n\
         ## A long section\n\n{}\n\n```sh step id=hello\necho hello\n```\n\n\
         ```toml step-config\ntitle = \"Say `hello` to the room\"\ntimeout = \"10s\"\n```\n",
        prose.join("\n\n")
    );
    trinetes::lesson::parse(std::path::Path::new("long.md"), &text, &|_| None)
        .expect("the lesson parses")
}

fn presenting(lesson: Lesson, size: (u16, u16)) -> App {
    let mut app = App::new(vec![lesson], Progress::default(), settings(), size);
    app.doctor.passed = true;
    app.present = Some(Present::new(PresentConfig { type_speed: 0 }));
    press(&mut app, KeyCode::Enter);
    app
}

fn press(app: &mut App, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(action) = action_for_event(app, &event) {
        update(app, action);
    }
}

/// The paragraphs (by number) on the screen now.
fn paragraphs_on(app: &App) -> Vec<usize> {
    let screen = frame(app);
    screen
        .split("Paragraph ")
        .skip(1)
        .filter_map(|rest| {
            let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[n.len()..]
                .starts_with(" says something about pods and nodes.")
                .then(|| n.parse().ok())
                .flatten()
        })
        .collect()
}

#[test]
fn a_long_section_is_shown_in_pages_and_no_paragraph_is_cut_off() {
    let total = 30;
    let mut app = presenting(long_lesson(total), (100, 30));
    let first = frame(&app);
    assert!(first.contains("more ▸ Space"), "{first}");
    assert!(!first.contains("▸ Say"), "the step waits for the last page");
    let first_page = paragraphs_on(&app);
    let mut seen = Vec::new();
    let mut pages_seen = 0;
    // Bounded: each Space turns a page, until the step shows.
    for _ in 0..total {
        press(&mut app, KeyCode::Char(' '));
        if frame(&app).contains("▸ Say") {
            break;
        }
        let on = paragraphs_on(&app);
        assert!(!on.is_empty(), "{}", frame(&app));
        seen.extend(on);
        pages_seen += 1;
    }
    let all: Vec<usize> = first_page.into_iter().chain(seen).collect();
    assert_eq!(
        all,
        (1..=total).collect::<Vec<_>>(),
        "every paragraph whole, once, in order"
    );
    assert!(pages_seen > 1, "{pages_seen} pages");
    let last = frame(&app);
    assert!(last.contains(&format!("Paragraph {total} says")), "{last}");
    assert!(!last.contains("more ▸ Space"), "{last}");

    // ← hides the step, then turns back a page.
    press(&mut app, KeyCode::Left);
    assert!(!frame(&app).contains("▸ Say"));
    let before = paragraphs_on(&app);
    press(&mut app, KeyCode::Left);
    let earlier = paragraphs_on(&app);
    assert!(
        earlier.last() < before.first(),
        "{earlier:?} before {before:?}"
    );
    assert!(frame(&app).contains("more ▸ Space"));
}

#[test]
fn a_step_title_draws_its_inline_code() {
    let mut app = presenting(long_lesson(1), (100, 30));
    press(&mut app, KeyCode::Char(' '));
    let screen = frame(&app);
    assert!(screen.contains("▸ Say hello to the room"), "{screen}");
    assert!(!screen.contains('`'), "{screen}");
}

#[test]
fn a_failed_checks_line_and_hint_wrap_on_the_slide() {
    let mut app = presenting(long_lesson(1), (80, 30));
    press(&mut app, KeyCode::Char(' '));
    let step = app.lessons[0].steps[0].clone();
    let mut execution = StepExecution::new(0, 0, &step, ExecutionMode::Full);
    let hint = "if `create cluster` stopped early, `eksctl utils write-kubeconfig --cluster tcb-cluster --region us-east-1` writes the context again";
    execution.checks = vec![CheckLine {
        description: "the current kubectl context contains \"tcb-cluster.us-east-1.eksctl.io\" after the create".into(),
        state: CheckState::Failed {
            last_seen: String::new(),
            hint: hint.into(),
        },
        stalled: None,
    }];
    execution.outcome = Some(StepOutcome::Failed {
        reason: "check failed: the current kubectl context contains \"tcb-cluster.us-east-1.eksctl.io\": timed out after 20s".into(),
    });
    app.execution = Some(execution);
    app.output.lesson = Some(0);
    update(&mut app, Action::Resize(80, 30));
    let area = view::areas(&app, app.area());
    let lines = view::shown_step_lines(&app, area.steps.width);
    let text: Vec<String> = lines.iter().map(line_text).collect();
    let joined = text.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
    for whole in [hint, "timed out after 20s", "eksctl.io\" after the create"] {
        assert!(joined.contains(whole), "{whole}: {text:#?}");
    }
    assert!(
        text.iter()
            .all(|l| l.chars().count() <= usize::from(area.steps.width)),
        "{text:#?}"
    );
    let screen = frame(&app);
    assert!(screen.contains("writes the context again"), "{screen}");
}

#[test]
fn r_in_the_notes_window_shows_and_runs_the_step_in_one_press() {
    let mut app = presenting(long_lesson(30), (100, 30));
    assert_eq!(app.present.as_ref().map(|p| p.revealed), Some(0));
    let presses = pages::presses_to_next_step(&app);
    assert!(presses > 1, "pages to turn first: {presses}");
    update(&mut app, Action::FromNotes(Command::Run));
    assert_eq!(app.present.as_ref().map(|p| p.revealed), Some(1));
    let request = app.pending_execution.take().expect("the step runs at once");
    assert_eq!((request.lesson, request.step), (0, 0));
    assert!(frame(&app).contains("▸ Say hello to the room"));
    // Once shown, r runs the same step again, and nothing more is shown.
    update(
        &mut app,
        Action::ExecutionEvents(vec![ExecutionEvent::StepFinished {
            step: "hello".into(),
            outcome: StepOutcome::Passed,
            duration: std::time::Duration::from_millis(5),
            hints: vec![],
        }]),
    );
    update(&mut app, Action::FromNotes(Command::Run));
    assert_eq!(app.present.as_ref().map(|p| p.revealed), Some(1));
    // It passed, so the presentation asks first, and y from notes answers.
    assert_eq!(
        app.overlay,
        Some(trinetes::tui::screens::overlay::Overlay::Confirm(
            trinetes::tui::screens::overlay::Confirm::RunAgain(0, 0)
        ))
    );
    assert!(app.pending_execution.is_none());
    // n from notes says no: the question goes, nothing runs, nothing moves.
    let revealed = app.present.as_ref().map(|p| p.revealed);
    update(&mut app, Action::FromNotes(Command::Next));
    assert_eq!(app.overlay, None);
    assert!(app.pending_execution.is_none());
    assert_eq!(app.present.as_ref().map(|p| p.revealed), revealed);
    // Asked again, y from notes answers yes.
    update(&mut app, Action::FromNotes(Command::Run));
    update(&mut app, Action::FromNotes(Command::Yes));
    assert_eq!(app.pending_execution.map(|r| r.step), Some(0));
}

/// On every screen of every built-in lesson, at a projector's size and at
/// a small one, the page of prose on screen fits its area whole, and the
/// pages together hold every line of the section's prose.
#[test]
fn the_built_in_lessons_prose_is_never_cut_off() {
    let profile = Profile::builtin("current").expect("profile");
    let lessons: Vec<_> = builtin().iter().map(|l| l.expanded(&profile)).collect();
    let count = lessons.len();
    for size in [(120, 36), (80, 24)] {
        let mut app = App::new(lessons.clone(), Progress::default(), settings(), size);
        app.settings.backend = BackendKind::DryRun;
        app.present = Some(Present::new(PresentConfig { type_speed: 0 }));
        for lesson in 0..count {
            app.list_selected = lesson;
            update(&mut app, Action::Open);
            let sections = app.present.as_ref().map_or(0, |p| p.sections.len());
            for section in 0..sections {
                if let Some(p) = app.present.as_mut() {
                    p.go_to(section, 0);
                }
                update(&mut app, Action::Resize(size.0, size.1));
                let (all, _) = pages::on_screen(&app);
                let body = app
                    .present
                    .as_ref()
                    .map(|p| p.body.clone())
                    .unwrap_or_default();
                let shown: usize = all.iter().map(|r| r.len()).sum();
                let blank = body
                    .iter()
                    .filter(|l| line_text(l).trim().is_empty())
                    .count();
                assert!(
                    shown + blank >= body.len(),
                    "lesson {lesson} section {section} at {size:?}: {shown} of {} lines",
                    body.len()
                );
                for page in 0..all.len() {
                    if let Some(p) = app.present.as_mut() {
                        p.page = page;
                    }
                    let (all, on) = pages::on_screen(&app);
                    let area = view::areas(&app, app.area());
                    let more = usize::from(on + 1 < all.len());
                    assert!(
                        usize::from(area.body.height) >= all[on].len() + more,
                        "lesson {lesson} section {section} page {on} at {size:?}"
                    );
                }
            }
            update(&mut app, Action::Back);
        }
    }
}

/// Once a step passed, `r` in the notes window goes on to the next step on
/// the screen (and the window names that one), instead of asking to run
/// the passed one again.
#[test]
fn after_a_pass_r_in_notes_runs_the_next_step_on_the_screen() {
    let text = "---\nid: two\ntitle: Two steps\nsummary: s\nminutes: 5\norder: 1\n---\n\n\
         ## Both here\n\nFirst one, then the other.\n\n\
         ```sh step id=one\necho one\n```\n\n```toml step-config\ntitle = \"The first\"\ntimeout = \"10s\"\n```\n\n\
         ```sh step id=two\necho two\n```\n\n```toml step-config\ntitle = \"The second\"\ntimeout = \"10s\"\n```\n";
    let lesson =
        trinetes::lesson::parse(std::path::Path::new("two.md"), text, &|_| None).expect("parses");
    let mut app = presenting(lesson, (100, 30));
    update(&mut app, Action::FromNotes(Command::Run));
    let request = app.pending_execution.take().expect("the first runs");
    assert_eq!(request.step, 0);
    update(
        &mut app,
        Action::ExecutionEvents(vec![ExecutionEvent::StepFinished {
            step: "one".into(),
            outcome: StepOutcome::Passed,
            duration: std::time::Duration::from_millis(5),
            hints: vec![],
        }]),
    );
    update(&mut app, Action::FromNotes(Command::Run));
    assert_eq!(app.overlay, None, "no question about the passed step");
    let request = app.pending_execution.take().expect("the second runs");
    assert_eq!(request.step, 1);
    assert_eq!(
        app.present.as_ref().map(|p| p.shown_steps().to_vec()),
        Some(vec![0, 1])
    );
}

/// A notice on the presentation's progress line goes when the slides move
/// on, so a projector does not keep "Marked as completed" for the rest of
/// the talk.
#[test]
fn a_notice_on_the_slides_goes_when_they_move_on() {
    let mut app = presenting(long_lesson(3), (100, 30));
    app.set_notice("Marked as completed: A long lesson", None);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.notice, None);
}
