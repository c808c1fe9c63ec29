//! `update` for the windows: opening and closing them, scrolling the help,
//! and doing what a confirmation was asked for.

use crate::tui::action::Action;
use crate::tui::execution;
use crate::tui::keymap;
use crate::tui::screens::output::OutputPane;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::{App, NoticeExpiry, Screen};

/// Scrolls the help window when it is open; false when the action is not
/// for it.
pub fn takes(app: &mut App, action: &Action) -> bool {
    if app.overlay != Some(Overlay::Help) {
        return false;
    }
    let step: i32 = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -10,
        Action::PageDown => 10,
        _ => return false,
    };
    // The view clamps to what is left below; this bound only stops runaway counts.
    let max = u16::try_from(keymap::help_lines().len() * 2).unwrap_or(u16::MAX);
    let moved = (i32::from(app.help_scroll) + step).clamp(0, i32::from(max));
    app.help_scroll = u16::try_from(moved).unwrap_or(0);
    true
}

pub fn toggle_help(app: &mut App) {
    app.help_scroll = 0;
    app.overlay = match app.overlay {
        Some(Overlay::Help) => None,
        _ => Some(Overlay::Help),
    }
}

pub fn toggle_world(app: &mut App) {
    app.overlay = match app.overlay {
        Some(Overlay::World) => None,
        _ => Some(Overlay::World),
    }
}

pub fn close(app: &mut App) {
    app.overlay = None;
}

pub fn ask_reset_lesson(app: &mut App) {
    let index = match app.screen {
        Screen::List => app.list_selected,
        Screen::Reader => app.reader.as_ref().map_or(app.list_selected, |r| r.lesson),
    };
    if index < app.lessons.len() {
        app.overlay = Some(Overlay::Confirm(Confirm::ResetLesson(index)));
    }
}

/// `q`: asks first while a step executes.
pub fn quit(app: &mut App) {
    // Leaving a billed cluster behind deserves a question too.
    if !app.is_busy() && !app.leftovers.is_empty() {
        if !app.quit_cleanup.running {
            // Asked again: the question again, not the last cleanup's end.
            app.quit_cleanup = Default::default();
        }
        app.overlay = Some(Overlay::Confirm(Confirm::QuitCleanup));
    } else if app.is_busy() || !app.spending.is_empty() {
        app.overlay = Some(Overlay::Confirm(Confirm::Quit));
    } else {
        crate::tui::update::quit(app);
    }
}

/// Yes to the open question.
pub fn confirm(app: &mut App) {
    // A question answered by typing a name stays open until it is typed.
    if !execution::billable::typed_matches(app) {
        return;
    }
    let Some(Overlay::Confirm(what)) = app.overlay.take() else {
        return;
    };
    match what {
        Confirm::Quit => crate::tui::update::quit(app),
        Confirm::QuitCleanup => crate::tui::quit_cleanup::confirm(app),
        Confirm::ExecuteStep(lesson, step) => execution::update::start(app, lesson, step),
        Confirm::RunAgain(lesson, step) => execution::update::run_again(app, lesson, step),
        Confirm::StopStep => execution::update::stop(app),
        Confirm::BuildUp(_) => crate::tui::buildup::confirm(app),
        Confirm::Doctor(lesson, step) => crate::tui::doctor_gate::confirm(app, lesson, step),
        Confirm::Fallback => execution::fallback::accept(app),
        Confirm::ResetAll => {
            app.progress.reset_all();
            app.progress_dirty = true;
            for index in 0..app.lessons.len() {
                forget_results(app, index);
            }
        }
        Confirm::ResetWorld => crate::tui::world::confirm_reset(app),
        Confirm::ResetLesson(index) => {
            if let Some(lesson) = app.lessons.get(index) {
                let id = lesson.front.id.clone();
                app.progress.reset_lesson(&id);
                app.progress_dirty = true;
                forget_results(app, index);
                // Starting over starts at the top: no step stays selected,
                // so Enter takes the first one.
                if let Some(reader) = app.reader.as_mut().filter(|r| r.lesson == index) {
                    reader.step = None;
                    reader.scroll = 0;
                }
            }
        }
    }
}

/// After a reset, lesson `index` shows no results that are no longer
/// recorded: not the finished execution's, nor a "completed" notice.
pub fn forget_results(app: &mut App, index: usize) {
    app.expire_notice(|e| e == NoticeExpiry::AboutLesson(index));
    if app
        .execution
        .as_ref()
        .is_some_and(|e| e.lesson == index && !e.is_executing())
    {
        app.execution = None;
        if app.output.lesson == Some(index) {
            app.output = OutputPane {
                visible: app.output.visible,
                ..OutputPane::default()
            };
        }
    }
}
