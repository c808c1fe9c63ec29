//! Step execution: a lesson step's command on a backend, then its checks in
//! order. Everything that happens is sent as an `ExecutionEvent`, so the TUI
//! and `trinetes run` show the same story.

pub mod buildup;
pub mod hints;
pub mod rebuild;

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::backend::{Backend, BackendError, StepEvent};
use crate::check;
use crate::lesson::{Lesson, Step};
use hints::HintWatch;

#[derive(Debug, Clone, PartialEq)]
pub enum ExecutionEvent {
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
        /// How long the check waited for its condition.
        elapsed: Duration,
    },
    /// The check has seen the same thing for a while with nothing changing;
    /// it keeps waiting, and its hint may help now rather than at the timeout.
    CheckStalled {
        step: String,
        index: usize,
        seen: String,
        hint: String,
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
        /// The step's own hints this failure calls for, in order (see
        /// `hints`); empty unless it failed or timed out.
        hints: Vec<String>,
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
    /// Whether `trinetes run` may go on to the next step.
    pub fn ok(&self) -> bool {
        matches!(self, StepOutcome::Passed | StepOutcome::Skipped { .. })
    }
}

/// The step of `lesson` that removes what step `index` creates: one that
/// runs the same program with `delete` (`eksctl delete cluster` for
/// `eksctl create cluster`).
pub fn cleanup_step(lesson: &Lesson, index: usize) -> Option<&Step> {
    let program = lesson.steps.get(index)?.command.split_whitespace().next()?;
    lesson.steps.iter().enumerate().find_map(|(i, s)| {
        let mut words = s.command.split_whitespace();
        (i != index && words.next() == Some(program) && words.any(|w| w == "delete")).then_some(s)
    })
}

/// Executes one step (variables already expanded): its command, then its checks.
pub async fn execute_step(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<ExecutionEvent>,
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
            ExecutionEvent::StepSkipped {
                step: id.clone(),
                reason: reason.clone(),
            },
        )
        .await;
        let outcome = StepOutcome::Skipped { reason };
        finish(events, &id, &outcome, started, None).await;
        return outcome;
    }
    let _fast = backend.fast_stretch();
    let mut watch = HintWatch::new(&step.hints);
    send(
        events,
        ExecutionEvent::StepStarted {
            step: id.clone(),
            command: step.command.clone(),
        },
    )
    .await;
    let outcome = match execute_command(backend, step, events, cancel, &mut watch).await {
        StepOutcome::Passed => evaluate_checks(backend, step, events, cancel).await,
        other => other,
    };
    finish(events, &id, &outcome, started, Some(watch)).await;
    outcome
}

/// Evaluates only the checks of a step again (after the learner fixed something by hand).
pub async fn retry_checks(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<ExecutionEvent>,
    cancel: &CancellationToken,
) -> StepOutcome {
    let started = Instant::now();
    let _fast = backend.fast_stretch();
    let outcome = evaluate_checks(backend, step, events, cancel).await;
    finish(
        events,
        &step.id,
        &outcome,
        started,
        Some(HintWatch::new(&step.hints)),
    )
    .await;
    outcome
}

async fn execute_command(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<ExecutionEvent>,
    cancel: &CancellationToken,
    watch: &mut HintWatch,
) -> StepOutcome {
    let (tx, mut rx) = mpsc::channel::<StepEvent>(256);
    let step_cancel = cancel.child_token();
    let command = backend.run_step(step, &tx, &step_cancel);
    let timed = tokio::time::timeout(step.timeout, command);
    tokio::pin!(timed);
    let result = loop {
        tokio::select! {
            biased;
            Some(event) = rx.recv() => forward(events, &step.id, event, watch).await,
            result = &mut timed => break result,
        }
    };
    // The command may have sent its last lines just before it ended.
    while let Ok(event) = rx.try_recv() {
        forward(events, &step.id, event, watch).await;
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

async fn evaluate_checks(
    backend: &dyn Backend,
    step: &Step,
    events: &mpsc::Sender<ExecutionEvent>,
    cancel: &CancellationToken,
) -> StepOutcome {
    let ctx = backend.step_check_context(step);
    for (index, c) in step.checks.iter().enumerate() {
        let description = c.describe();
        send(
            events,
            ExecutionEvent::CheckStarted {
                step: step.id.clone(),
                index,
                description: description.clone(),
            },
        )
        .await;
        let outcome = tokio::select! {
            outcome = watch_check(&ctx, step, index, c, events) => outcome,
            () = cancel.cancelled() => return StepOutcome::Cancelled,
        };
        match outcome {
            check::CheckOutcome::Passed { seen, elapsed } => {
                send(
                    events,
                    ExecutionEvent::CheckPassed {
                        step: step.id.clone(),
                        index,
                        seen,
                        elapsed,
                    },
                )
                .await;
            }
            check::CheckOutcome::Failed { error, hint, .. } => {
                let last_seen = error.to_string();
                send(
                    events,
                    ExecutionEvent::CheckFailed {
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

/// Runs one check. When it sees nothing it looks for, and nothing changes
/// for its grace period, it says so once (with its hint) and waits on.
async fn watch_check(
    ctx: &check::CheckContext,
    step: &Step,
    index: usize,
    c: &crate::lesson::Check,
    events: &mpsc::Sender<ExecutionEvent>,
) -> check::CheckOutcome {
    let (seen_tx, mut seen_rx) = tokio::sync::watch::channel(check::Observation::default());
    let run = check::run_observed(ctx, c, seen_tx);
    tokio::pin!(run);
    let grace = ctx.stall_grace(c);
    let mut watching = !c.hint.trim().is_empty();
    let mut quiet_since = Instant::now();
    loop {
        tokio::select! {
            outcome = &mut run => return outcome,
            changed = seen_rx.changed(), if watching => match changed {
                Ok(()) => quiet_since = Instant::now(),
                Err(_) => watching = false,
            },
            () = tokio::time::sleep_until(quiet_since + grace), if watching => {
                let now = seen_rx.borrow().clone();
                if !now.stalled() {
                    // Something matches and may still get there; look again later.
                    quiet_since = Instant::now();
                    continue;
                }
                watching = false;
                send(
                    events,
                    ExecutionEvent::CheckStalled {
                        step: step.id.clone(),
                        index,
                        seen: now.seen,
                        hint: c.hint.clone(),
                    },
                )
                .await;
            }
        }
    }
}

async fn forward(
    events: &mpsc::Sender<ExecutionEvent>,
    step: &str,
    event: StepEvent,
    watch: &mut HintWatch,
) {
    let event = match event {
        StepEvent::Output(line) => {
            watch.observe(&line);
            ExecutionEvent::Output {
                step: step.to_string(),
                line,
            }
        }
        StepEvent::Stage { name, fraction } => ExecutionEvent::Stage {
            step: step.to_string(),
            name,
            fraction,
        },
    };
    send(events, event).await;
}

/// Says how the step ended, with the hints its failure calls for (`watch`
/// has seen its output; the reason is the last thing it shows).
async fn finish(
    events: &mpsc::Sender<ExecutionEvent>,
    step: &str,
    outcome: &StepOutcome,
    started: Instant,
    watch: Option<HintWatch>,
) {
    let hints = match (outcome, watch) {
        (StepOutcome::Failed { reason }, Some(mut watch)) => {
            watch.observe(reason);
            watch.for_failure()
        }
        (StepOutcome::TimedOut, Some(watch)) => watch.for_failure(),
        _ => Vec::new(),
    };
    send(
        events,
        ExecutionEvent::StepFinished {
            step: step.to_string(),
            outcome: outcome.clone(),
            duration: started.elapsed(),
            hints,
        },
    )
    .await;
}

/// A closed receiver only means nobody is listening any more; the step goes on.
async fn send(events: &mpsc::Sender<ExecutionEvent>, event: ExecutionEvent) {
    let _ = events.send(event).await;
}
