//! The live backend's cost guard in the TUI: a step that creates an EKS
//! cluster shows its estimate and runs only once the cluster's name has been
//! typed; y and Enter alone do not create anything.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use trinetes::lesson::BackendKind;
use trinetes::progress::Progress;
use trinetes::tui::keymap::action_for_event;
use trinetes::tui::state::App;
use trinetes::tui::update::update;

use crate::support::tui::{frame, lesson, settings, step};

fn live_app() -> App {
    let mut create = step(
        "create-cluster",
        "Create the EKS cluster",
        "eksctl create cluster --name tcb-cluster --region us-east-1 --nodes 2 --node-type t2.large",
    );
    create.billable = true;
    let eks = lesson("eks", "EKS and eksctl").step(create).build();
    let mut s = settings();
    s.backend = BackendKind::Live;
    s.backend_label = "live".to_string();
    let mut app = App::new(vec![eks], Progress::default(), s, (100, 40));
    // The doctor's checks passed (the gate has tests of its own below).
    app.doctor.passed = true;
    app
}

fn press(app: &mut App, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(action) = action_for_event(app, &event) {
        update(app, action);
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

#[test]
fn a_live_cluster_is_created_only_after_its_name_is_typed() {
    let mut app = live_app();
    press(&mut app, KeyCode::Enter); // open the lesson
    press(&mut app, KeyCode::Tab); // select the step
    press(&mut app, KeyCode::Enter); // ask to run it
    let shown = frame(&app);
    assert!(
        shown.contains("This creates the EKS cluster tcb-cluster"),
        "{shown}"
    );
    assert!(shown.contains("about $0.29 per hour"), "{shown}");
    assert!(
        shown.contains("type the cluster's name, tcb-cluster"),
        "{shown}"
    );

    // y types a letter, Enter with the wrong name keeps the question open.
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_some(), "still asking");
    assert!(app.pending_execution.is_none(), "nothing ran");
    assert!(frame(&app).contains("> y_"), "{}", frame(&app));

    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "tcb-cluster");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "answered");
    assert!(app.pending_execution.is_some(), "the step starts");
}

#[test]
fn esc_cancels_the_typed_question() {
    let mut app = live_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "tcb");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert!(app.pending_execution.is_none());
    // Asked again, the question starts empty.
    press(&mut app, KeyCode::Enter);
    assert!(frame(&app).contains("> _"), "{}", frame(&app));
}

#[test]
fn a_billed_cluster_shows_its_age_and_spend_and_quitting_asks_first() {
    let mut app = live_app();
    let since = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_mins(62))
        .unwrap();
    app.spending = vec![trinetes::backend::Spending {
        what: "EKS tcb-cluster".to_string(),
        since,
        per_hour: Some(0.2856),
    }];
    let shown = frame(&app);
    assert!(
        shown.contains("EKS tcb-cluster, up 1h02m, about $0.30 so far"),
        "{shown}"
    );
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit, "it asks first");
    let shown = frame(&app);
    assert!(shown.contains("Quit and leave it running?"), "{shown}");
    assert!(shown.contains("trinetes cleanup"), "{shown}");
    press(&mut app, KeyCode::Char('y'));
    assert!(app.should_quit);
}

#[test]
fn without_anything_billed_q_quits_at_once() {
    let mut app = live_app();
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit);
}

#[test]
fn the_first_real_step_waits_for_the_doctor_and_a_missing_tool_stops_it() {
    use trinetes::doctor::{Report, Row, Status};
    let mut app = live_app();
    app.doctor.passed = false;
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert!(
        app.doctor.requested.is_some(),
        "the event loop is asked to check"
    );
    assert!(
        frame(&app).contains("Checking the tools"),
        "{}",
        frame(&app)
    );
    // The event loop would start the checks, then report.
    app.doctor.running = app.doctor.requested.take();
    let missing = Report {
        rows: vec![Row {
            what: "eksctl".into(),
            status: Status::Fail,
            found: "not found on PATH".into(),
            fix: Some("install eksctl: https://eksctl.io/installation/".into()),
            required: true,
        }],
    };
    update(&mut app, trinetes::tui::action::Action::DoctorDone(missing));
    let shown = frame(&app);
    assert!(shown.contains("✘ eksctl  not found on PATH"), "{shown}");
    assert!(shown.contains("fix the rows marked ✘"), "{shown}");
    press(&mut app, KeyCode::Enter);
    assert!(app.pending_execution.is_none(), "nothing runs");
    assert!(app.overlay.is_some(), "the table stays until Esc");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    // Fixed: asked again, it passes, and Enter goes on to the cost question.
    press(&mut app, KeyCode::Enter);
    app.doctor.running = app.doctor.requested.take();
    let ready = Report {
        rows: vec![Row {
            what: "eksctl".into(),
            status: Status::Ok,
            found: "0.230.0".into(),
            fix: None,
            required: true,
        }],
    };
    update(&mut app, trinetes::tui::action::Action::DoctorDone(ready));
    assert!(
        frame(&app).contains("Everything this lesson's commands need is there."),
        "{}",
        frame(&app)
    );
    press(&mut app, KeyCode::Enter);
    assert!(app.doctor.passed);
    assert!(
        frame(&app).contains("type the cluster's name"),
        "{}",
        frame(&app)
    );
}

#[test]
fn lessons_from_a_folder_are_trusted_explicitly_before_the_first_real_step() {
    use trinetes::doctor::{Report, Row, Status};
    let mut app = live_app();
    app.doctor.passed = false;
    app.settings.custom_lessons = Some("/home/learner/my-lessons".into());
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    app.doctor.running = app.doctor.requested.take();
    let ready = Report {
        rows: vec![Row {
            what: "eksctl".into(),
            status: Status::Ok,
            found: "0.230.0".into(),
            fix: None,
            required: true,
        }],
    };
    update(&mut app, trinetes::tui::action::Action::DoctorDone(ready));
    let shown = frame(&app);
    assert!(
        shown.contains("These lessons come from /home/learner/my-lessons"),
        "{shown}"
    );
    assert!(shown.contains("Enter trusts them"), "{shown}");
}

/// Opening the Helm lesson on live without a cluster offers to build it:
/// that build-up creates the EKS cluster, so it asks for the typed name
/// as the create step itself does; y alone builds nothing.
#[test]
fn building_a_lessons_needs_on_live_asks_for_the_clusters_name_too() {
    use trinetes::lesson::{Profile, builtin};
    use trinetes::tui::action::Action;
    use trinetes::tui::screens::overlay::{Confirm, Overlay};

    let profile = Profile::builtin("current").expect("profile");
    let lessons: Vec<_> = builtin().iter().map(|l| l.expanded(&profile)).collect();
    let position = |id: &str| {
        lessons
            .iter()
            .position(|l| l.front.id == id)
            .expect("a built-in lesson")
    };
    let (helm, eks) = (position("helm-trino"), position("eks"));
    let cluster = profile
        .vars()
        .get("cluster_name")
        .cloned()
        .expect("a cluster name");
    let mut s = settings();
    s.backend = BackendKind::Live;
    s.backend_label = "live".to_string();
    let mut app = App::new(lessons, Progress::default(), s, (100, 40));
    app.doctor.passed = true;
    app.list_selected = helm;
    update(&mut app, Action::Open);
    update(
        &mut app,
        Action::NeedsProbed {
            lesson: helm,
            builders: vec![eks],
        },
    );
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::BuildUp(helm))));
    let shown = frame(&app);
    assert!(
        shown.contains(&format!("type the cluster's name, {cluster}")),
        "{shown}"
    );

    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_some(), "still asking: {}", frame(&app));
    assert!(!app.build_up.start, "nothing is built on y alone");

    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, &cluster);
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "answered");
    assert!(app.build_up.start, "the build-up starts");
}

/// The notes window answers the question on the presentation with `y`
/// when no name must be typed, and its other keys wait until it is
/// answered: they would act behind the question.
#[test]
fn y_and_n_in_the_notes_window_answer_a_plain_question_and_other_keys_wait() {
    use trinetes::present::Command;
    use trinetes::tui::action::Action;

    // Dry-run: the billable step asks a plain question.
    let mut app = live_app();
    app.settings.backend = BackendKind::DryRun;
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_some(), "asked: {}", frame(&app));
    // The notes window names the step and says it is billable.
    let asked = trinetes::tui::notes_link::question(&app).expect("a question");
    assert!(
        asked.text.starts_with("run the billable step \"") && asked.yes_here,
        "{asked:?}"
    );
    let selected = app.reader.as_ref().and_then(|r| r.step);
    update(&mut app, Action::FromNotes(Command::Previous));
    assert!(app.overlay.is_some(), "p waits for the answer");
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), selected);
    update(&mut app, Action::FromNotes(Command::Run));
    assert!(app.pending_execution.is_none(), "r waits for the answer");
    // n says no: the question goes and nothing runs or moves.
    update(&mut app, Action::FromNotes(Command::Next));
    assert!(app.overlay.is_none(), "n said no");
    assert!(app.pending_execution.is_none());
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), selected);
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_some(), "asked again");
    update(&mut app, Action::FromNotes(Command::Yes));
    assert!(app.overlay.is_none(), "y answered it");
    assert!(app.pending_execution.is_some(), "the step starts");

    // Live: the cluster's name must be typed on the presentation.
    let mut app = live_app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    update(&mut app, Action::FromNotes(Command::Yes));
    assert!(app.overlay.is_some(), "y cannot type the name");
    assert!(app.pending_execution.is_none(), "nothing ran");
}
