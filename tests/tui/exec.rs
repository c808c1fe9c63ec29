//! The event loop's side of executing a step: `task::spawn` executes it in
//! a task and hands its events back as batched actions. With a fake backend
//! (deterministic stages and a flood of output) and with the real shell
//! backend (a harmless command, and cancelling a long one).

use std::sync::Arc;
use std::time::Duration;

use crate::support::tui::{app, apply, step};
use futures::future::BoxFuture;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use trinetes::backend::live::ShellBackend;
use trinetes::backend::{Backend, BackendError, CommandExit, StepEvent};
use trinetes::check::CheckContext;
use trinetes::execute::{ExecutionEvent, StepOutcome};
use trinetes::lesson::BackendKind;
use trinetes::tui::action::Action;
use trinetes::tui::execution::task::{self, FLUSH_EVENTS, Job};
use trinetes::tui::update::update;

/// Sends two stages and `lines` lines of output, then exits 0.
struct Chatty {
    lines: usize,
}

impl Backend for Chatty {
    fn kind(&self) -> BackendKind {
        BackendKind::DryRun
    }

    fn label(&self) -> String {
        "chatty".into()
    }

    fn run_command<'a>(
        &'a self,
        _command: &'a str,
        events: &'a mpsc::Sender<StepEvent>,
        _cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<CommandExit, BackendError>> {
        Box::pin(async move {
            let stage = |name: &str, f: f32| StepEvent::Stage {
                name: name.into(),
                fraction: Some(f),
            };
            let _ = events.send(stage("first", 0.1)).await;
            for i in 0..self.lines {
                let _ = events.send(StepEvent::Output(format!("out {i}"))).await;
            }
            let _ = events.send(stage("second", 0.9)).await;
            Ok(CommandExit { code: Some(0) })
        })
    }

    fn check_context(&self) -> CheckContext {
        CheckContext::default()
    }
}

/// Collects actions until the step's last event, bounded in count.
async fn collect(rx: &mut mpsc::Receiver<Action>) -> Vec<Vec<ExecutionEvent>> {
    let mut batches = Vec::new();
    for _ in 0..10_000 {
        let action = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("the run reports within 20 s")
            .expect("the channel stays open until the last event");
        let Action::ExecutionEvents(batch) = action else {
            panic!("only run events come through this channel: {action:?}");
        };
        let done = batch
            .iter()
            .any(|e| matches!(e, ExecutionEvent::StepFinished { .. }));
        batches.push(batch);
        if done {
            return batches;
        }
    }
    panic!("no StepFinished after 10000 batches");
}

#[tokio::test]
async fn a_chatty_step_arrives_in_bounded_batches_in_order() {
    let (tx, mut rx) = mpsc::channel(64);
    let s = step("chatty", "Talk a lot", "talk");
    let run = task::spawn(
        Arc::new(Chatty { lines: 1_000 }),
        s,
        Job::Step,
        CancellationToken::new(),
        tx,
    );
    let batches = collect(&mut rx).await;
    run.settle(Duration::from_secs(5)).await;
    assert!(batches.iter().all(|b| b.len() <= FLUSH_EVENTS));
    assert!(
        batches.len() < 1_000,
        "1000 lines must not make 1000 UI messages ({} batches)",
        batches.len()
    );
    let events: Vec<ExecutionEvent> = batches.into_iter().flatten().collect();
    let lines: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::Output { line, .. } => Some(line.clone()),
            _ => None,
        })
        .collect();
    let want: Vec<String> = (0..1_000).map(|i| format!("out {i}")).collect();
    assert_eq!(lines, want);
    let stages: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            ExecutionEvent::Stage { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(stages, ["first", "second"]);
    assert!(matches!(
        events.last(),
        Some(ExecutionEvent::StepFinished {
            outcome: StepOutcome::Passed,
            ..
        })
    ));
}

#[tokio::test]
async fn a_real_shell_step_runs_into_the_app_and_is_recorded() {
    let mut app = app(100, 30);
    apply(&mut app, [Action::Down, Action::Open, Action::NextStep]);
    // The fixture's `kubectl label` is replaced by a harmless command.
    app.lessons[1].steps[0].command = "echo hello-from-step; printf 'no newline'".into();
    apply(&mut app, [Action::ExecuteStep]);
    let request = app.pending_execution.take().expect("a run request");
    let s = app.lessons[request.lesson].steps[request.step].clone();
    let cancel = app.execution.as_ref().expect("run state").cancel.clone();
    let (tx, mut rx) = mpsc::channel(64);
    let backend: Arc<dyn Backend> = Arc::new(ShellBackend::live(CheckContext::default()));
    let run = task::spawn(backend, s, Job::Step, cancel, tx);
    for batch in collect(&mut rx).await {
        update(&mut app, Action::ExecutionEvents(batch));
    }
    run.settle(Duration::from_secs(5)).await;
    assert!(!app.executing);
    let lines: Vec<&str> = app.output.lines.iter().map(String::as_str).collect();
    assert!(lines.contains(&"hello-from-step"), "{lines:?}");
    assert!(lines.contains(&"no newline"), "{lines:?}");
    assert_eq!(
        app.progress.step_outcome("labels", "label"),
        Some(trinetes::progress::RecordedOutcome::Passed)
    );
}

#[tokio::test]
async fn cancelling_stops_a_real_long_step() {
    let mut app = app(100, 30);
    apply(&mut app, [Action::Down, Action::Open, Action::NextStep]);
    app.lessons[1].steps[0].command = "echo started; sleep 30".into();
    apply(&mut app, [Action::ExecuteStep]);
    let request = app.pending_execution.take().expect("a run request");
    let s = app.lessons[request.lesson].steps[request.step].clone();
    let cancel = app.execution.as_ref().expect("run state").cancel.clone();
    let (tx, mut rx) = mpsc::channel(64);
    let run = task::spawn(
        Arc::new(ShellBackend::live(CheckContext::default())),
        s,
        Job::Step,
        cancel,
        tx,
    );
    // Wait for the first output so the process is surely running.
    let first = tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("output within 20 s")
        .expect("an action");
    update(&mut app, first);
    assert!(app.output.lines.iter().any(|l| l == "started"));
    update(&mut app, Action::CancelExecution);
    for batch in collect(&mut rx).await {
        update(&mut app, Action::ExecutionEvents(batch));
    }
    run.settle(Duration::from_secs(5)).await;
    assert!(!app.executing);
    assert_eq!(
        app.execution.as_ref().and_then(|r| r.outcome.clone()),
        Some(StepOutcome::Cancelled)
    );
}

#[tokio::test]
async fn a_real_failing_step_shows_only_the_hints_its_error_calls_for() {
    use trinetes::lesson::StepHint;
    let mut app = app(100, 40);
    apply(&mut app, [Action::Down, Action::Open, Action::NextStep]);
    let label = &mut app.lessons[1].steps[0];
    label.command =
        "echo 'error: dial tcp 10.0.0.9:8080: connect: connection refused'; exit 1".into();
    label.hints = vec![
        StepHint::when("address already in use", "hint-in-use"),
        StepHint::always("hint-always"),
        StepHint::when("connection refused", "hint-refused"),
    ];
    apply(&mut app, [Action::ExecuteStep]);
    let request = app.pending_execution.take().expect("a run request");
    let s = app.lessons[request.lesson].steps[request.step].clone();
    let cancel = app.execution.as_ref().expect("run state").cancel.clone();
    let (tx, mut rx) = mpsc::channel(64);
    let backend: Arc<dyn Backend> = Arc::new(ShellBackend::live(CheckContext::default()));
    let run = task::spawn(backend, s, Job::Step, cancel, tx);
    for batch in collect(&mut rx).await {
        update(&mut app, Action::ExecutionEvents(batch));
    }
    run.settle(Duration::from_secs(5)).await;
    let screen = crate::support::tui::frame(&app);
    let always = screen
        .find("hint: hint-always")
        .unwrap_or_else(|| panic!("{screen}"));
    let refused = screen
        .find("hint: hint-refused")
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(always < refused, "{screen}");
    assert!(!screen.contains("hint-in-use"), "{screen}");
}
