//! Whole frames on ratatui's TestBackend, as insta snapshots, at 80×24 and
//! 120×40: the lesson list, the reader, the help overlay, too small.

use crate::support::tui::{app, apply, frame};
use trinetes::progress::ProgressStore;
use trinetes::tui::action::Action;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snapshot(name: &str, body: String) {
    insta::with_settings!({
        snapshot_suffix => name.to_string(),
        filters => vec![(r"/\S*/\.tmp\w+", "[TMP]"), (r"/tmp/\S+", "[TMP]")],
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("frame", body);
    });
}

#[test]
fn lesson_list() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        app.progress.mark_completed("labels");
        app.progress.mark_opened("eks-demo");
        apply(&mut app, [Action::Down]);
        snapshot(&format!("list_{w}x{h}"), frame(&app));
    }
}

#[test]
fn reader_at_a_step() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        apply(&mut app, [Action::Open, Action::NextStep]);
        snapshot(&format!("reader_{w}x{h}"), frame(&app));
    }
}

#[test]
fn reader_searching() {
    let mut app = app(80, 24);
    apply(&mut app, [Action::Open, Action::StartSearch]);
    apply(&mut app, "replica".chars().map(Action::PromptInput));
    apply(
        &mut app,
        [Action::PromptSubmit, Action::NextMatch, Action::StartSearch],
    );
    snapshot("reader_search_80x24", frame(&app));
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        apply(&mut app, [Action::Open, Action::ToggleHelp]);
        snapshot(&format!("help_{w}x{h}"), frame(&app));
    }
}

#[test]
fn too_small() {
    for (w, h) in [(59, 24), (80, 15), (30, 8)] {
        let mut app = app(w, h);
        apply(&mut app, [Action::Open]);
        snapshot(&format!("too_small_{w}x{h}"), frame(&app));
    }
}

#[test]
fn corrupt_progress_warning() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProgressStore::new(dir.path());
    std::fs::write(store.path(), "this is = = not toml").unwrap();
    let loaded = store.load().unwrap();
    let warning = loaded.warning.expect("a corrupt file gives a warning");
    assert!(warning.contains(&dir.path().display().to_string()));
    // A fixed path keeps the wrap of the banner the same on every machine.
    let warning = warning.replace(
        &dir.path().display().to_string(),
        "/home/learner/.local/state/trinetes",
    );
    let mut app = app(120, 24);
    app.warning = Some(warning);
    snapshot("warning_120x24", frame(&app));
}

fn execution_events(
    app: &mut trinetes::tui::state::App,
    events: Vec<trinetes::execute::ExecutionEvent>,
) {
    apply(app, [Action::ExecutionEvents(events)]);
}

#[test]
fn reader_with_a_running_step() {
    use std::time::Duration;
    use trinetes::execute::ExecutionEvent;
    for (w, h) in SIZES {
        let mut app = app(w, h);
        apply(
            &mut app,
            [Action::Open, Action::NextStep, Action::ExecuteStep],
        );
        let id = "create-deployment".to_string();
        let mut events: Vec<ExecutionEvent> = (1..=12)
            .map(|i| ExecutionEvent::Output {
                step: id.clone(),
                line: format!("[{i:02}] waiting for the deployment to roll out"),
            })
            .collect();
        events.push(ExecutionEvent::Stage {
            step: id.clone(),
            name: "rolling out".into(),
            fraction: Some(0.4),
        });
        apply(&mut app, [Action::ExecutionTick(Duration::from_secs(84))]);
        execution_events(&mut app, events);
        snapshot(&format!("running_{w}x{h}"), frame(&app));
    }
}

#[test]
fn reader_with_a_failed_check() {
    use std::time::Duration;
    use trinetes::execute::{ExecutionEvent, StepOutcome};
    for (w, h) in SIZES {
        let mut app = app(w, h);
        apply(
            &mut app,
            [Action::Open, Action::NextStep, Action::ExecuteStep],
        );
        let id = "create-deployment".to_string();
        execution_events(
            &mut app,
            vec![
                ExecutionEvent::Output {
                    step: id.clone(),
                    line: "deployment.apps/hello created".into(),
                },
                ExecutionEvent::CheckStarted {
                    step: id.clone(),
                    index: 0,
                    description: "pods".into(),
                },
                ExecutionEvent::CheckFailed {
                    step: id.clone(),
                    index: 0,
                    last_seen: "1 of 3 pods Running (2 Pending)".into(),
                    hint: "look at the pods".into(),
                },
                ExecutionEvent::StepFinished {
                    step: id.clone(),
                    outcome: StepOutcome::Failed {
                        reason: "check failed: 3 pods app=hello Running".into(),
                    },
                    duration: Duration::from_secs(61),
                    hints: Vec::new(),
                },
            ],
        );
        snapshot(&format!("check_failed_{w}x{h}"), frame(&app));
    }
}

/// A check that sees nothing change shows its hint while it waits on; the
/// step's own hints come under a failure.
#[test]
fn reader_with_a_stalled_check_then_step_hints() {
    use std::time::Duration;
    use trinetes::execute::{ExecutionEvent, StepOutcome};
    for (w, h) in SIZES {
        let mut app = app(w, h);
        apply(
            &mut app,
            [Action::Open, Action::NextStep, Action::ExecuteStep],
        );
        let id = "create-deployment".to_string();
        execution_events(
            &mut app,
            vec![
                ExecutionEvent::CheckStarted {
                    step: id.clone(),
                    index: 0,
                    description: "pods".into(),
                },
                ExecutionEvent::CheckStalled {
                    step: id.clone(),
                    index: 0,
                    seen: "0 of 3 pods Running (3 Pending)".into(),
                    hint: "look at the pods".into(),
                },
            ],
        );
        snapshot(&format!("check_stalled_{w}x{h}"), frame(&app));
        execution_events(
            &mut app,
            vec![
                ExecutionEvent::CheckFailed {
                    step: id.clone(),
                    index: 0,
                    last_seen: "0 of 3 pods Running (3 Pending)".into(),
                    hint: "look at the pods".into(),
                },
                ExecutionEvent::StepFinished {
                    step: id.clone(),
                    outcome: StepOutcome::TimedOut,
                    duration: Duration::from_secs(90),
                    // What the execution found the failure calls for.
                    hints: vec![
                        "is the image name right?".to_string(),
                        "kubectl describe pods says why a pod waits".to_string(),
                    ],
                },
            ],
        );
        snapshot(&format!("step_hints_{w}x{h}"), frame(&app));
    }
}

/// Stopping a billable step asks first and says what goes on.
#[test]
fn stop_a_billable_step() {
    for (w, h) in SIZES {
        let mut app = app(w, h);
        let create = &mut app.lessons[2].steps[0];
        create.backends.clear();
        create.interactive = false;
        app.lessons[2].steps.push(crate::support::tui::step(
            "delete-cluster",
            "Delete the cluster",
            "eksctl delete cluster --name tcb --region us-east-1",
        ));
        apply(
            &mut app,
            [
                Action::Down,
                Action::Down,
                Action::Open,
                Action::NextStep,
                Action::ExecuteStep,
                Action::ConfirmYes,
                Action::CancelExecution,
            ],
        );
        snapshot(&format!("stop_billable_{w}x{h}"), frame(&app));
    }
}
