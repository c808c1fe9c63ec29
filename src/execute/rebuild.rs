//! After a live step failed on the network and the lesson goes on on a
//! simulated world (`backend::fallback`): that world is brought to the
//! state the earlier steps would have made, by running them there quickly.
//! What the lesson needs is built first (`buildup`), then the lesson's own
//! steps before the failed one. `trinetes run` and the TUI both use it.

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{ExecutionEvent, StepOutcome, buildup};
use crate::backend::Backend;
use crate::lesson::{Lesson, Step, needs};

/// One step to run again on the simulated world, and the lesson it is of.
#[derive(Debug, Clone, Copy)]
pub struct Rebuild<'a> {
    pub lesson: &'a Lesson,
    pub step: &'a Step,
}

impl Rebuild<'_> {
    /// `lesson/step`, for messages and the report.
    pub fn name(&self) -> String {
        format!("{}/{}", self.lesson.front.id, self.step.id)
    }
}

/// The steps that bring `backend`'s world to where `lesson` stood before
/// its step `failed`: the lessons that build what it needs and are not
/// there (each one's build steps), then `lesson`'s steps before `failed`.
/// `all` holds every lesson, expanded for the profile.
pub async fn plan<'a>(
    backend: &dyn Backend,
    all: &'a [Lesson],
    lesson: &'a Lesson,
    failed: usize,
) -> Vec<Rebuild<'a>> {
    let mut plan = Vec::new();
    for builder in buildup::missing(backend, all, lesson).await {
        plan.extend(needs::build_steps(builder).map(|step| Rebuild {
            lesson: builder,
            step,
        }));
    }
    plan.extend(
        lesson
            .steps
            .iter()
            .take(failed)
            .map(|step| Rebuild { lesson, step }),
    );
    plan
}

/// A step of the plan that did not pass on the simulated world.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{step} did not pass on the simulated world either: {reason}")]
pub struct RebuildFailed {
    pub step: String,
    pub reason: String,
}

/// Runs `plan` on `backend` in order, with the world's clock at build-up
/// speed; `done` hears of each step as it ends. Stops at the first step
/// that does not pass (a skipped one is fine: it does not run there).
pub async fn run(
    backend: &dyn Backend,
    plan: &[Rebuild<'_>],
    cancel: &CancellationToken,
    mut done: impl FnMut(&Rebuild<'_>, &StepOutcome),
) -> Result<(), RebuildFailed> {
    let _fast = buildup::hurry(backend);
    for item in plan {
        let (tx, mut rx) = mpsc::channel::<ExecutionEvent>(256);
        let execution = super::execute_step(backend, item.step, &tx, cancel);
        tokio::pin!(execution);
        let mut last_line = None;
        let outcome = loop {
            tokio::select! {
                Some(event) = rx.recv() => {
                    if let ExecutionEvent::Output { line, .. } = event {
                        last_line = Some(line);
                    }
                }
                outcome = &mut execution => break outcome,
            }
        };
        done(item, &outcome);
        if !outcome.ok() {
            let reason = match (&outcome, last_line) {
                (StepOutcome::Failed { reason }, Some(line)) => format!("{reason} ({line})"),
                (StepOutcome::Failed { reason }, None) => reason.clone(),
                (StepOutcome::TimedOut, _) => "it timed out".to_string(),
                (StepOutcome::Cancelled, _) => "it was cancelled".to_string(),
                _ => String::new(),
            };
            return Err(RebuildFailed {
                step: item.name(),
                reason,
            });
        }
    }
    Ok(())
}
