//! The step that executes (or last executed) in the TUI: its state (stage,
//! elapsed time, check results, outcome) and the pure arithmetic the progress
//! line shows. `update` starts executions and folds their `ExecutionEvent`s
//! in; `task` runs them in tokio tasks for the event loop.

pub mod agreement;
pub mod billable;
pub mod fallback;
mod forward;
pub mod task;
pub mod update;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::execute::{ExecutionEvent, StepOutcome};
use crate::lesson::{Lesson, Step};
use crate::progress::RecordedOutcome;
use agreement::ShownStates;
pub use forward::{ForwardState, forward_state};

/// A step that has run this long asks before it is stopped.
pub const LONG_RUN: Duration = Duration::from_secs(30);

/// What the event loop must start after `update` asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutionRequest {
    pub lesson: usize,
    pub step: usize,
    pub mode: ExecutionMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionMode {
    /// The command, then its checks.
    Full,
    /// Only the checks again, after the learner fixed something.
    ChecksOnly,
    /// The command gets the terminal, then the checks run.
    Interactive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckState {
    Pending,
    Running,
    /// `waited`: how long the check waited for its condition.
    Passed {
        seen: String,
        waited: Duration,
    },
    Failed {
        last_seen: String,
        hint: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckLine {
    pub description: String,
    pub state: CheckState,
    /// While it runs: what it keeps seeing with nothing changing, and its
    /// hint (see `ExecutionEvent::CheckStalled`).
    pub stalled: Option<(String, String)>,
}

/// One step's execution, kept after it ends so its results stay on screen.
#[derive(Debug, Clone)]
pub struct StepExecution {
    pub lesson: usize,
    pub step: usize,
    pub step_id: String,
    pub command: String,
    pub mode: ExecutionMode,
    /// The latest stage and how far along it is, when the backend says.
    pub stage: Option<(String, Option<f32>)>,
    /// `elapsed` when the stage last reported, for the ETA.
    pub stage_reported_at: Duration,
    /// Time since the start, as the event loop last reported it.
    pub elapsed: Duration,
    pub checks: Vec<CheckLine>,
    /// The step's own hints its failure called for, in order (empty until
    /// it fails).
    pub hints: Vec<String>,
    pub billable: bool,
    /// The states the command's output showed (see `agreement`).
    pub output_states: ShownStates,
    /// `None` while it runs.
    pub outcome: Option<StepOutcome>,
    pub cancel: CancellationToken,
    /// It runs on the simulated world a live run fell back to.
    pub simulated: bool,
}

impl StepExecution {
    pub fn new(lesson: usize, step_index: usize, step: &Step, mode: ExecutionMode) -> Self {
        StepExecution {
            lesson,
            step: step_index,
            step_id: step.id.clone(),
            command: step.command.clone(),
            mode,
            stage: None,
            stage_reported_at: Duration::ZERO,
            elapsed: Duration::ZERO,
            checks: step
                .checks
                .iter()
                .map(|c| CheckLine {
                    description: c.describe(),
                    state: CheckState::Pending,
                    stalled: None,
                })
                .collect(),
            hints: Vec::new(),
            billable: step.billable,
            output_states: ShownStates::default(),
            outcome: None,
            cancel: CancellationToken::new(),
            simulated: false,
        }
    }

    pub fn is_executing(&self) -> bool {
        self.outcome.is_none()
    }

    /// Folds one event in. The rendered lesson notices what changed (see
    /// `document::sync`).
    pub fn apply(&mut self, event: &ExecutionEvent) {
        match event {
            ExecutionEvent::Output { line, .. } => self.output_states.observe(line),
            ExecutionEvent::StepStarted { .. } | ExecutionEvent::StepSkipped { .. } => {}
            ExecutionEvent::Stage { name, fraction, .. } => {
                self.stage = Some((name.clone(), *fraction));
                self.stage_reported_at = self.elapsed;
            }
            ExecutionEvent::CheckStarted { index, .. } => {
                self.set_check(*index, CheckState::Running);
            }
            ExecutionEvent::CheckPassed {
                index,
                seen,
                elapsed,
                ..
            } => self.set_check(
                *index,
                CheckState::Passed {
                    seen: seen.clone(),
                    waited: *elapsed,
                },
            ),
            ExecutionEvent::CheckStalled {
                index, seen, hint, ..
            } => {
                if let Some(line) = self.checks.get_mut(*index) {
                    line.stalled = Some((seen.clone(), hint.clone()));
                }
            }
            ExecutionEvent::CheckFailed {
                index,
                last_seen,
                hint,
                ..
            } => self.set_check(
                *index,
                CheckState::Failed {
                    last_seen: last_seen.clone(),
                    hint: hint.clone(),
                },
            ),
            ExecutionEvent::StepFinished {
                outcome,
                duration,
                hints,
                ..
            } => {
                self.elapsed = *duration;
                self.outcome = Some(outcome.clone());
                self.hints.clone_from(hints);
            }
        }
    }

    fn set_check(&mut self, index: usize, state: CheckState) {
        if let Some(line) = self.checks.get_mut(index) {
            line.state = state;
            line.stalled = None;
        }
    }

    /// How long the checks waited in all, and what they saw when they
    /// passed, once every check has passed.
    pub fn checks_waited(&self) -> Option<(Duration, Vec<&str>)> {
        let mut total = Duration::ZERO;
        let mut seen = Vec::new();
        for check in &self.checks {
            let CheckState::Passed { seen: s, waited } = &check.state else {
                return None;
            };
            total += *waited;
            seen.push(s.as_str());
        }
        (!seen.is_empty()).then_some((total, seen))
    }

    /// How long the checks waited and what they saw, when every check
    /// passed but the command's output shows another state (printed before
    /// they looked): the step box then says what they saw, and when.
    pub fn checks_saw_otherwise(&self) -> Option<(Duration, Vec<&str>)> {
        let (waited, seen) = self.checks_waited()?;
        let checks_saw = ShownStates::of(seen.iter().copied());
        self.output_states
            .disagrees_with(&checks_saw)
            .then_some((waited, seen))
    }

    /// Whether stopping it should be asked first: it costs money, or it has
    /// run long enough that stopping would throw real time away.
    pub fn stop_needs_asking(&self) -> bool {
        self.billable || self.elapsed >= LONG_RUN
    }

    /// The stage's fraction, when the backend knows it.
    pub fn fraction(&self) -> Option<f32> {
        self.stage.as_ref().and_then(|(_, f)| *f)
    }
}

/// What stopping the billable step `execution` leaves going, and how to
/// undo it: one text for the stop question, the quit question and the
/// stopped step's box. `None` for a step that costs nothing.
pub fn goes_on_after_stop(
    execution: &StepExecution,
    lessons: &[Lesson],
    backend: crate::lesson::BackendKind,
) -> Option<String> {
    execution.billable.then(|| {
        let cleanup = lessons
            .get(execution.lesson)
            .and_then(|l| crate::execute::cleanup_step(l, execution.step))
            .map(|s| (s.id.as_str(), s.command.as_str()));
        crate::tui::strings::stop_goes_on(backend, cleanup)
    })
}

/// Time left, from the time so far and the fraction done: elapsed / fraction
/// − elapsed. `None` until the fraction says something (0 or not a number).
pub fn eta(elapsed: Duration, fraction: f32) -> Option<Duration> {
    if !fraction.is_finite() || fraction <= 0.0 {
        return None;
    }
    let fraction = f64::from(fraction.min(1.0));
    let total = elapsed.as_secs_f64() / fraction;
    Duration::try_from_secs_f64((total - elapsed.as_secs_f64()).max(0.0)).ok()
}

/// Time left at `now`, from a fraction reported at `reported_at`: the
/// total that report implies, minus `now`. Between two reports the time
/// left counts down instead of growing with a stale fraction (which made
/// the first ETA, when the fraction is small, overshoot).
pub fn eta_since(reported_at: Duration, fraction: f32, now: Duration) -> Option<Duration> {
    if reported_at.is_zero() {
        // A report before any time went by says nothing about the pace.
        return None;
    }
    let total = reported_at + eta(reported_at, fraction)?;
    Some(total.saturating_sub(now))
}

/// `1m05s`, `12s`, `1h02m`: short enough for a status line.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m{:02}s", secs / 60, secs % 60),
        _ => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
    }
}

/// The spinner frame for a moment of the execution (changes every tick).
pub fn spinner(elapsed: Duration) -> char {
    const FRAMES: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];
    let tick = usize::try_from(elapsed.as_millis() / 250).unwrap_or(0);
    FRAMES[tick % FRAMES.len()]
}

/// Whether a step runs on this backend kind and the chosen profile (the
/// others are skipped).
pub fn executes_on(step: &Step, backend: crate::lesson::BackendKind) -> bool {
    step.skipped_on_profile.is_none()
        && (step.backends.is_empty() || step.backends.contains(&backend))
}

/// The progress file's record of an outcome; a cancelled step records nothing.
pub fn recorded(outcome: &StepOutcome) -> Option<RecordedOutcome> {
    match outcome {
        StepOutcome::Passed => Some(RecordedOutcome::Passed),
        StepOutcome::Failed { .. } | StepOutcome::TimedOut => Some(RecordedOutcome::Failed),
        StepOutcome::Skipped { .. } => Some(RecordedOutcome::Skipped),
        StepOutcome::Cancelled => None,
    }
}

/// Whether Tab, S-Tab and `Next:` stop at step `index`: one rule for all
/// three. They pass over the steps skipped on this backend or profile,
/// unless every step is skipped here (then the lesson is read step by step).
pub fn stops_at(lesson: &Lesson, index: usize, backend: crate::lesson::BackendKind) -> bool {
    let runs = |s: &Step| executes_on(s, backend);
    lesson.steps.get(index).is_some_and(&runs) || !lesson.steps.iter().any(runs)
}

/// The step Tab moves to from step `index`.
pub fn step_after(
    lesson: &Lesson,
    index: usize,
    backend: crate::lesson::BackendKind,
) -> Option<usize> {
    (index + 1..lesson.steps.len()).find(|&i| stops_at(lesson, i, backend))
}

/// The step S-Tab moves to from step `index`.
pub fn step_before(
    lesson: &Lesson,
    index: usize,
    backend: crate::lesson::BackendKind,
) -> Option<usize> {
    (0..index).rev().find(|&i| stops_at(lesson, i, backend))
}

/// The step `Next:` names after step `index`: the one Tab moves to.
pub fn next_executed(
    lesson: &Lesson,
    index: usize,
    backend: crate::lesson::BackendKind,
) -> Option<&Step> {
    lesson.steps.get(step_after(lesson, index, backend)?)
}

/// Whether every step that runs on `backend` has passed.
pub fn lesson_done(
    lesson: &Lesson,
    progress: &crate::progress::Progress,
    backend: crate::lesson::BackendKind,
) -> bool {
    let mut any = false;
    for step in lesson.steps.iter().filter(|s| executes_on(s, backend)) {
        any = true;
        if progress.step_outcome(&lesson.front.id, &step.id) != Some(RecordedOutcome::Passed) {
            return false;
        }
    }
    any
}
