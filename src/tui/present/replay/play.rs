//! Plays one recorded step as a task, in place of running it: its events
//! come back as `Action::ExecutionEvents` at the recorded times divided by
//! the speed, as a running step's do. A step the recording lacks finishes
//! at once as skipped, saying so; nothing runs anywhere.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::Take;
use crate::execute::{ExecutionEvent, StepOutcome};
use crate::replay::RecordedStep;
use crate::tui::action::Action;
use crate::tui::execution::task::ActiveExecution;

/// What a step's box says when the recording does not hold it.
pub const MISSING: &str = "not in this recording: nothing runs during a replay";

/// What plays for `step`: its recording, or the note that there is none.
pub fn events(step: &str, recorded: Option<&RecordedStep>) -> Vec<(f64, ExecutionEvent)> {
    match recorded {
        Some(r) => r.events.clone(),
        None => vec![(
            0.0,
            ExecutionEvent::StepFinished {
                step: step.to_string(),
                outcome: StepOutcome::Skipped {
                    reason: MISSING.to_string(),
                },
                duration: Duration::ZERO,
                hints: Vec::new(),
            },
        )],
    }
}

/// How much faster than the chosen speed the rest of a step plays once
/// the presenter fast-forwards it.
pub const HURRIED: f64 = 20.0;

/// Plays `events` at `speed` times their pace, [`HURRIED`] times faster
/// once `hurry` says true. Cancelling ends the step as cancelled, as
/// stopping a running one does.
pub fn spawn(
    take: Take,
    cancel: CancellationToken,
    actions: mpsc::Sender<Action>,
) -> ActiveExecution {
    let Take {
        step,
        events,
        speed,
        mut hurry,
    } = take;
    let started = Instant::now();
    let task = tokio::spawn(async move {
        let speed = if speed.is_finite() && speed > 0.0 {
            speed
        } else {
            1.0
        };
        // Where the recording's time and the wall's last met, and how fast
        // the recording plays from there.
        let (mut base, mut base_at, mut rate) = (started, 0.0, speed);
        // Whether a fast-forward can still come.
        let mut listening = true;
        let mut events = events.into_iter().peekable();
        while let Some((at, first)) = events.next() {
            loop {
                let wait = ((at - base_at) / rate).max(0.0);
                let due = base + Duration::try_from_secs_f64(wait).unwrap_or_default();
                tokio::select! {
                    () = cancel.cancelled() => {
                        let stopped = ExecutionEvent::StepFinished {
                            step,
                            outcome: StepOutcome::Cancelled,
                            duration: started.elapsed(),
                            hints: Vec::new(),
                        };
                        let _ = actions.send(Action::ExecutionEvents(vec![stopped])).await;
                        return;
                    }
                    () = tokio::time::sleep_until(due) => break,
                    changed = hurry.changed(), if listening => {
                        if changed.is_err() {
                            listening = false;
                        } else if *hurry.borrow_and_update() {
                            // From here on, faster.
                            let now = Instant::now();
                            base_at += now.saturating_duration_since(base).as_secs_f64() * rate;
                            base = now;
                            rate = speed * HURRIED;
                            listening = false;
                        }
                    }
                }
            }
            // What plays at the same moment goes as one batch.
            let mut batch = vec![first];
            while let Some((_, e)) = events.next_if(|(t, _)| *t <= at) {
                batch.push(e);
            }
            if actions.send(Action::ExecutionEvents(batch)).await.is_err() {
                return;
            }
        }
    });
    ActiveExecution { started, task }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(line: &str) -> ExecutionEvent {
        ExecutionEvent::Output {
            step: "s".into(),
            line: line.into(),
        }
    }

    async fn next(rx: &mut mpsc::Receiver<Action>) -> Vec<ExecutionEvent> {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
            Ok(Some(Action::ExecutionEvents(batch))) => batch,
            other => panic!("a batch of events, not {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_step_plays_its_events_in_batches_and_stops_when_cancelled() {
        let (tx, mut rx) = mpsc::channel(8);
        let (hurry, listen) = tokio::sync::watch::channel(false);
        let cancel = CancellationToken::new();
        let take = Take {
            step: "s".into(),
            events: vec![
                (0.0, output("one")),
                (0.0, output("two")),
                // An hour later: only cancelling gets there.
                (3600.0, output("three")),
            ],
            speed: 1.0,
            hurry: listen,
        };
        let played = spawn(take, cancel.clone(), tx);
        assert_eq!(next(&mut rx).await, [output("one"), output("two")]);
        cancel.cancel();
        let stopped = next(&mut rx).await;
        assert!(
            matches!(
                stopped.as_slice(),
                [ExecutionEvent::StepFinished {
                    outcome: StepOutcome::Cancelled,
                    ..
                }]
            ),
            "{stopped:?}"
        );
        played.settle(Duration::from_secs(5)).await;
        drop(hurry);
    }

    #[test]
    fn a_step_the_recording_lacks_says_so() {
        let events = events("get-rs", None);
        assert!(
            matches!(
                events.as_slice(),
                [(0.0, ExecutionEvent::StepFinished { outcome: StepOutcome::Skipped { reason }, .. })]
                    if reason == MISSING
            ),
            "{events:?}"
        );
    }
}
