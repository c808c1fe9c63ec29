//! `update` for the output pane: showing, focusing and hiding it, and, while
//! it has the keys, its own scrolling and search.

use crate::tui::action::Action;
use crate::tui::state::{App, Screen};

/// Handles the action in the output pane when it has the keys; false when
/// the reader should handle it instead.
pub fn takes(app: &mut App, action: &Action) -> bool {
    if !app.output.focused || app.screen != Screen::Reader || app.overlay.is_some() {
        return false;
    }
    let height = app.output_height();
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

/// Enter in the prompt while the pane has the keys: search its lines.
pub fn submit_search(app: &mut App) {
    let query = app.prompt.take().unwrap_or_default();
    let height = app.output_height();
    app.output.search(query, height);
}

/// `o`: show the pane with the keys in it; from the pane, back to the lesson.
pub fn toggle(app: &mut App) {
    if app.output.focused {
        app.output.focused = false;
    } else {
        app.output.focused = true;
        app.output.visible = true;
    }
}

/// `O`: hide the pane.
pub fn hide(app: &mut App) {
    app.output.visible = false;
    app.output.focused = false;
}
