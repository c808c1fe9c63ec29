//! `update` for step executions: starting one (asking first for billable
//! steps), folding its events in, cancelling it, and recording its outcome.

use crate::execute::{ExecutionEvent, StepOutcome};
use crate::tui::execution::{self, ExecutionMode, ExecutionRequest, StepExecution};
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::{App, NoticeExpiry, Screen};
use crate::tui::strings;

/// Enter / `v` in the reader on the selected step.
pub fn execute_selected(app: &mut App, mode: ExecutionMode) {
    if app.screen != Screen::Reader {
        return;
    }
    if app.is_busy() {
        app.set_notice(strings::NOTICE_BUSY, Some(NoticeExpiry::StepEnds));
        return;
    }
    let Some(reader) = app.reader.as_ref() else {
        return;
    };
    let (lesson, step) = match reader.step {
        Some(step) => (reader.lesson, step),
        // No step selected: Enter means the obvious one, the first not done.
        None => {
            let lesson = reader.lesson;
            let Some(step) = first_not_done(app, lesson) else {
                app.set_notice(strings::NOTICE_NO_STEP, None);
                return;
            };
            let in_view = crate::tui::screens::reader::update::step_in_view(app, step);
            crate::tui::screens::reader::update::select_step(app, step);
            if !in_view || mode == ExecutionMode::ChecksOnly {
                // Below the fold: show it first, and say what Enter does now.
                if let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) {
                    let notice = strings::notice_step_selected(&s.id, &s.title);
                    app.set_notice(notice, Some(NoticeExpiry::StepStarts));
                }
                return;
            }
            (lesson, step)
        }
    };
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    match mode {
        ExecutionMode::ChecksOnly if s.checks.is_empty() => {
            app.set_notice(strings::NOTICE_NO_CHECKS, None);
        }
        ExecutionMode::ChecksOnly => begin(app, lesson, step, ExecutionMode::ChecksOnly),
        _ if passed(app, lesson, step) => {
            app.overlay = Some(Overlay::Confirm(Confirm::RunAgain(lesson, step)));
        }
        _ => {
            let runs_here = execution::executes_on(s, app.settings.backend);
            // On a real backend, the first step that runs waits for the
            // doctor's checks.
            if runs_here && crate::tui::doctor_gate::intercept(app, lesson, step) {
                return;
            }
            execute_step(app, lesson, step);
        }
    }
}

/// Runs step `step` of lesson `lesson`, asking first when it is billable.
pub fn execute_step(app: &mut App, lesson: usize, step: usize) {
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    // A step the backend skips creates nothing, so it needs no question.
    if s.billable && execution::executes_on(s, app.settings.backend) {
        app.typed.clear();
        app.overlay = Some(Overlay::Confirm(Confirm::ExecuteStep(lesson, step)));
    } else {
        start(app, lesson, step);
    }
}

/// Whether step `step` of lesson `lesson` is recorded as passed (for real).
fn passed(app: &App, lesson: usize, step: usize) -> bool {
    let Some(l) = app.lessons.get(lesson) else {
        return false;
    };
    let Some(s) = l.steps.get(step) else {
        return false;
    };
    app.progress.step_outcome(&l.front.id, &s.id) == Some(crate::progress::RecordedOutcome::Passed)
}

/// Yes to running a step that passed again: as Enter on any other step.
pub fn run_again(app: &mut App, lesson: usize, step: usize) {
    let runs_here = app
        .lessons
        .get(lesson)
        .and_then(|l| l.steps.get(step))
        .is_some_and(|s| execution::executes_on(s, app.settings.backend));
    if runs_here && crate::tui::doctor_gate::intercept(app, lesson, step) {
        return;
    }
    execute_step(app, lesson, step);
}

/// The first step of lesson `lesson` that Tab stops at and that has not
/// passed yet (while steps run simulated, a simulated pass counts).
fn first_not_done(app: &App, lesson: usize) -> Option<usize> {
    use crate::progress::RecordedOutcome::{Passed, SimulatedPass};
    let l = app.lessons.get(lesson)?;
    let simulated = app.fallback.active.is_some();
    (0..l.steps.len()).find(|&i| {
        execution::stops_at(l, i, app.settings.backend)
            && !match app.progress.step_outcome(&l.front.id, &l.steps[i].id) {
                Some(Passed) => true,
                Some(SimulatedPass) => simulated,
                _ => false,
            }
    })
}

/// Starts step `step` of lesson `lesson` (after any confirmation).
pub fn start(app: &mut App, lesson: usize, step: usize) {
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    let mode = if s.interactive && execution::executes_on(s, app.settings.backend) {
        ExecutionMode::Interactive
    } else {
        ExecutionMode::Full
    };
    begin(app, lesson, step, mode);
}

fn begin(app: &mut App, lesson: usize, step: usize, mode: ExecutionMode) {
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    let mut execution = StepExecution::new(lesson, step, s, mode);
    execution.simulated = app.fallback.active.is_some();
    app.execution = Some(execution);
    app.pending_execution = Some(ExecutionRequest { lesson, step, mode });
    app.executing = true;
    app.output.clear();
    app.output.lesson = Some(lesson);
    app.output
        .push(strings::command_header(&s.command).trim().to_string());
    app.output.visible = true;
    app.expire_notice(|e| e == NoticeExpiry::StepStarts);
}

/// Ctrl-C / K while a step executes. A billable or long step asks first;
/// the same key again, or y, stops it.
pub fn cancel(app: &mut App) {
    let Some(execution) = app.execution.as_ref().filter(|e| e.is_executing()) else {
        return;
    };
    let asked = app.overlay == Some(Overlay::Confirm(Confirm::StopStep));
    if execution.stop_needs_asking() && !asked {
        app.overlay = Some(Overlay::Confirm(Confirm::StopStep));
        return;
    }
    stop(app);
}

/// Stops the executing step: the execution sees the token and reports
/// `Cancelled` as the step's outcome.
pub fn stop(app: &mut App) {
    if app.overlay == Some(Overlay::Confirm(Confirm::StopStep)) {
        app.overlay = None;
    }
    if let Some(execution) = app.execution.as_ref().filter(|e| e.is_executing()) {
        execution.cancel.cancel();
    }
}

pub fn apply_events(app: &mut App, events: &[ExecutionEvent]) {
    for event in events {
        if let ExecutionEvent::Output { line, .. } = event {
            app.output.push(line.clone());
        }
        let Some(execution) = app.execution.as_mut().filter(|e| e.is_executing()) else {
            continue;
        };
        execution.apply(event);
        if let ExecutionEvent::StepFinished { outcome, .. } = event {
            app.executing = false;
            app.expire_notice(|e| e == NoticeExpiry::StepEnds);
            // Nothing is left to stop or to quit from.
            if matches!(
                app.overlay,
                Some(Overlay::Confirm(Confirm::StopStep | Confirm::Quit))
            ) {
                app.overlay = None;
            }
            record(app, outcome);
            execution::fallback::after_step(app, outcome);
        }
    }
}

pub fn tick(app: &mut App, elapsed: std::time::Duration) {
    if let Some(execution) = app.execution.as_mut().filter(|e| e.is_executing()) {
        execution.elapsed = elapsed;
    }
}

/// Saves the outcome (the event loop writes the file) and marks the lesson
/// completed once every step that executes on this backend has passed.
fn record(app: &mut App, outcome: &StepOutcome) {
    let Some(execution) = &app.execution else {
        return;
    };
    // Marks are for what was done for real; a simulated pass says so, and
    // a replay marks nothing.
    if crate::tui::present::replay::replaying(app) {
        return;
    }
    if execution.simulated {
        execution::fallback::record_simulated(app, outcome);
        return;
    }
    let Some(lesson) = app.lessons.get(execution.lesson) else {
        return;
    };
    let Some(recorded) = execution::recorded(outcome) else {
        return;
    };
    app.progress
        .record_step(&lesson.front.id, &execution.step_id, recorded);
    if execution::lesson_done(lesson, &app.progress, app.settings.backend) {
        let (id, title) = (lesson.front.id.clone(), lesson.front.title.clone());
        let index = execution.lesson;
        app.progress.mark_completed(&id);
        app.set_notice(
            format!("{} {title}", strings::COMPLETED_NOTICE),
            Some(NoticeExpiry::AboutLesson(index)),
        );
    }
    app.progress_dirty = true;
}
