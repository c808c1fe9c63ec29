//! `update` for running steps and the output pane: starting a run (asking
//! first for billable steps), folding the runner's events in, cancelling,
//! recording outcomes, and the pane's own scrolling and search.

use crate::runner::RunEvent;
use crate::tui::action::Action;
use crate::tui::layout::reader_areas;
use crate::tui::run::{self, RunMode, RunRequest, StepRun};
use crate::tui::state::{App, Confirm, Overlay, Screen};
use crate::tui::strings;
use crate::tui::update::{relayout, rerender, reveal_step_end};

/// Enter / `v` in the reader on the selected step.
pub fn run_selected(app: &mut App, mode: RunMode) {
    if app.screen != Screen::Reader {
        return;
    }
    if app.running {
        app.notice = Some(strings::NOTICE_BUSY.to_string());
        relayout(app);
        return;
    }
    let Some((lesson, step)) = app.reader.as_ref().and_then(|r| Some((r.lesson, r.step?))) else {
        app.notice = Some(strings::NOTICE_NO_STEP.to_string());
        relayout(app);
        return;
    };
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    match mode {
        RunMode::ChecksOnly if s.checks.is_empty() => {
            app.notice = Some(strings::NOTICE_NO_CHECKS.to_string());
            relayout(app);
        }
        RunMode::ChecksOnly => begin(app, lesson, step, RunMode::ChecksOnly),
        // A step the backend skips creates nothing, so it needs no question.
        _ if s.billable && run::runnable(s, app.settings.backend) => {
            app.overlay = Some(Overlay::Confirm(Confirm::RunStep(lesson, step)));
        }
        _ => start(app, lesson, step),
    }
}

/// Starts step `step` of lesson `lesson` (after any confirmation).
pub fn start(app: &mut App, lesson: usize, step: usize) {
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    let mode = if s.interactive && run::runnable(s, app.settings.backend) {
        RunMode::Interactive
    } else {
        RunMode::Full
    };
    begin(app, lesson, step, mode);
}

fn begin(app: &mut App, lesson: usize, step: usize, mode: RunMode) {
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    app.run = Some(StepRun::new(lesson, step, s, mode));
    app.pending_run = Some(RunRequest { lesson, step, mode });
    app.running = true;
    app.output.clear();
    app.output
        .push(strings::run_header(&s.command).trim().to_string());
    if !app.output.visible {
        app.output.visible = true;
        relayout(app);
    }
    rerender(app);
    reveal_step_end(app);
}

/// Esc / Ctrl-C while a step runs: the runner sees the token and reports
/// `Cancelled` as the step's outcome.
pub fn cancel(app: &mut App) {
    if let Some(run) = app.run.as_ref().filter(|r| r.is_running()) {
        run.cancel.cancel();
    }
}

pub fn apply_events(app: &mut App, events: &[RunEvent]) {
    let mut changed = false;
    for event in events {
        if let RunEvent::Output { line, .. } = event {
            app.output.push(line.clone());
        }
        let Some(run) = app.run.as_mut().filter(|r| r.is_running()) else {
            continue;
        };
        changed |= run.apply(event);
        if let RunEvent::StepFinished { outcome, .. } = event {
            app.running = false;
            record(app, outcome);
        }
    }
    if changed {
        rerender(app);
        reveal_step_end(app);
    }
}

/// Saves the outcome (the event loop writes the file) and marks the lesson
/// completed once every step that runs on this backend has passed.
fn record(app: &mut App, outcome: &crate::runner::StepOutcome) {
    let Some(run) = &app.run else {
        return;
    };
    let Some(lesson) = app.lessons.get(run.lesson) else {
        return;
    };
    let Some(recorded) = run::recorded(outcome) else {
        return;
    };
    app.progress
        .record_step(&lesson.front.id, &run.step_id, recorded);
    if run::lesson_done(lesson, &app.progress, app.settings.backend) {
        let (id, title) = (lesson.front.id.clone(), lesson.front.title.clone());
        app.progress.mark_completed(&id);
        app.notice = Some(format!("{} {title}", strings::COMPLETED_NOTICE));
        relayout(app);
    }
    app.progress_dirty = true;
}

/// `o`: show the pane with the keys in it; from the pane, back to the lesson.
pub fn toggle_output(app: &mut App) {
    if app.output.focused {
        app.output.focused = false;
    } else {
        app.output.focused = true;
        if !app.output.visible {
            app.output.visible = true;
            relayout(app);
        }
    }
}

/// Rows of output the pane shows (its border, header and gauge excluded).
pub fn output_height(app: &App) -> usize {
    let areas = reader_areas(
        app.area(),
        app.banner_height(),
        app.prompt.is_some(),
        app.notes_visible,
        app.output.visible,
    );
    areas.output.map_or(1, |a| {
        usize::from(a.height.saturating_sub(crate::tui::view::OUTPUT_CHROME)).max(1)
    })
}

/// Handles the action in the output pane when it has the keys; false when
/// the reader should handle it instead.
pub fn output_takes(app: &mut App, action: &Action) -> bool {
    if !app.output.focused || app.screen != Screen::Reader || app.overlay.is_some() {
        return false;
    }
    let height = output_height(app);
    let page = i64::try_from(height.saturating_sub(1).max(1)).unwrap_or(1);
    match action {
        Action::Up => app.output.scroll_by(-1, height),
        Action::Down => app.output.scroll_by(1, height),
        Action::ScrollBy(n) => app.output.scroll_by(i64::from(*n), height),
        Action::PageUp => app.output.scroll_by(-page, height),
        Action::PageDown => app.output.scroll_by(page, height),
        Action::Top => app.output.scroll_by(i64::MIN / 2, height),
        Action::Bottom => app.output.scroll_by(i64::MAX / 2, height),
        Action::NextMatch => app.output.jump(true, height),
        Action::PrevMatch => app.output.jump(false, height),
        Action::ClearSearch => app.output.search = None,
        _ => return false,
    }
    true
}
