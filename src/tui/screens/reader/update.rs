//! `update` for the reader: opening a lesson, scrolling, moving between
//! steps, speaker notes, marking the lesson completed, going back, and
//! remembering the place. The document itself is rebuilt by `document::sync`.

use crate::tui::execution;
use crate::tui::screens::output::OutputPane;
use crate::tui::screens::reader::{Reader, RenderedLesson};
use crate::tui::state::{App, NoticeExpiry, Screen};
use crate::tui::strings;
use crate::tui::update::offset;

/// Opens lesson `index` at a position, e.g. when resuming at start-up.
pub fn open_lesson(app: &mut App, index: usize, scroll: usize, step: Option<usize>) {
    let Some(lesson) = app.lessons.get(index) else {
        return;
    };
    let id = lesson.front.id.clone();
    app.expire_notice(|e| matches!(e, NoticeExpiry::AboutLesson(i) if i != index));
    // Each lesson opens with its own output: the last lesson's finished
    // step is not this one's. A step still executing keeps its pane.
    if app.output.lesson.is_some_and(|l| l != index) && !app.executing {
        app.output = OutputPane::default();
    }
    app.reader = Some(Reader {
        lesson: index,
        scroll,
        step,
        doc: RenderedLesson::default(),
        search: None,
    });
    app.list_selected = index;
    app.screen = Screen::Reader;
    app.progress.mark_opened(&id);
    // Rendered now, so the place remembered is within the text.
    super::document::sync(app);
    remember_position(app);
}

pub fn page(app: &App) -> i32 {
    i32::from(app.text_area().1.saturating_sub(1).max(1))
}

pub fn scroll(app: &mut App, delta: i32) {
    let height = usize::from(app.text_area().1);
    if let Some(r) = &mut app.reader {
        let max = r.doc.lines.len().saturating_sub(height);
        r.scroll = offset(r.scroll.min(max), delta, max);
    }
}

/// Tab / n and S-Tab / p: selects the next or previous step and scrolls its
/// box into view. Steps skipped here are passed over, as `Next:` does
/// (`execution::stops_at`).
pub fn move_step(app: &mut App, forward: bool) {
    let backend = app.settings.backend;
    let Some(r) = &mut app.reader else {
        return;
    };
    let Some(lesson) = app.lessons.get(r.lesson) else {
        return;
    };
    let total = lesson.steps.len();
    let stops = |i: usize| execution::stops_at(lesson, i, backend);
    let Some(first) = (0..total).find(|&i| stops(i)) else {
        return;
    };
    let last = (0..total).rev().find(|&i| stops(i)).unwrap_or(first);
    let starts = |i: usize| r.doc.steps.get(i).map_or(0, |range| range.start);
    let next = match (r.step, forward) {
        (None, true) => (0..total)
            .find(|&i| stops(i) && starts(i) >= r.scroll)
            .unwrap_or(last),
        (None, false) => (0..total)
            .rev()
            .find(|&i| stops(i) && starts(i) < r.scroll)
            .unwrap_or(first),
        (Some(i), true) => execution::step_after(lesson, i, backend).unwrap_or(i),
        (Some(i), false) => execution::step_before(lesson, i, backend).unwrap_or(i),
    };
    if forward && r.step == Some(next) {
        app.set_notice(strings::NOTICE_LAST_STEP, Some(NoticeExpiry::StepStarts));
    }
    select_step(app, next);
}

/// Selects step `index` of the open lesson and scrolls its box into view.
pub fn select_step(app: &mut App, index: usize) {
    let height = usize::from(app.text_area().1);
    let Some(r) = &mut app.reader else {
        return;
    };
    r.step = Some(index);
    // Selection does not change a box's height, so the ranges still hold.
    if let Some(range) = r.doc.steps.get(index).cloned() {
        if range.start < r.scroll || range.end > r.scroll + height {
            r.scroll = range.start.saturating_sub(1);
        }
        r.scroll = r.scroll.min(r.doc.lines.len().saturating_sub(height));
    }
    remember_position(app);
}

/// Whether the first line of step `index`'s box is on screen.
pub fn step_in_view(app: &App, index: usize) -> bool {
    let height = usize::from(app.text_area().1);
    app.reader.as_ref().is_some_and(|r| {
        r.doc
            .steps
            .get(index)
            .is_some_and(|range| (r.scroll..r.scroll + height).contains(&range.start))
    })
}

pub fn toggle_notes(app: &mut App) {
    app.notes_visible = !app.notes_visible;
}

/// `c`: marks the open lesson completed by hand.
pub fn mark_completed(app: &mut App) {
    if let Some(lesson) = app.open_lesson() {
        let (id, title) = (lesson.front.id.clone(), lesson.front.title.clone());
        let index = app.reader.as_ref().map_or(0, |r| r.lesson);
        app.progress.mark_completed(&id);
        app.progress_dirty = true;
        app.set_notice(
            format!("{} {title}", strings::COMPLETED_NOTICE),
            Some(NoticeExpiry::AboutLesson(index)),
        );
    }
}

pub fn back_to_list(app: &mut App) {
    remember_position(app);
    app.screen = Screen::List;
    app.prompt = None;
}

/// Records where the reader is, so the next start resumes there.
pub fn remember_position(app: &mut App) {
    let Some(r) = &app.reader else {
        return;
    };
    let Some(lesson) = app.lessons.get(r.lesson) else {
        return;
    };
    let step = r
        .step
        .and_then(|i| lesson.steps.get(i))
        .map(|s| s.id.as_str());
    app.progress.set_last(&lesson.front.id, r.scroll, step);
    app.progress_dirty = true;
}
