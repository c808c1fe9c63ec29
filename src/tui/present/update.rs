//! `update` for the presentation: moving through the screens and steps,
//! typing commands, paging the output, the clock, and fast-forward. Steps
//! run through the reader's selection and `execution::update`, like
//! everywhere else: the presentation only chooses what is selected.

use crate::lesson::BackendKind;
use crate::tui::action::Action;
use crate::tui::present::replay;
use crate::tui::present::state::{Backward, Forward};
use crate::tui::present::view;
use crate::tui::screens::output::PaneSize;
use crate::tui::screens::reader;
use crate::tui::state::{App, NoticeExpiry, Screen};
use crate::tui::strings;

/// Handles the action when the presentation is on screen; false when the
/// rest of the TUI should handle it (Enter on a shown step runs it there).
pub fn takes(app: &mut App, action: &Action) -> bool {
    if let Action::PresentTick(time) = action {
        tick(app, time);
        return true;
    }
    if app.present.is_none()
        || app.screen != Screen::Reader
        || app.overlay.is_some()
        || app.prompt.is_some()
    {
        return false;
    }
    match action {
        Action::PresentNext | Action::NextStep => next(app),
        Action::PresentBack | Action::PrevStep => back(app),
        Action::ExecuteStep if replay::replaying(app) => {
            if ready_to_run(app)
                && let Some((lesson, step)) = shown(app)
            {
                replay::run(app, lesson, step);
            }
        }
        Action::ExecuteStep => return !ready_to_run(app),
        Action::PageUp => page_output(app, false),
        Action::PageDown => page_output(app, true),
        Action::ScrollBy(lines) => scroll_output(app, i64::from(*lines)),
        _ => return false,
    }
    true
}

/// Keeps the sections of the lesson in the reader, and the section's
/// rendered prose for the screen's width.
pub fn sync(app: &mut App) {
    let Some(reader) = &app.reader else { return };
    let (lesson, step) = (reader.lesson, reader.step);
    let width = view::text_width(app.area());
    let Some(present) = &mut app.present else {
        return;
    };
    if present.lesson != Some(lesson) {
        let sections = app
            .lessons
            .get(lesson)
            .map(|l| l.sections())
            .unwrap_or_default();
        present.open(lesson, sections, step);
    }
    let key = (lesson, present.section, width);
    if present.body_for != Some(key) {
        let text = present
            .current()
            .map(|s| s.text.clone())
            .unwrap_or_default();
        present.body = match app.lessons.get(lesson) {
            Some(l) => {
                let ctx = crate::tui::markdown::RenderContext {
                    theme: &app.settings.theme,
                    hyperlinks: false,
                    diagrams: &l.diagrams,
                };
                crate::tui::markdown::render(&text, width, &ctx)
            }
            None => Vec::new(),
        };
        present.body_for = Some(key);
    }
}

/// The clock, and the command being typed.
fn tick(app: &mut App, time: &crate::tui::action::PresentTime) {
    if let Some(present) = &mut app.present {
        present.clock.clone_from(&time.clock);
        if let Some(typing) = &mut present.typing {
            typing.tick(time.instant);
        }
    }
    replay::tick(app, time.instant);
}

/// The lesson and the last shown step.
fn shown(app: &App) -> Option<(usize, usize)> {
    let present = app.present.as_ref()?;
    present.lesson.zip(present.selected())
}

/// Space / →: finish the typing, show the next step, or the next screen.
pub fn next(app: &mut App) {
    forget_notice(app);
    if super::pages::forward(app) {
        return;
    }
    let Some(present) = &mut app.present else {
        return;
    };
    let lesson = present.lesson.unwrap_or_default();
    match present.forward() {
        Forward::FinishTyping => {
            if let Some(typing) = &mut present.typing {
                typing.finish();
            }
        }
        Forward::Reveal(step) => {
            let command = app
                .lessons
                .get(lesson)
                .and_then(|l| l.steps.get(step))
                .map(|s| s.command.clone())
                .unwrap_or_default();
            present.reveal(&command);
        }
        Forward::Section(index) => present.go_to(index, 0),
        Forward::NextLesson if lesson + 1 < app.lessons.len() => {
            reader::update::open_lesson(app, lesson + 1, 0, None);
            return;
        }
        Forward::NextLesson => {
            let last = if replay::replaying(app) {
                strings::REPLAY_END
            } else {
                strings::PRESENT_LAST_SCREEN
            };
            app.set_notice(last, None);
            return;
        }
    }
    select_shown(app);
}

/// A move on the slides ends the notice on the progress line ("Marked as
/// completed", "Built what … needs"): on a projector it would otherwise
/// stay on screen through the next sections. A notice a running step or
/// build-up keeps (it names what runs) stays.
fn forget_notice(app: &mut App) {
    if !app.is_busy() {
        app.notice = None;
        app.notice_expires = None;
    }
}

/// ←: hide the last shown step, or the previous screen whole.
fn back(app: &mut App) {
    forget_notice(app);
    if super::pages::back(app) {
        return;
    }
    let Some(present) = &mut app.present else {
        return;
    };
    match present.backward() {
        Backward::Hide => {
            let hidden = present.lesson.zip(present.selected());
            present.hide_last();
            if let Some((lesson, step)) = hidden {
                replay::forget(app, lesson, step);
            }
        }
        Backward::Section(index) => present.go_to(index, usize::MAX),
        Backward::Start => {
            app.set_notice(strings::PRESENT_FIRST_SCREEN, None);
            return;
        }
    }
    select_shown(app);
}

/// The reader's selection follows the last shown step: Enter, `v`, the
/// notes window and the remembered place all go by it.
fn select_shown(app: &mut App) {
    let selected = app.present.as_ref().and_then(|p| p.selected());
    if let Some(r) = &mut app.reader {
        r.step = selected;
    }
    reader::update::remember_position(app);
}

/// Enter: runs the shown step, its command shown whole first if it was
/// still being typed; with no step shown yet it shows the next.
fn ready_to_run(app: &mut App) -> bool {
    let Some(present) = &mut app.present else {
        return false;
    };
    if let Some(typing) = &mut present.typing {
        typing.finish();
    }
    if present.selected().is_some() {
        select_shown(app);
        return true;
    }
    if matches!(present.forward(), Forward::Reveal(_)) {
        next(app);
    } else {
        app.set_notice(strings::PRESENT_NO_STEP, Some(NoticeExpiry::StepStarts));
    }
    false
}

/// The output pane's text area now, if it is on screen.
fn output_size(app: &App) -> Option<PaneSize> {
    let area = view::areas(app, app.area()).output?;
    Some(PaneSize {
        rows: usize::from(area.height.saturating_sub(2)).max(1),
        width: usize::from(area.width.saturating_sub(2)).max(1),
    })
}

/// PgUp / PgDn: pages the step's output without leaving the screen.
fn page_output(app: &mut App, down: bool) {
    let Some(size) = output_size(app) else {
        return;
    };
    let page = i64::try_from(size.rows.saturating_sub(1).max(1)).unwrap_or(1);
    app.output.scroll_by(if down { page } else { -page }, size);
}

/// The mouse wheel scrolls the output: the screen itself does not scroll.
fn scroll_output(app: &mut App, lines: i64) {
    if let Some(size) = output_size(app) {
        app.output.scroll_by(lines, size);
    }
}

/// `f` (here or in the notes window): runs the dry-run world fast until
/// the running step ends. On a real backend time cannot be hurried: say so.
pub fn fast_forward(app: &mut App) {
    if replay::hurry(app) {
        return;
    }
    if app.settings.backend != BackendKind::DryRun {
        app.set_notice(strings::FAST_FORWARD_REAL, None);
        return;
    }
    if !app.executing {
        app.set_notice(strings::FAST_FORWARD_IDLE, None);
        return;
    }
    app.fast_forward = true;
}
