//! The presentation (`--present`) over the TUI's state: keys reveal steps
//! and type their commands, and running one goes through the same
//! execution as the reader's, billable question included; fast-forward
//! says why not where it cannot act.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use trinetes::lesson::BackendKind;
use trinetes::progress::Progress;
use trinetes::tui::action::{Action, PresentTime};
use trinetes::tui::keymap::action_for_event;
use trinetes::tui::present::{Present, PresentConfig};
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::state::App;
use trinetes::tui::strings;
use trinetes::tui::update::update;

use crate::support::tui::{frame, lesson, settings, step};

fn presenting(backend: BackendKind, type_speed: u32) -> App {
    let mut create = step(
        "create-cluster",
        "Create the EKS cluster",
        "eksctl create cluster --name tcb-cluster --region us-east-1 --nodes 2",
    );
    create.billable = true;
    let eks = lesson("eks", "EKS and eksctl")
        .markdown("## Create the cluster\n\nThis is the slow part.\n")
        .step(create)
        .build();
    let mut s = settings();
    s.backend = backend;
    s.backend_label = backend.name().to_string();
    let mut app = App::new(vec![eks], Progress::default(), s, (100, 40));
    app.doctor.passed = true;
    app.present = Some(Present::new(PresentConfig { type_speed }));
    press(&mut app, KeyCode::Enter);
    app
}

fn press(app: &mut App, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(action) = action_for_event(app, &event) {
        update(app, action);
    }
}

fn tick(app: &mut App, instant: Instant) {
    update(
        app,
        Action::PresentTick(PresentTime {
            instant,
            clock: "09:41".to_string(),
        }),
    );
}

#[test]
fn space_shows_the_step_and_types_its_command_at_the_speed() {
    let mut app = presenting(BackendKind::DryRun, 10);
    let screen = frame(&app);
    assert!(screen.contains("This is the slow part."), "{screen}");
    assert!(!screen.contains("Create the EKS cluster"), "{screen}");

    press(&mut app, KeyCode::Char(' '));
    let start = Instant::now();
    tick(&mut app, start);
    tick(&mut app, start + Duration::from_millis(700));
    let screen = frame(&app);
    assert!(screen.contains("▸ Create the EKS cluster"), "{screen}");
    assert!(
        screen.contains("$ eksctl █"),
        "seven characters typed: {screen}"
    );
    assert!(screen.contains("EKS and eksctl · 1/1"), "{screen}");
    assert!(screen.contains("09:41"), "the clock: {screen}");

    // Space while typing finishes it, and runs nothing.
    press(&mut app, KeyCode::Char(' '));
    assert!(app.pending_execution.is_none());
    assert!(app.overlay.is_none());
    let screen = frame(&app);
    assert!(screen.contains("--nodes 2"), "{screen}");
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(0));
}

#[test]
fn a_billable_step_asks_for_the_clusters_name_as_in_the_reader() {
    // Enter while the command is typed shows it whole and runs it: here,
    // asks first.
    let mut app = presenting(BackendKind::Live, 1);
    press(&mut app, KeyCode::Char(' '));
    assert!(app.present.as_ref().is_some_and(|p| p.is_typing()));
    press(&mut app, KeyCode::Enter);
    assert!(app.present.as_ref().is_some_and(|p| !p.is_typing()));
    assert_eq!(
        app.overlay,
        Some(Overlay::Confirm(Confirm::ExecuteStep(0, 0)))
    );
    assert!(
        app.pending_execution.is_none(),
        "nothing runs before the answer"
    );
    for c in "tcb-cluster".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert!(
        app.pending_execution.is_some(),
        "the step runs after the name"
    );
    assert!(app.executing);

    // On a real backend, fast-forward says why it does nothing.
    press(&mut app, KeyCode::Char('f'));
    assert!(!app.fast_forward);
    assert_eq!(app.notice.as_deref(), Some(strings::FAST_FORWARD_REAL));
}

#[test]
fn fast_forward_on_dry_run_holds_only_while_a_step_runs() {
    let mut app = presenting(BackendKind::DryRun, 0);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('f'));
    assert!(!app.fast_forward);
    assert_eq!(app.notice.as_deref(), Some(strings::FAST_FORWARD_IDLE));
    // On dry-run the billable step asks with y / Enter.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(app.executing, "{:?}", app.overlay);
    press(&mut app, KeyCode::Char('f'));
    assert!(app.fast_forward);
    let screen = frame(&app);
    assert!(screen.contains("⏩ fast-forward"), "{screen}");
}

#[test]
fn back_hides_the_step_and_the_first_screen_says_so() {
    let mut app = presenting(BackendKind::DryRun, 0);
    press(&mut app, KeyCode::Char(' '));
    assert!(frame(&app).contains("▸ Create the EKS cluster"));
    press(&mut app, KeyCode::Left);
    assert!(!frame(&app).contains("▸ Create the EKS cluster"));
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), None);
    press(&mut app, KeyCode::Left);
    assert_eq!(app.notice.as_deref(), Some(strings::PRESENT_FIRST_SCREEN));
}

#[test]
fn the_help_window_lists_the_presentations_keys_instead_of_the_readers() {
    let mut app = presenting(BackendKind::DryRun, 0);
    press(&mut app, KeyCode::Char('?'));
    let screen = frame(&app);
    for line in trinetes::tui::keymap::help_lines_for(true) {
        assert!(
            screen.contains(line.text),
            "help lacks {}:\n{screen}",
            line.text
        );
    }
    assert!(!screen.contains("search in this lesson"), "{screen}");
}

/// The notes window's `n` is the reader's Tab: on the last step it used to
/// do nothing and say nothing.
#[test]
fn next_step_on_the_readers_last_step_says_so() {
    let eks = lesson("eks", "EKS and eksctl")
        .step(step("a", "First", "echo a"))
        .step(step("b", "Second", "echo b"))
        .build();
    let mut app = App::new(vec![eks], Progress::default(), settings(), (100, 40));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(1));
    assert_eq!(app.notice, None, "a step after: nothing to say");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(1));
    assert_eq!(app.notice.as_deref(), Some(strings::NOTICE_LAST_STEP));
}

/// A step that ran on the simulated world after a live failure says so on
/// the slide too, not only in the status line.
#[test]
fn a_step_run_on_the_simulated_world_says_so_on_the_slide() {
    let mut app = presenting(BackendKind::DryRun, 0);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(app.executing, "{:?}", app.overlay);
    let before = frame(&app);
    assert!(!before.contains(strings::BADGE_SIMULATED), "{before}");
    if let Some(execution) = app.execution.as_mut() {
        execution.simulated = true;
    }
    let screen = frame(&app);
    assert!(screen.contains(strings::BADGE_SIMULATED), "{screen}");
}

/// Every screen of the built-in lessons keeps its paragraphs apart: the
/// prose after a step does not run on from the prose before it.
#[test]
fn the_built_in_lessons_screens_keep_paragraphs_apart() {
    use trinetes::lesson::{Profile, builtin};
    let profile = Profile::builtin("current").expect("profile");
    let lessons: Vec<_> = builtin().iter().map(|l| l.expanded(&profile)).collect();
    let count = lessons.len();
    let mut s = settings();
    s.backend = BackendKind::DryRun;
    let mut app = App::new(lessons, Progress::default(), s, (140, 60));
    app.present = Some(Present::new(PresentConfig { type_speed: 0 }));
    for lesson in 0..count {
        app.list_selected = lesson;
        update(&mut app, Action::Open);
        let sections = app.present.as_ref().map_or(0, |p| p.sections.len());
        for section in 0..sections {
            if let Some(p) = app.present.as_mut() {
                p.section = section;
            }
            update(&mut app, Action::Resize(140, 60));
            let text = app
                .present
                .as_ref()
                .and_then(|p| p.current())
                .map(|s| s.text.clone());
            if let Some(text) = text {
                for glued in [":Each", ".The", ":The"] {
                    assert!(
                        !text.contains(glued),
                        "lesson {lesson} section {section}: {text}"
                    );
                }
            }
        }
        update(&mut app, Action::Back);
    }
}

/// A talk can start from the notes window: on the lesson list, its n
/// opens the selected lesson.
#[test]
fn n_in_the_notes_window_opens_the_selected_lesson_from_the_list() {
    use trinetes::present::Command;
    use trinetes::tui::state::Screen;
    let mut app = presenting(BackendKind::DryRun, 0);
    update(&mut app, Action::Back);
    assert_eq!(app.screen, Screen::List);
    update(&mut app, Action::FromNotes(Command::Next));
    assert_eq!(app.screen, Screen::Reader);
}
