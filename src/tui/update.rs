//! `update`: the one place state changes in response to an action. No I/O:
//! progress changes set `progress_dirty` and the event loop saves them.

use crate::tui::action::Action;
use crate::tui::document::RenderedLesson;
use crate::tui::layout::reader_areas;
use crate::tui::run::RunMode;
use crate::tui::state::{App, Confirm, Overlay, Reader, Screen, Search};
use crate::tui::strings;
use crate::tui::update_run;
use crate::tui::update_search;

pub fn update(app: &mut App, action: Action) {
    if app.overlay == Some(Overlay::Help) {
        let step: i32 = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -10,
            Action::PageDown => 10,
            _ => 0,
        };
        if step != 0 {
            // The view clamps to what is left below; this bound only stops runaway counts.
            let max = u16::try_from(strings::KEYS.len() * 2).unwrap_or(u16::MAX);
            let moved = (i32::from(app.help_scroll) + step).clamp(0, i32::from(max));
            app.help_scroll = u16::try_from(moved).unwrap_or(0);
            return;
        }
    }
    if crate::tui::update_run::output_takes(app, &action) {
        return;
    }
    match action {
        Action::RunStep => update_run::run_selected(app, RunMode::Full),
        Action::RetryChecks => update_run::run_selected(app, RunMode::ChecksOnly),
        Action::CancelRun => update_run::cancel(app),
        Action::ToggleOutput => update_run::toggle_output(app),
        Action::HideOutput => {
            app.output.visible = false;
            app.output.focused = false;
            relayout(app);
        }
        Action::RunEvents(events) => update_run::apply_events(app, &events),
        Action::RunTick(elapsed) => {
            if let Some(run) = app.run.as_mut().filter(|r| r.is_running()) {
                run.elapsed = elapsed;
            }
        }
        Action::Resize(w, h) => {
            app.size = (w, h);
            relayout(app);
        }
        Action::ForceQuit => quit(app),
        Action::Quit => {
            if app.is_busy() {
                app.overlay = Some(Overlay::Confirm(Confirm::Quit));
            } else {
                quit(app);
            }
        }
        Action::ToggleHelp => {
            app.help_scroll = 0;
            app.overlay = match app.overlay {
                Some(Overlay::Help) => None,
                _ => Some(Overlay::Help),
            }
        }
        Action::ToggleWorld => {
            app.overlay = match app.overlay {
                Some(Overlay::World) => None,
                _ => Some(Overlay::World),
            }
        }
        Action::CloseOverlay | Action::ConfirmNo => app.overlay = None,
        Action::ConfirmYes => confirm(app),
        Action::DismissWarning => {
            app.warning = None;
            app.notice = None;
            relayout(app);
        }
        Action::AskResetAll => app.overlay = Some(Overlay::Confirm(Confirm::ResetAll)),
        Action::AskResetLesson => {
            let index = match app.screen {
                Screen::List => app.list_selected,
                Screen::Reader => app.reader.as_ref().map_or(app.list_selected, |r| r.lesson),
            };
            if index < app.lessons.len() {
                app.overlay = Some(Overlay::Confirm(Confirm::ResetLesson(index)));
            }
        }
        Action::StartSearch => app.prompt = Some(String::new()),
        Action::PromptInput(c) => {
            if let Some(p) = &mut app.prompt {
                p.push(c);
            }
        }
        Action::PromptBackspace => {
            if let Some(p) = &mut app.prompt {
                p.pop();
            }
        }
        Action::PromptCancel => app.prompt = None,
        Action::PromptSubmit if app.output.focused => {
            let query = app.prompt.take().unwrap_or_default();
            let height = update_run::output_height(app);
            app.output.search(query, height);
        }
        Action::PromptSubmit => update_search::submit_search(app),
        Action::ClearSearch => {
            if let Some(r) = &mut app.reader {
                r.search = None;
            }
        }
        Action::NextMatch => update_search::jump_match(app, true),
        Action::PrevMatch => update_search::jump_match(app, false),
        Action::Open => open_selected(app),
        Action::Back => back_to_list(app),
        Action::ToggleNotes => {
            app.notes_visible = !app.notes_visible;
            relayout(app);
        }
        Action::MarkCompleted => {
            if let Some(lesson) = app.open_lesson() {
                let (id, title) = (lesson.front.id.clone(), lesson.front.title.clone());
                app.progress.mark_completed(&id);
                app.progress_dirty = true;
                app.notice = Some(format!("{} {title}", strings::COMPLETED_NOTICE));
                relayout(app);
            }
        }
        Action::NextStep => move_step(app, true),
        Action::PrevStep => move_step(app, false),
        Action::Up => scroll(app, -1),
        Action::Down => scroll(app, 1),
        Action::ScrollBy(n) => scroll(app, n),
        Action::PageUp => scroll(app, -page(app)),
        Action::PageDown => scroll(app, page(app)),
        Action::Top => scroll(app, i32::MIN / 2),
        Action::Bottom => scroll(app, i32::MAX / 2),
    }
}

fn quit(app: &mut App) {
    if let Some(run) = &app.run {
        run.cancel.cancel();
    }
    remember_position(app);
    app.should_quit = true;
}

fn confirm(app: &mut App) {
    let Some(Overlay::Confirm(what)) = app.overlay.take() else {
        return;
    };
    match what {
        Confirm::Quit => quit(app),
        Confirm::RunStep(lesson, step) => update_run::start(app, lesson, step),
        Confirm::ResetAll => {
            app.progress.reset_all();
            app.progress_dirty = true;
        }
        Confirm::ResetLesson(index) => {
            if let Some(lesson) = app.lessons.get(index) {
                let id = lesson.front.id.clone();
                app.progress.reset_lesson(&id);
                app.progress_dirty = true;
            }
        }
    }
}

/// The text area's width and height for the current size and panels.
pub fn text_area(app: &App) -> (u16, u16) {
    let areas = reader_areas(
        app.area(),
        app.banner_height(),
        app.prompt.is_some(),
        app.notes_visible,
        app.output.visible,
    );
    (areas.text.width.max(1), areas.text.height.max(1))
}

fn page(app: &App) -> i32 {
    match app.screen {
        Screen::Reader => i32::from(text_area(app).1.saturating_sub(1).max(1)),
        Screen::List => 10,
    }
}

fn scroll(app: &mut App, delta: i32) {
    match app.screen {
        Screen::List => {
            let last = app.lessons.len().saturating_sub(1);
            app.list_selected = offset(app.list_selected, delta, last);
        }
        Screen::Reader => {
            let height = usize::from(text_area(app).1);
            if let Some(r) = &mut app.reader {
                let max = r.doc.lines.len().saturating_sub(height);
                r.scroll = offset(r.scroll.min(max), delta, max);
            }
        }
    }
}

fn offset(value: usize, delta: i32, max: usize) -> usize {
    let moved = i64::try_from(value).unwrap_or(i64::MAX) + i64::from(delta);
    usize::try_from(moved.max(0)).unwrap_or(0).min(max)
}

fn open_selected(app: &mut App) {
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
    open_lesson(app, index, resume.map_or(0, |l| l.scroll), step);
}

/// Opens lesson `index` at a position, e.g. when resuming at start-up.
pub fn open_lesson(app: &mut App, index: usize, scroll: usize, step: Option<usize>) {
    let Some(lesson) = app.lessons.get(index) else {
        return;
    };
    let (width, height) = text_area(app);
    let doc = RenderedLesson::build(lesson, width, step, &app.document_style(index));
    let max = doc.lines.len().saturating_sub(usize::from(height));
    let id = lesson.front.id.clone();
    app.reader = Some(Reader {
        lesson: index,
        scroll: scroll.min(max),
        step,
        doc,
        search: None,
    });
    app.list_selected = index;
    app.screen = Screen::Reader;
    app.progress.mark_opened(&id);
    remember_position(app);
}

fn back_to_list(app: &mut App) {
    remember_position(app);
    app.screen = Screen::List;
    app.prompt = None;
}

/// Records where the reader is, so the next start resumes there.
fn remember_position(app: &mut App) {
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

/// Re-renders the open lesson when the text width changed, keeping the
/// reader's place (the selected step, or the same fraction of the text).
pub fn relayout(app: &mut App) {
    let (width, height) = text_area(app);
    let Some(r) = &app.reader else {
        return;
    };
    let style = app.document_style(r.lesson);
    if r.doc.width == width {
        clamp_scroll(app);
        return;
    }
    let Some(lesson) = app.lessons.get(r.lesson) else {
        return;
    };
    let doc = RenderedLesson::build(lesson, width, r.step, &style);
    let old_len = r.doc.lines.len().max(1);
    let new_scroll = r.scroll * doc.lines.len() / old_len;
    let query = r.search.as_ref().map(|s| s.query.clone());
    let step = r.step;
    let r = app.reader.as_mut().expect("checked above");
    r.scroll = new_scroll;
    r.doc = doc;
    if let Some(query) = query {
        let matches = r.doc.find(&query);
        let current = matches.iter().position(|m| m.line >= r.scroll).unwrap_or(0);
        r.search = Some(Search {
            query,
            matches,
            current,
        });
    }
    if let Some(range) = step.and_then(|s| r.doc.steps.get(s).cloned()) {
        let h = usize::from(height);
        if range.start < r.scroll || range.end > r.scroll + h {
            r.scroll = range.start.saturating_sub(1);
        }
    }
    clamp_scroll(app);
}

fn clamp_scroll(app: &mut App) {
    let height = usize::from(text_area(app).1);
    if let Some(r) = &mut app.reader {
        r.scroll = r.scroll.min(r.doc.lines.len().saturating_sub(height));
    }
}

fn move_step(app: &mut App, forward: bool) {
    let height = usize::from(text_area(app).1);
    let Some(mut r) = app.reader.take() else {
        return;
    };
    let Some(lesson) = app.lessons.get(r.lesson) else {
        app.reader = Some(r);
        return;
    };
    let total = lesson.steps.len();
    if total == 0 {
        app.reader = Some(r);
        return;
    }
    let next = match (r.step, forward) {
        (None, true) => r
            .doc
            .steps
            .iter()
            .position(|range| range.start >= r.scroll)
            .unwrap_or(total - 1),
        (None, false) => r
            .doc
            .steps
            .iter()
            .rposition(|range| range.start < r.scroll)
            .unwrap_or(0),
        (Some(i), true) => (i + 1).min(total - 1),
        (Some(i), false) => i.saturating_sub(1),
    };
    let old = r.step;
    r.step = Some(next);
    r.doc
        .reselect(lesson, old, Some(next), &app.document_style(r.lesson));
    if let Some(range) = r.doc.steps.get(next).cloned() {
        if range.start < r.scroll || range.end > r.scroll + height {
            r.scroll = range.start.saturating_sub(1);
        }
        r.scroll = r.scroll.min(r.doc.lines.len().saturating_sub(height));
    }
    app.reader = Some(r);
    remember_position(app);
}

/// Re-renders the open lesson at the same width after a step box changed
/// (a check result came in, an outcome was recorded), keeping the place.
pub fn rerender(app: &mut App) {
    let height = usize::from(text_area(app).1);
    let Some(mut r) = app.reader.take() else {
        return;
    };
    if let Some(lesson) = app.lessons.get(r.lesson) {
        r.doc = RenderedLesson::build(lesson, r.doc.width, r.step, &app.document_style(r.lesson));
        if let Some(search) = &mut r.search {
            search.matches = r.doc.find(&search.query);
            search.current = search.current.min(search.matches.len().saturating_sub(1));
        }
        r.scroll = r.scroll.min(r.doc.lines.len().saturating_sub(height));
    }
    app.reader = Some(r);
}

/// Scrolls the reader so the end of the selected step's box shows, where
/// its results appear.
pub fn reveal_step_end(app: &mut App) {
    let height = usize::from(text_area(app).1);
    let Some(r) = &mut app.reader else {
        return;
    };
    let Some(range) = r.step.and_then(|s| r.doc.steps.get(s).cloned()) else {
        return;
    };
    // The results are at the bottom of the box: they win over its top.
    if range.end > r.scroll + height {
        r.scroll = range.end.saturating_sub(height);
    }
}
