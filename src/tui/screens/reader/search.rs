//! `update` for the reader's search: running the typed query over the
//! rendered lesson, moving between matches, and scrolling to them.

use crate::tui::screens::reader::Search;
use crate::tui::state::App;

pub fn submit(app: &mut App) {
    let Some(query) = app.prompt.take() else {
        return;
    };
    let Some(r) = &mut app.reader else {
        return;
    };
    if query.is_empty() {
        r.search = None;
        return;
    }
    let matches = r.doc.find(&query);
    let current = matches.iter().position(|m| m.line >= r.scroll).unwrap_or(0);
    r.search = Some(Search {
        query,
        matches,
        current,
    });
    reveal_match(app);
}

pub fn jump(app: &mut App, forward: bool) {
    let Some(Search {
        matches, current, ..
    }) = app.reader.as_mut().and_then(|r| r.search.as_mut())
    else {
        return;
    };
    if matches.is_empty() {
        return;
    }
    let n = matches.len();
    *current = if forward {
        (*current + 1) % n
    } else {
        (*current + n - 1) % n
    };
    reveal_match(app);
}

pub fn clear(app: &mut App) {
    if let Some(r) = &mut app.reader {
        r.search = None;
    }
}

/// Scrolls so the current match is on screen, a third of the way down.
fn reveal_match(app: &mut App) {
    let height = usize::from(app.text_area().1);
    let Some(r) = &mut app.reader else {
        return;
    };
    let Some(line) = r
        .search
        .as_ref()
        .and_then(|s| s.matches.get(s.current))
        .map(|m| m.line)
    else {
        return;
    };
    if line < r.scroll || line >= r.scroll + height {
        r.scroll = line.saturating_sub(height / 3);
    }
    r.scroll = r.scroll.min(r.doc.lines.len().saturating_sub(height));
}
