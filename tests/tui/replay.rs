//! `trinetes replay` over the TUI's state: in the presentation, running a
//! step plays its recording (no billable question, nothing saved), a step
//! the recording lacks says so, and without `--step` the presentation
//! reveals and plays the steps by itself as time passes.

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use trinetes::execute::{ExecutionEvent, StepOutcome};
use trinetes::lesson::BackendKind;
use trinetes::progress::Progress;
use trinetes::record::Recorder;
use trinetes::record::asciicast::{Cast, Header, ORIGIN_FORMAT, Origin};
use trinetes::redact::Redactor;
use trinetes::replay::Script;
use trinetes::tui::action::{Action, PresentTime};
use trinetes::tui::keymap::action_for_event;
use trinetes::tui::present::replay::{self, Replay};
use trinetes::tui::present::{Present, PresentConfig};
use trinetes::tui::state::App;
use trinetes::tui::update::update;

use crate::support::tui::{frame, lesson, settings, step};

/// A recording of the EKS lesson's create step, made on live.
fn script() -> Script {
    let header = Header {
        width: 100,
        height: 30,
        timestamp: None,
        title: Some("trinetes run: eks".into()),
        idle_time_limit: Some(3.0),
        origin: Some(Origin {
            format: ORIGIN_FORMAT,
            profile: "current".into(),
            backend: "live".into(),
        }),
    };
    let mut recorder = Recorder::new(Vec::new(), &header, Redactor::default()).unwrap();
    recorder.lesson("eks", "EKS and eksctl", false).unwrap();
    let events = [
        ExecutionEvent::StepStarted {
            step: "create-cluster".into(),
            command: "eksctl create cluster --name tcb-cluster".into(),
        },
        ExecutionEvent::Output {
            step: "create-cluster".into(),
            line: "EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready".into(),
        },
        ExecutionEvent::StepFinished {
            step: "create-cluster".into(),
            outcome: StepOutcome::Passed,
            duration: Duration::from_secs(900),
            hints: Vec::new(),
        },
    ];
    for (n, event) in events.iter().enumerate() {
        recorder
            .event_at(event, Duration::from_millis(100 * n as u64))
            .unwrap();
    }
    let text = String::from_utf8(recorder.finish().unwrap()).unwrap();
    Script::read(&Cast::parse(&text).unwrap()).unwrap()
}

fn replaying(auto: bool) -> App {
    let mut create = step(
        "create-cluster",
        "Create the EKS cluster",
        "eksctl create cluster --name tcb-cluster",
    );
    create.billable = true;
    let nodes = step("get-nodes", "List the nodes", "kubectl get nodes");
    let eks = lesson("eks", "EKS and eksctl")
        .markdown("## Create the cluster\n\nThis is the slow part.\n")
        .step(create)
        .step(nodes)
        .build();
    let mut s = settings();
    s.backend = BackendKind::Live;
    let mut app = App::new(vec![eks], Progress::default(), s, (100, 40));
    let mut present = Present::new(PresentConfig { type_speed: 0 });
    present.replay = Some(Replay::new(script(), "eks.cast".into(), 1.0, auto));
    app.present = Some(present);
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

/// What the event loop does with the execution `update` asked for: the
/// recorded events, applied as they would arrive.
fn play(app: &mut App) {
    let request = app
        .pending_execution
        .take()
        .expect("running the step asks for an execution");
    let take = replay::take(app, &request).expect("a replay plays the step");
    for (_, event) in take.events {
        update(app, Action::ExecutionEvents(vec![event]));
    }
}

#[test]
fn running_a_step_plays_its_recording_without_asking_or_saving() {
    let mut app = replaying(false);
    let screen = frame(&app);
    assert!(screen.contains("RECORDING ×1"), "{screen}");

    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    // A billable step on live, yet no question: nothing runs.
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    play(&mut app);
    let screen = frame(&app);
    assert!(
        screen.contains("EKS cluster \"tcb-cluster\" in \"us-east-1\" region is ready"),
        "{screen}"
    );
    assert!(screen.contains("✔ passed 15m00s  RECORDED"), "{screen}");
    assert_eq!(
        app.progress.step_outcome("eks", "create-cluster"),
        None,
        "a replay marks nothing done"
    );

    // The next step was not recorded: its box says so.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    play(&mut app);
    let screen = frame(&app);
    assert!(screen.contains("not in this recording"), "{screen}");
}

#[test]
fn without_step_the_presentation_reveals_and_plays_each_step_by_itself() {
    let mut app = replaying(true);
    let start = Instant::now();
    let later = |s: u64| start + Duration::from_secs(s);
    tick(&mut app, start);
    assert!(app.present.as_ref().unwrap().shown_steps().is_empty());
    // After the screen's pause, the first step shows; after another, it plays.
    tick(&mut app, later(20));
    assert_eq!(app.present.as_ref().unwrap().shown_steps(), [0]);
    assert!(app.pending_execution.is_none(), "shown, not yet played");
    // The pause starts when a tick finds the screen idle.
    tick(&mut app, later(21));
    assert!(app.pending_execution.is_none(), "its pause is not over");
    tick(&mut app, later(40));
    assert_eq!(
        app.pending_execution.map(|r| r.step),
        Some(0),
        "played by itself"
    );
    play(&mut app);
    // Then, after a pause, the next step shows.
    tick(&mut app, later(60));
    tick(&mut app, later(80));
    assert_eq!(app.present.as_ref().unwrap().shown_steps(), [0, 1]);
}

/// Without `--step`, a section too long for one screen turns its pages by
/// itself and the replay goes on to the step after them (it used to stop
/// for good at the first page turned).
#[test]
fn without_step_a_section_in_pages_turns_them_and_goes_on() {
    let long: String = (1..=60)
        .map(|n| format!("Paragraph {n} of a long section, with a few words to fill a line.\n\n"))
        .collect();
    let create = step(
        "create-cluster",
        "Create the EKS cluster",
        "eksctl create cluster --name tcb-cluster",
    );
    let eks = lesson("eks", "EKS and eksctl")
        .markdown(&format!("## Create the cluster\n\n{long}"))
        .step(create)
        .build();
    let mut s = settings();
    s.backend = BackendKind::Live;
    let mut app = App::new(vec![eks], Progress::default(), s, (100, 30));
    let mut present = Present::new(PresentConfig { type_speed: 0 });
    present.replay = Some(Replay::new(script(), "eks.cast".into(), 1.0, true));
    app.present = Some(present);
    press(&mut app, KeyCode::Enter);
    let start = Instant::now();
    let mut pages_seen = 0;
    for k in 0..60 {
        tick(&mut app, start + Duration::from_secs(20 * k));
        let p = app.present.as_ref().unwrap();
        pages_seen = pages_seen.max(p.page);
        if !p.shown_steps().is_empty() {
            break;
        }
    }
    let p = app.present.as_ref().unwrap();
    assert!(pages_seen >= 1, "the section had pages to turn");
    assert_eq!(p.shown_steps(), [0], "the step after the pages shows");
    assert!(!p.replay.as_ref().unwrap().ended, "the replay goes on");
}
