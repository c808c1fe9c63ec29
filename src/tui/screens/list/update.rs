//! `update` for the lesson list: moving the selection and opening a lesson.

use crate::tui::screens::reader;
use crate::tui::state::{App, Screen};

/// Lessons a page key moves by.
pub const PAGE: i32 = 10;

pub fn move_selection(app: &mut App, delta: i32) {
    let last = app.lessons.len().saturating_sub(1);
    app.list_selected = crate::tui::update::offset(app.list_selected, delta, last);
}

/// Opens the chosen lesson where the learner left it, if they did.
pub fn open_selected(app: &mut App) {
    if app.screen != Screen::List || app.lessons.is_empty() {
        return;
    }
    let index = app.list_selected.min(app.lessons.len() - 1);
    let id = app.lessons[index].front.id.clone();
    let resume = app.progress.last.clone().filter(|l| l.lesson == id);
    let step = resume.as_ref().and_then(|l| {
        let step_id = l.step.as_deref()?;
        app.lessons[index]
            .steps
            .iter()
            .position(|s| s.id == step_id)
    });
    reader::update::open_lesson(app, index, resume.map_or(0, |l| l.scroll), step);
}
