//! The dry-run safety net in the TUI: a live step that failed on the
//! network is offered to go on on dry-run; yes builds a simulated world,
//! makes it where steps run, and runs the failed step again there, which
//! then passes and says SIMULATED. A failure of another kind is not offered.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;
use trinetes::backend::Backend;
use trinetes::backend::fallback::FallbackMode;
use trinetes::backend::live::ShellBackend;
use trinetes::check::CheckContext;
use trinetes::execute::{ExecutionEvent, StepOutcome};
use trinetes::lesson::{BackendKind, Profile};
use trinetes::present::Command;
use trinetes::progress::Progress;
use trinetes::tui::action::Action;
use trinetes::tui::execution::StepExecution;
use trinetes::tui::execution::fallback::{self, Setup};
use trinetes::tui::execution::task::{self, Job};
use trinetes::tui::keymap::action_for_event;
use trinetes::tui::screens::overlay::{Confirm, Overlay};
use trinetes::tui::state::App;
use trinetes::tui::strings;
use trinetes::tui::update::update;

use crate::support::tui::{frame, settings};

/// How eksctl's STS check ends when DNS is gone (see backend::fallback).
const DNS_LINE: &str = "Error: checking AWS STS access – cannot get role ARN for current session: \
     operation error STS: GetCallerIdentity, request send failed, Post \
     \"https://sts.us-east-1.amazonaws.com/\": dial tcp: lookup sts.us-east-1.amazonaws.com: no such host";

/// The built-in lessons on a live TUI, the eks lesson open at its first
/// step, whose execution just failed with `line`.
fn failed_live_step(line: &str, mode: FallbackMode) -> App {
    let profile = Profile::builtin("current").unwrap();
    let lessons: Vec<_> = trinetes::lesson::builtin()
        .iter()
        .map(|l| l.expanded(&profile))
        .collect();
    let eks = lessons.iter().position(|l| l.front.id == "eks").unwrap();
    let mut s = settings();
    s.backend = BackendKind::Live;
    s.backend_label = "live".to_string();
    let mut app = App::new(lessons, Progress::default(), s, (110, 40));
    app.fallback.mode = mode;
    let step = &app.lessons[eks].steps[0];
    app.execution = Some(StepExecution::new(
        eks,
        0,
        step,
        trinetes::tui::execution::ExecutionMode::Full,
    ));
    app.executing = true;
    update(
        &mut app,
        Action::ExecutionEvents(vec![
            ExecutionEvent::Output {
                step: "create-cluster".into(),
                line: line.to_string(),
            },
            ExecutionEvent::StepFinished {
                step: "create-cluster".into(),
                outcome: StepOutcome::Failed {
                    reason: "the command exited with code 1".into(),
                },
                duration: Duration::from_millis(20),
                hints: vec![],
            },
        ]),
    );
    app
}

fn press(app: &mut App, code: KeyCode) {
    let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(action) = action_for_event(app, &event) {
        update(app, action);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_offer_appears_and_yes_goes_on_on_dry_run_from_the_failed_step() {
    let mut app = failed_live_step(DNS_LINE, FallbackMode::Ask);
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Fallback)));
    let shown = frame(&app);
    assert!(
        shown.contains("This failed because of a DNS failure"),
        "{shown}"
    );
    assert!(shown.contains("Go on with the lesson on"), "{shown}");
    // The notes window hears of it while it waits for an answer.
    assert_eq!(
        fallback::banner(&app).as_deref(),
        Some(strings::fallback_offered("create-cluster", "a DNS failure").as_str())
    );

    press(&mut app, KeyCode::Char('y'));
    assert!(app.overlay.is_none());
    assert!(app.fallback.start, "the world is to be built");
    assert!(
        fallback::banner(&app).is_some_and(|b| b.contains("building the simulated world")),
        "{:?}",
        fallback::banner(&app)
    );

    // What the event loop does: build the world, then swap the backend.
    let state = tempfile::tempdir().unwrap();
    let setup = Setup {
        mode: FallbackMode::Ask,
        profile: Profile::builtin("current").unwrap(),
        pace: trinetes::sim::eksctl::Pace::Fast,
        state_dir: state.path().to_path_buf(),
    };
    let mut backend: Arc<dyn Backend> = Arc::new(ShellBackend::live(CheckContext::default()));
    let (mut world, mut slot) = (None, None);
    let (tx, mut rx) = mpsc::channel::<Action>(64);
    fallback::follow(&mut app, &mut backend, &mut world, &mut slot, &setup, &tx).await;
    let ready = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(action) = rx.recv().await {
            let done = matches!(action, Action::Fallback(_))
                && !matches!(
                    action,
                    Action::Fallback(fallback::FallbackEvent::Rebuilt(..))
                );
            update(&mut app, action);
            if done {
                return;
            }
        }
    })
    .await;
    assert!(ready.is_ok(), "the simulated world was not ready in time");
    assert!(app.fallback.ready, "{:?}", app.notice);
    fallback::follow(&mut app, &mut backend, &mut world, &mut slot, &setup, &tx).await;
    assert_eq!(backend.kind(), BackendKind::DryRun);
    assert!(world.is_some());
    assert_eq!(app.settings.backend_label, strings::FALLBACK_STATUS);
    assert!(
        fallback::banner(&app).is_some_and(|b| b.contains("NOW SIMULATED")),
        "{:?}",
        fallback::banner(&app)
    );
    assert!(
        app.world_exports.iter().any(|l| l.contains("KUBECONFIG")),
        "w shows how to reach the simulated world: {:?}",
        app.world_exports
    );
    let request = app
        .pending_execution
        .take()
        .expect("the failed step runs again");
    assert_eq!(request.step, 0);

    // The failed step, now on the simulated world, passes.
    let step = app.lessons[request.lesson].steps[request.step].clone();
    let cancel = app.execution.as_ref().unwrap().cancel.clone();
    let running = task::spawn(backend.clone(), step, Job::Step, cancel, tx.clone());
    let finished = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(action) = rx.recv().await {
            let end = matches!(&action, Action::ExecutionEvents(e)
                if e.iter().any(|e| matches!(e, ExecutionEvent::StepFinished { .. })));
            update(&mut app, action);
            if end {
                return;
            }
        }
    })
    .await;
    assert!(finished.is_ok(), "the step did not end in time");
    running.settle(Duration::from_secs(5)).await;
    let execution = app.execution.as_ref().unwrap();
    assert!(execution.simulated);
    assert_eq!(execution.outcome, Some(StepOutcome::Passed));
    let shown = frame(&app);
    assert!(shown.contains(strings::BADGE_SIMULATED), "{shown}");
    assert!(shown.contains(strings::FALLBACK_STATUS), "{shown}");
    // The live failure's mark gives way to a simulated pass, which
    // completes nothing.
    assert_eq!(
        app.progress.step_outcome("eks", "create-cluster"),
        Some(trinetes::progress::RecordedOutcome::SimulatedPass)
    );
    assert_ne!(
        app.progress.status("eks"),
        trinetes::progress::LessonStatus::Completed
    );

    drop(backend);
    if let Some(world) = world {
        world.shutdown().await;
    }
}

#[test]
fn no_leaves_the_failure_as_it_was() {
    let mut app = failed_live_step(DNS_LINE, FallbackMode::Ask);
    press(&mut app, KeyCode::Char('n'));
    assert!(app.overlay.is_none());
    assert!(!app.fallback.start);
    assert_eq!(
        fallback::banner(&app),
        None,
        "the notes window stops asking"
    );
    assert_eq!(app.settings.backend, BackendKind::Live);
}

#[test]
fn y_in_the_notes_window_is_the_same_yes_and_does_nothing_without_an_offer() {
    let mut app = failed_live_step(DNS_LINE, FallbackMode::Ask);
    update(&mut app, Action::FromNotes(Command::Yes));
    assert!(app.overlay.is_none(), "the question is answered");
    assert!(app.fallback.start, "the simulated world is to be built");

    let mut app = failed_live_step(DNS_LINE, FallbackMode::Ask);
    press(&mut app, KeyCode::Char('n'));
    update(&mut app, Action::FromNotes(Command::Yes));
    assert!(!app.fallback.start, "no offer open: nothing to say yes to");
    assert_eq!(app.settings.backend, BackendKind::Live);
}

#[test]
fn auto_goes_on_without_asking_and_never_does_not() {
    let auto = failed_live_step(DNS_LINE, FallbackMode::Auto);
    assert!(auto.overlay.is_none());
    assert!(auto.fallback.start);
    let never = failed_live_step(DNS_LINE, FallbackMode::Never);
    assert!(never.overlay.is_none());
    assert!(!never.fallback.start);
}

#[test]
fn a_failure_that_is_not_the_networks_is_not_offered() {
    let app = failed_live_step("Error: unknown flag: --nodegroup-name", FallbackMode::Ask);
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert!(!app.fallback.start);
    assert!(app.fallback.offer.is_none());
}

/// Opening a lesson whose needs are missing builds them first (the
/// build-up); when that fails on the network, the simulated world is
/// offered to build them instead, and no step runs again.
#[tokio::test(flavor = "multi_thread")]
async fn a_build_up_failing_on_the_network_builds_the_needs_on_dry_run() {
    use trinetes::backend::fallback::classify;
    let profile = Profile::builtin("current").unwrap();
    let lessons: Vec<_> = trinetes::lesson::builtin()
        .iter()
        .map(|l| l.expanded(&profile))
        .collect();
    let helm = lessons
        .iter()
        .position(|l| l.front.id == "helm-trino")
        .unwrap();
    let eks = lessons.iter().position(|l| l.front.id == "eks").unwrap();
    let mut s = settings();
    s.backend = BackendKind::Live;
    s.backend_label = "live".to_string();
    let mut app = App::new(lessons, Progress::default(), s, (110, 40));
    app.fallback.mode = FallbackMode::Ask;
    app.build_up.offer = Some((helm, vec![eks]));
    update(
        &mut app,
        Action::Fallback(fallback::FallbackEvent::BuildUpFailed {
            step: "eks/create-cluster".into(),
            diagnosis: classify([DNS_LINE]).unwrap(),
        }),
    );
    assert_eq!(app.overlay, Some(Overlay::Confirm(Confirm::Fallback)));
    let shown = frame(&app);
    assert!(
        shown.contains("Building what this lesson needs failed because of a DNS"),
        "{shown}"
    );
    press(&mut app, KeyCode::Char('y'));

    let state = tempfile::tempdir().unwrap();
    let setup = Setup {
        mode: FallbackMode::Ask,
        profile,
        pace: trinetes::sim::eksctl::Pace::Fast,
        state_dir: state.path().to_path_buf(),
    };
    let mut backend: Arc<dyn Backend> = Arc::new(ShellBackend::live(CheckContext::default()));
    let (mut world, mut slot) = (None, None);
    let (tx, mut rx) = mpsc::channel::<Action>(64);
    fallback::follow(&mut app, &mut backend, &mut world, &mut slot, &setup, &tx).await;
    let mut rebuilt = Vec::new();
    let ready = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(action) = rx.recv().await {
            if let Action::Fallback(fallback::FallbackEvent::Rebuilt(step, _)) = &action {
                rebuilt.push(step.clone());
            }
            let done = matches!(action, Action::Fallback(_))
                && !matches!(
                    action,
                    Action::Fallback(fallback::FallbackEvent::Rebuilt(..))
                );
            update(&mut app, action);
            if done {
                return;
            }
        }
    })
    .await;
    assert!(ready.is_ok(), "the simulated world was not ready in time");
    assert_eq!(
        rebuilt,
        ["eks/create-cluster", "eks/current-context", "eks/get-nodes"]
    );
    fallback::follow(&mut app, &mut backend, &mut world, &mut slot, &setup, &tx).await;
    assert_eq!(backend.kind(), BackendKind::DryRun);
    assert!(app.pending_execution.is_none(), "no step runs again");
    assert!(
        app.notice
            .as_deref()
            .is_some_and(|n| n.contains("SIMULATED from eks/create-cluster on")),
        "{:?}",
        app.notice
    );
    // The lesson's needs are there now, on the simulated world.
    let eks_lesson = &app.lessons[eks];
    assert!(trinetes::execute::buildup::present(backend.as_ref(), eks_lesson).await);

    drop(backend);
    if let Some(world) = world {
        world.shutdown().await;
    }
}

/// After going on on dry-run, the failed step re-ran on the simulated
/// world and passed: its box is marked as a simulated pass, not with the
/// live failure's ✘, and Enter with nothing selected goes on to the next
/// step rather than back to it.
#[test]
fn a_step_that_passed_simulated_loses_its_failed_mark_and_enter_moves_on() {
    let mut app = failed_live_step(DNS_LINE, FallbackMode::Ask);
    let eks = app.execution.as_ref().unwrap().lesson;
    // What `follow` leaves once the world is ready (see the test above).
    app.fallback.active = app.fallback.offer.take();
    app.overlay = None;
    app.settings.backend = BackendKind::DryRun;
    app.settings.backend_label = strings::FALLBACK_STATUS.to_string();
    assert_eq!(
        app.progress.step_outcome("eks", "create-cluster"),
        Some(trinetes::progress::RecordedOutcome::Failed)
    );
    trinetes::tui::screens::reader::update::open_lesson(&mut app, eks, 0, None);
    // The failed step runs again, simulated, and passes.
    let mut again = StepExecution::new(
        eks,
        0,
        &app.lessons[eks].steps[0],
        trinetes::tui::execution::ExecutionMode::Full,
    );
    again.simulated = true;
    app.execution = Some(again);
    app.executing = true;
    update(
        &mut app,
        Action::ExecutionEvents(vec![ExecutionEvent::StepFinished {
            step: "create-cluster".into(),
            outcome: StepOutcome::Passed,
            duration: Duration::from_millis(20),
            hints: vec![],
        }]),
    );
    assert_eq!(
        app.progress.step_outcome("eks", "create-cluster"),
        Some(trinetes::progress::RecordedOutcome::SimulatedPass)
    );
    assert!(app.progress_dirty, "the mark is saved");
    // Its box, once it is not the current run, says how it passed.
    app.execution = None;
    trinetes::tui::screens::reader::update::select_step(&mut app, 0);
    update(&mut app, Action::Resize(110, 40));
    let shown = frame(&app);
    assert!(shown.contains(strings::RECORDED_SIMULATED_PASS), "{shown}");
    assert!(!shown.contains(strings::RECORDED_FAILED), "{shown}");
    // With no step selected, Enter goes to the step after it.
    if let Some(r) = &mut app.reader {
        r.step = None;
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.reader.as_ref().and_then(|r| r.step), Some(1));
}
