//! `update`: the one place state changes in response to an action. It hands
//! each action to the screen or the execution it is for, then brings the
//! rendered lesson up to date (`document::sync`). No I/O: progress changes
//! set `progress_dirty` and the event loop saves them.

use crate::progress::LessonStatus;
use crate::tui::action::Action;
use crate::tui::buildup;
use crate::tui::execution::{self, ExecutionMode};
use crate::tui::screens::reader::document;
use crate::tui::screens::{list, output, overlay, reader};
use crate::tui::state::{App, Screen};

pub fn update(app: &mut App, action: Action) {
    let before = lesson_in_view(app);
    let marking = action == Action::MarkCompleted;
    apply(app, action);
    // A port-forward belongs to its lesson: leaving the lesson, or marking
    // it completed with `c`, closes it. A lesson that completes because its
    // last step passed keeps it: that step is often the forward itself,
    // and the learner is about to open the UI it serves.
    if let Some((lesson, finished)) = before {
        let after = lesson_in_view(app);
        let left = after.map(|(l, _)| l) != Some(lesson);
        let marked = marking && after == Some((lesson, true)) && !finished;
        if left || marked {
            app.stop_forwards = true;
        }
    }
    document::sync(app);
    crate::tui::present::update::sync(app);
}

/// The lesson open in the reader, and whether it is finished (marked
/// completed, or every step that runs here passed).
fn lesson_in_view(app: &App) -> Option<(usize, bool)> {
    if app.screen != Screen::Reader {
        return None;
    }
    let index = app.reader.as_ref()?.lesson;
    let lesson = app.lessons.get(index)?;
    let finished = app.progress.status(&lesson.front.id) == LessonStatus::Completed
        || execution::lesson_done(lesson, &app.progress, app.settings.backend);
    Some((index, finished))
}

fn apply(app: &mut App, action: Action) {
    if crate::tui::present::update::takes(app, &action)
        || overlay::update::takes(app, &action)
        || output::update::takes(app, &action)
    {
        return;
    }
    match action {
        Action::ExecuteStep => execution::update::execute_selected(app, ExecutionMode::Full),
        Action::RetryChecks => {
            execution::update::execute_selected(app, ExecutionMode::ChecksOnly);
        }
        Action::CancelExecution => execution::update::cancel(app),
        Action::ExecutionEvents(events) => execution::update::apply_events(app, &events),
        Action::ExecutionTick(elapsed) => execution::update::tick(app, elapsed),
        Action::NeedsProbed { lesson, builders } => buildup::probed(app, lesson, builders),
        Action::BuildUp(event) => buildup::event(app, event),
        Action::Fallback(event) => crate::tui::execution::fallback::event(app, event),
        Action::DoctorDone(report) => crate::tui::doctor_gate::done(app, report),
        Action::FastForward => crate::tui::present::update::fast_forward(app),
        Action::FromNotes(command) => {
            for action in crate::tui::notes_link::actions_for(app, command) {
                apply(app, action);
            }
        }
        // Outside the presentation these have nothing to move.
        Action::PresentNext | Action::PresentBack | Action::PresentTick(_) => {}
        Action::QuitCleanupLine(line) => crate::tui::quit_cleanup::line(app, line),
        Action::QuitCleanupDone(survivors) => crate::tui::quit_cleanup::done(app, survivors),
        Action::QuitLeaving => quit(app),
        Action::ToggleOutput => output::update::toggle(app),
        Action::HideOutput => output::update::hide(app),
        Action::Resize(w, h) => app.size = (w, h),
        Action::ForceQuit => quit(app),
        Action::Quit => overlay::update::quit(app),
        Action::ToggleHelp => overlay::update::toggle_help(app),
        Action::ToggleWorld => overlay::update::toggle_world(app),
        Action::StopForwards => app.stop_forwards = true,
        Action::CloseOverlay | Action::ConfirmNo => {
            // The cleanup before quitting runs to its end.
            if !crate::tui::quit_cleanup::holds_window(app) {
                overlay::update::close(app)
            }
        }
        Action::ConfirmYes => overlay::update::confirm(app),
        Action::AskResetAll => {
            app.overlay = Some(overlay::Overlay::Confirm(overlay::Confirm::ResetAll));
        }
        Action::AskResetWorld => crate::tui::world::ask_reset(app),
        Action::WorldReset(result) => crate::tui::world::reset_done(app, result),
        Action::AskResetLesson => overlay::update::ask_reset_lesson(app),
        Action::DismissWarning => {
            app.warning = None;
            app.notice = None;
            app.notice_expires = None;
        }
        Action::StartSearch => app.prompt = Some(String::new()),
        Action::PromptInput(c) => {
            if let Some(p) = &mut app.prompt {
                p.push(c);
            } else if app.overlay.is_some() {
                app.typed.push(c);
            }
        }
        Action::PromptBackspace => {
            if let Some(p) = &mut app.prompt {
                p.pop();
            } else if app.overlay.is_some() {
                app.typed.pop();
            }
        }
        Action::PromptCancel => app.prompt = None,
        Action::PromptSubmit if app.output.focused => output::update::submit_search(app),
        Action::PromptSubmit => reader::search::submit(app),
        Action::ClearSearch => reader::search::clear(app),
        Action::NextMatch => reader::search::jump(app, true),
        Action::PrevMatch => reader::search::jump(app, false),
        Action::Open => list::update::open_selected(app),
        Action::Back => reader::update::back_to_list(app),
        Action::ToggleNotes => reader::update::toggle_notes(app),
        Action::MarkCompleted => reader::update::mark_completed(app),
        Action::NextStep => reader::update::move_step(app, true),
        Action::PrevStep => reader::update::move_step(app, false),
        Action::Up => scroll(app, -1),
        Action::Down => scroll(app, 1),
        Action::ScrollBy(n) => scroll(app, n),
        Action::PageUp => scroll(app, -page(app)),
        Action::PageDown => scroll(app, page(app)),
        Action::Top => scroll(app, i32::MIN / 2),
        Action::Bottom => scroll(app, i32::MAX / 2),
    }
}

/// Stops any execution, remembers the place, and leaves.
pub fn quit(app: &mut App) {
    if let Some(execution) = &app.execution {
        execution.cancel.cancel();
    }
    if let Some(building) = &app.build_up.running {
        building.cancel();
    }
    reader::update::remember_position(app);
    app.should_quit = true;
}

fn page(app: &App) -> i32 {
    match app.screen {
        Screen::Reader => reader::update::page(app),
        Screen::List => list::update::PAGE,
    }
}

fn scroll(app: &mut App, delta: i32) {
    match app.screen {
        Screen::List => list::update::move_selection(app, delta),
        Screen::Reader => reader::update::scroll(app, delta),
    }
}

/// `value` moved by `delta`, within `0..=max`.
pub fn offset(value: usize, delta: i32, max: usize) -> usize {
    let moved = i64::try_from(value).unwrap_or(i64::MAX) + i64::from(delta);
    usize::try_from(moved.max(0)).unwrap_or(0).min(max)
}
