//! Runs a lesson's steps on a backend: the command first, then its checks in
//! order. Everything that happens is sent as a `RunEvent`, so the TUI and the
//! headless runner show the same story.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::backend::{Backend, BackendError, StepEvent};
use crate::check;
use crate::lesson::Step;

#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent {
    StepStarted {
        step: String,
        command: String,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    Output {
        step: String,
        line: String,
    },
    Stage {
        step: String,
        name: String,
        fraction: Option<f32>,
    },
    CheckStarted {
        step: String,
        index: usize,
        description: String,
    },
    CheckPassed {
        step: String,
        index: usize,
        seen: String,
    },
    CheckFailed {
        step: String,
        index: usize,
        last_seen: String,
        hint: String,
    },
    StepFinished {
        step: String,
        outcome: StepOutcome,
        duration: Duration,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    Passed,
    Failed { reason: String },
    TimedOut,
    Cancelled,
    Skipped { reason: String },
}

impl StepOutcome {
    /// Whether a headless run may go on to the next step.
    pub fn ok(&self) -> bool {
        matches!(self, StepOutcome::Passed | StepOutcome::Skipped { .. })
    }
}

/// Run one step (variables already expanded): its command, then its checks.
pub async fn run_step(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<RunEvent>,
    cancel: &CancellationToken,
) -> StepOutcome {
    let started = Instant::now();
    let id = step.id.clone();
    let skipped = step
        .profile_skip_reason()
        .or_else(|| backend.skip_reason(step));
    if let Some(reason) = skipped {
        send(
            events,
            RunEvent::StepSkipped {
                step: id.clone(),
                reason: reason.clone(),
            },
        )
        .await;
        let outcome = StepOutcome::Skipped { reason };
        finish(events, &id, &outcome, started).await;
        return outcome;
    }
    send(
        events,
        RunEvent::StepStarted {
            step: id.clone(),
            command: step.command.clone(),
        },
    )
    .await;
    let outcome = match run_command(backend, step, events, cancel).await {
        StepOutcome::Passed => run_checks(backend, step, events, cancel).await,
        other => other,
    };
    finish(events, &id, &outcome, started).await;
    outcome
}

/// Run only the checks of a step again (after the learner fixed something by hand).
pub async fn retry_checks(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<RunEvent>,
    cancel: &CancellationToken,
) -> StepOutcome {
    let started = Instant::now();
    let outcome = run_checks(backend, step, events, cancel).await;
    finish(events, &step.id, &outcome, started).await;
    outcome
}

async fn run_command(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<RunEvent>,
    cancel: &CancellationToken,
) -> StepOutcome {
    let (tx, mut rx) = mpsc::channel::<StepEvent>(256);
    let step_cancel = cancel.child_token();
    let command = backend.run_step(step, &tx, &step_cancel);
    let timed = tokio::time::timeout(step.timeout, command);
    tokio::pin!(timed);
    let result = loop {
        tokio::select! {
            biased;
            Some(event) = rx.recv() => forward(events, &step.id, event).await,
            result = &mut timed => break result,
        }
    };
    // The command may have sent its last lines just before it ended.
    while let Ok(event) = rx.try_recv() {
        forward(events, &step.id, event).await;
    }
    match result {
        Err(_elapsed) => {
            step_cancel.cancel();
            StepOutcome::TimedOut
        }
        Ok(Ok(exit)) if exit.success() => StepOutcome::Passed,
        Ok(Ok(exit)) => StepOutcome::Failed {
            reason: match exit.code {
                Some(code) => format!("the command exited with code {code}"),
                None => "the command was killed by a signal".to_string(),
            },
        },
        Ok(Err(BackendError::Cancelled)) => StepOutcome::Cancelled,
        Ok(Err(err)) => StepOutcome::Failed {
            reason: err.to_string(),
        },
    }
}

async fn run_checks(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<RunEvent>,
    cancel: &CancellationToken,
) -> StepOutcome {
    let ctx = backend.step_check_context(step);
    for (index, c) in step.checks.iter().enumerate() {
        let description = c.describe();
        send(
            events,
            RunEvent::CheckStarted {
                step: step.id.clone(),
                index,
                description: description.clone(),
            },
        )
        .await;
        let outcome = tokio::select! {
            outcome = check::run(&ctx, c) => outcome,
            () = cancel.cancelled() => return StepOutcome::Cancelled,
        };
        match outcome {
            check::CheckOutcome::Passed { seen, .. } => {
                send(
                    events,
                    RunEvent::CheckPassed {
                        step: step.id.clone(),
                        index,
                        seen,
                    },
                )
                .await;
            }
            check::CheckOutcome::Failed { error, hint, .. } => {
                let last_seen = error.to_string();
                send(
                    events,
                    RunEvent::CheckFailed {
                        step: step.id.clone(),
                        index,
                        last_seen: last_seen.clone(),
                        hint,
                    },
                )
                .await;
                return StepOutcome::Failed {
                    reason: format!("check failed: {description}: {last_seen}"),
                };
            }
        }
    }
    StepOutcome::Passed
}

async fn forward(events: &mpsc::Sender<RunEvent>, step: &str, event: StepEvent) {
    let event = match event {
        StepEvent::Output(line) => RunEvent::Output {
            step: step.to_string(),
            line,
        },
        StepEvent::Stage { name, fraction } => RunEvent::Stage {
            step: step.to_string(),
            name,
            fraction,
        },
    };
    send(events, event).await;
}

async fn finish(
    events: &mpsc::Sender<RunEvent>,
    step: &str,
    outcome: &StepOutcome,
    started: Instant,
) {
    send(
        events,
        RunEvent::StepFinished {
            step: step.to_string(),
            outcome: outcome.clone(),
            duration: started.elapsed(),
        },
    )
    .await;
}

/// A closed receiver only means nobody is listening any more; the run goes on.
async fn send(events: &mpsc::Sender<RunEvent>, event: RunEvent) {
    let _ = events.send(event).await;
}
