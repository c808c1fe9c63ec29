//! Port-forwards in the TUI: the status bar lists them, leaving or
//! completing their lesson (or `f`) asks the event loop to close them, and
//! prose follows a port a forward had to move.

use crate::support::tui::{app, apply, frame, lesson, settings};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use trinetes::backend::portforward::ForwardStatus;
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::keymap::action_for_key;
use trinetes::tui::state::App;

fn forward(local: &str, wanted: Option<u16>, problem: Option<&str>) -> ForwardStatus {
    ForwardStatus {
        local: local.parse().expect("an address"),
        wanted_port_taken: wanted,
        target: "svc/tcb-trino".to_string(),
        problem: problem.map(str::to_string),
    }
}

#[test]
fn the_status_bar_lists_the_open_forwards_and_a_lost_pod() {
    let mut app = app(100, 24);
    assert!(!frame(&app).contains('⇄'), "no forward, no mark");
    app.forwards = vec![forward("127.0.0.1:8080", None, None)];
    let screen = frame(&app);
    let status = screen.lines().last().expect("a status line");
    assert!(
        status.contains("⇄ 127.0.0.1:8080 → svc/tcb-trino (f stops)"),
        "{status}"
    );
    apply(&mut app, [Action::Open]);
    app.forwards = vec![forward("127.0.0.1:8080", None, Some("pod web-1 is gone"))];
    let screen = frame(&app);
    let status = screen.lines().last().expect("a status line");
    assert!(status.contains("(pod web-1 is gone)"), "{status}");
}

#[test]
fn leaving_or_completing_the_lesson_or_f_stops_the_forwards() {
    let mut app = app(100, 24);
    apply(&mut app, [Action::Open, Action::Down, Action::NextStep]);
    assert!(!app.stop_forwards, "reading does not stop them");
    apply(&mut app, [Action::Back]);
    assert!(app.stop_forwards, "leaving the lesson stops them");

    app.stop_forwards = false;
    apply(&mut app, [Action::Open, Action::MarkCompleted]);
    assert!(app.stop_forwards, "completing the lesson stops them");

    app.stop_forwards = false;
    let key = KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE);
    let action = action_for_key(&app, &key).expect("f is bound");
    assert_eq!(action, Action::StopForwards);
    apply(&mut app, [action]);
    assert!(app.stop_forwards, "f stops them");
}

#[test]
fn prose_names_the_port_the_forward_really_has() {
    let lessons = vec![
        lesson("ui", "The Trino UI")
            .markdown("Now open <http://127.0.0.1:8080> in a browser.")
            .build(),
    ];
    let mut app = App::new(lessons, Progress::default(), settings(), (80, 20));
    apply(&mut app, [Action::Open]);
    assert!(frame(&app).contains("http://127.0.0.1:8080"));
    app.forwards = vec![forward("127.0.0.1:8081", Some(8080), None)];
    apply(&mut app, [Action::Resize(80, 20)]);
    let screen = frame(&app);
    assert!(screen.contains("http://127.0.0.1:8081"), "{screen}");
    assert!(!screen.contains("127.0.0.1:8080"), "{screen}");
}

/// A lesson whose one step forwards svc/tcb-trino, recorded as passed.
fn forwarded_lesson() -> App {
    let mut forward = crate::support::tui::step(
        "port-forward",
        "Forward port 8080 to Trino",
        "kubectl port-forward svc/tcb-trino 8080:8080",
    );
    forward.background = true;
    let lessons = vec![
        lesson("trino", "Trino")
            .markdown("# Trino\n\nForward a port.")
            .step(forward)
            .build(),
    ];
    let mut progress = Progress::default();
    progress.record_step(
        "trino",
        "port-forward",
        trinetes::progress::RecordedOutcome::Passed,
    );
    App::new(lessons, progress, settings(), (100, 30))
}

#[test]
fn a_passed_forward_step_shows_its_forward_closed_once_it_is_gone() {
    let mut app = forwarded_lesson();
    app.forwards = vec![forward("127.0.0.1:8080", None, None)];
    apply(&mut app, [Action::Open]);
    let open = frame(&app);
    assert!(open.contains("✔ passed"), "{open}");

    // The event loop closed it (the lesson was left, f, or trinetes restarted).
    app.forwards.clear();
    trinetes::tui::screens::reader::document::sync(&mut app);
    let closed = frame(&app);
    assert!(!closed.contains("✔ passed"), "{closed}");
    assert!(closed.contains("⇄ forward closed"), "{closed}");
    assert!(closed.contains("run this step again"), "{closed}");
}

#[test]
fn a_lesson_finished_by_its_forward_step_keeps_the_forward_open() {
    let forward = crate::support::tui::step(
        "port-forward",
        "Forward the Trino UI",
        "kubectl port-forward svc/tcb-trino 8080:8080",
    );
    let lessons = vec![lesson("ui", "The Trino UI").step(forward).build()];
    let mut app = App::new(lessons, Progress::default(), settings(), (100, 30));
    apply(
        &mut app,
        [Action::Open, Action::NextStep, Action::ExecuteStep],
    );
    assert!(app.executing, "the step runs");
    apply(
        &mut app,
        [Action::ExecutionEvents(vec![
            trinetes::execute::ExecutionEvent::StepFinished {
                step: "port-forward".to_string(),
                outcome: trinetes::execute::StepOutcome::Passed,
                duration: std::time::Duration::from_millis(50),
                hints: Vec::new(),
            },
        ])],
    );
    assert_eq!(
        app.progress.status("ui"),
        trinetes::progress::LessonStatus::Completed,
        "its last step passed: the lesson is complete"
    );
    assert!(
        !app.stop_forwards,
        "the forward stays open for the learner to use"
    );
}
