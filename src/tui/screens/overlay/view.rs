//! Draws the windows: the key help (from `keymap`), the dry-run world's
//! export lines, and confirmation questions. The last two are sized to
//! their wrapped text, with their keys always on the last row.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::execution;
use crate::tui::keymap;
use crate::tui::markdown::highlight::{Language, highlight};
use crate::tui::markdown::wrap::{Seg, WrapStyle, text_width, wrap, wrap_with};
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::screens::reader::step_box::COMMAND_INDENT;
use crate::tui::state::App;
use crate::tui::strings;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    match app.overlay {
        Some(Overlay::Help) => draw_help(app, frame, area),
        Some(Overlay::World) => draw_world(app, frame, area),
        Some(Overlay::Confirm(what)) => draw_confirm(app, what, frame, area),
        None => {}
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = area.layout(
        &Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center),
    );
    let [cell] = row.layout(
        &Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center),
    );
    cell
}

/// One row of the key help: a scope heading, a key, or a gap between scopes.
enum HelpRow {
    Heading(&'static str),
    Key(&'static str, &'static str),
    Gap,
}

fn help_rows(presenting: bool) -> Vec<HelpRow> {
    let mut rows = Vec::new();
    let mut section = None;
    for line in keymap::help_lines_for(presenting) {
        if section != Some(line.section) {
            if section.is_some() {
                rows.push(HelpRow::Gap);
            }
            rows.push(HelpRow::Heading(line.section.heading()));
            section = Some(line.section);
        }
        rows.push(HelpRow::Key(line.keys, line.text));
    }
    rows.push(HelpRow::Gap);
    rows.push(HelpRow::Heading(strings::HELP_CLOSE));
    rows
}

/// Lines for some rows, with the key column as wide as their widest key.
fn help_lines(app: &App, rows: &[HelpRow]) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let width = crate::tui::markdown::wrap::text_width;
    let key_width = rows
        .iter()
        .filter_map(|r| match r {
            HelpRow::Key(k, _) => Some(width(k)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|row| match row {
            HelpRow::Gap => Line::default(),
            HelpRow::Heading(text) if *text == strings::HELP_CLOSE => {
                Line::from(Span::styled(*text, theme.dim))
            }
            HelpRow::Heading(text) => Line::from(Span::styled(*text, theme.heading3)),
            HelpRow::Key(keys, what) => Line::from(vec![
                Span::raw("  "),
                Span::styled(*keys, theme.bullet.add_modifier(Modifier::BOLD)),
                Span::raw(" ".repeat(key_width - width(keys) + 2)),
                Span::styled(*what, theme.text),
            ]),
        })
        .collect()
}

fn draw_help(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let rows = help_rows(app.present.is_some());
    let lines = help_lines(app, &rows);

    // Two columns when every key fits on the screen at once that way.
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let popup = if height <= area.height {
        centered(area, 76, height)
    } else {
        centered(area, area.width.saturating_sub(2), area.height)
    };
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Span::styled(strings::HELP_TITLE, theme.popup_title));
    let columns = (height > area.height)
        .then(|| two_columns(app, &rows, block.inner(popup)))
        .flatten();
    if let Some((left, right)) = columns {
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        let [l, r] = inner.layout(&Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Fill(1),
        ]));
        frame.render_widget(Paragraph::new(left), l);
        frame.render_widget(Paragraph::new(right), r);
    } else {
        let visible = popup.height.saturating_sub(2);
        let max_scroll = height.saturating_sub(2).saturating_sub(visible);
        let scroll = app.help_scroll.min(max_scroll);
        let block = if max_scroll > 0 {
            let more = if scroll < max_scroll {
                "↓ more"
            } else {
                "↑"
            };
            block.title_bottom(Span::styled(format!(" {more} "), theme.dim))
        } else {
            block
        };
        frame.render_widget(
            Paragraph::new(lines).block(block).scroll((scroll, 0)),
            popup,
        );
    }
}

/// The help split in two columns for `inner`, at the first gap past the
/// middle so no scope is cut in two, each column with its own key width;
/// `None` when a line would not fit its column or a column is too tall, so
/// the caller shows one scrolling column instead of lines that run together.
fn two_columns(
    app: &App,
    rows: &[HelpRow],
    inner: Rect,
) -> Option<(Vec<Line<'static>>, Vec<Line<'static>>)> {
    let half = rows.len().div_ceil(2);
    let split = (half..rows.len())
        .find(|&i| matches!(rows[i], HelpRow::Gap))
        .map_or(half, |i| i + 1)
        .min(rows.len());
    let left = help_lines(app, &rows[..split]);
    let right = help_lines(app, &rows[split..]);
    let column = usize::from(inner.width / 2);
    let fits = |lines: &[Line<'_>]| {
        lines.len() <= usize::from(inner.height) && lines.iter().all(|l| l.width() < column)
    };
    (fits(&left) && fits(&right)).then_some((left, right))
}

/// The export lines for the dry-run world, each broken like a command so
/// that what is copied still runs.
fn draw_world(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let body = |inner: usize| {
        let mut lines = Vec::new();
        if app.world_exports.is_empty() {
            let text = strings::world_none(&app.settings.backend_label);
            lines.extend(wrap(&[Seg::new(text, theme.text)], inner));
        } else {
            lines.extend(wrap(&[Seg::new(strings::WORLD_INTRO, theme.text)], inner));
            lines.push(Vec::new());
            for export in &app.world_exports {
                lines.extend(command_lines(export, "", inner, app));
            }
            lines.push(Vec::new());
            lines.extend(wrap(&[Seg::new(strings::WORLD_TRY, theme.text)], inner));
        }
        lines
    };
    draw_dialog(
        app,
        frame,
        area,
        100,
        strings::WORLD_TITLE,
        body,
        strings::WORLD_CLOSE,
    );
}

fn draw_confirm(app: &App, what: Confirm, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    if let Confirm::ExecuteStep(lesson, step) = what {
        draw_confirm_execute(app, lesson, step, frame, area);
        return;
    }
    if what == Confirm::StopStep {
        draw_confirm_stop(app, frame, area);
        return;
    }
    if let Confirm::BuildUp(lesson) = what {
        draw_confirm_build_up(app, lesson, frame, area);
        return;
    }
    if let Confirm::Doctor(lesson, step) = what {
        draw_doctor(app, (lesson, step), frame, area);
        return;
    }
    if what == Confirm::QuitCleanup {
        draw_quit_cleanup(app, frame, area);
        return;
    }
    // Quitting stops the running step: a billable one says what goes on.
    let goes_on = match what {
        Confirm::Quit => app
            .execution
            .as_ref()
            .filter(|e| e.is_executing())
            .and_then(|e| execution::goes_on_after_stop(e, &app.lessons, app.settings.backend))
            .or_else(|| strings::still_billed(&app.spending, jiff::Timestamp::now())),
        _ => None,
    };
    let question = match what {
        Confirm::ExecuteStep(..)
        | Confirm::StopStep
        | Confirm::BuildUp(_)
        | Confirm::Doctor(..)
        | Confirm::QuitCleanup => String::new(),
        Confirm::Quit if !app.is_busy() => strings::CONFIRM_QUIT_BILLED.to_string(),
        Confirm::Quit => strings::CONFIRM_QUIT_BUSY.to_string(),
        Confirm::ResetAll => strings::CONFIRM_RESET_ALL.to_string(),
        Confirm::ResetWorld => strings::CONFIRM_RESET_WORLD.to_string(),
        Confirm::RunAgain(lesson, step) => strings::confirm_run_again(
            app.lessons
                .get(lesson)
                .and_then(|l| l.steps.get(step))
                .map_or("", |s| s.id.as_str()),
        ),
        Confirm::Fallback => execution::fallback::offer_text(app),
        Confirm::ResetLesson(i) => {
            strings::confirm_reset_lesson(app.lessons.get(i).map_or("", |l| l.front.title.as_str()))
        }
    };
    let body = |inner: usize| {
        let mut lines = wrap(&[Seg::new(question.as_str(), theme.text)], inner);
        if let Some(goes_on) = &goes_on {
            lines.push(Vec::new());
            lines.extend(wrap(
                &[Seg::new(goes_on.as_str(), theme.badge_billable)],
                inner,
            ));
        }
        lines
    };
    let most = if goes_on.is_some() { 76 } else { 64 };
    draw_dialog(
        app,
        frame,
        area,
        most,
        strings::CONFIRM_TITLE,
        body,
        strings::CONFIRM_KEYS,
    );
}

/// What a lesson needs, the lessons whose steps would build it, and the
/// cost when they create billable resources.
fn draw_confirm_build_up(app: &App, lesson: usize, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let (question, builders, billable) = crate::tui::buildup::offer_text(app, lesson);
    let typed = crate::tui::execution::billable::typed_confirmation(app);
    let body = |inner: usize| {
        let mut lines = wrap(&[Seg::new(question.as_str(), theme.text)], inner);
        lines.push(Vec::new());
        lines.extend(wrap(&[Seg::new(strings::BUILD_UP_RUNS, theme.text)], inner));
        for builder in &builders {
            lines.extend(wrap(
                &[Seg::new(format!("  • {builder}"), theme.text)],
                inner,
            ));
        }
        if let Some(estimate) = &typed {
            lines.push(Vec::new());
            lines.extend(typed_question(app, estimate, inner));
        } else if billable {
            lines.push(Vec::new());
            let cost = strings::confirm_billable(app.settings.backend);
            lines.extend(wrap(&[Seg::new(cost, theme.badge_billable)], inner));
        }
        lines
    };
    let keys = if typed.is_some() {
        strings::CONFIRM_TYPED_KEYS
    } else {
        strings::BUILD_UP_KEYS
    };
    draw_dialog(app, frame, area, 76, strings::BUILD_UP_TITLE, body, keys);
}

/// The doctor's table before the first step on a real backend.
fn draw_doctor(app: &App, at: (usize, usize), frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let report = app
        .doctor
        .report
        .as_ref()
        .filter(|(_, for_step)| *for_step == at)
        .map(|(r, _)| r);
    let (text, keys) = match report {
        None => (
            vec![strings::DOCTOR_CHECKING.to_string()],
            strings::DOCTOR_KEYS_WAIT,
        ),
        Some(r) => {
            let mut lines: Vec<String> = r.render().lines().map(str::to_string).collect();
            lines.push(String::new());
            if crate::tui::doctor_gate::ready_for_lesson(app, r, at.0) {
                if let Some(dir) = &app.settings.custom_lessons {
                    lines.push(strings::trust_lessons(&dir.display().to_string()));
                    lines.push(String::new());
                }
                lines.push(strings::DOCTOR_READY.to_string());
                (lines, strings::DOCTOR_KEYS_READY)
            } else {
                lines.push(strings::DOCTOR_NOT_READY.to_string());
                (lines, strings::DOCTOR_KEYS_WAIT)
            }
        }
    };
    let body = |inner: usize| {
        let mut out = Vec::new();
        let last = text.len().saturating_sub(1);
        for (i, line) in text.iter().enumerate() {
            if i == last || line.starts_with("These lessons come from") {
                // The closing sentence wraps; the table keeps its columns.
                out.extend(wrap(&[Seg::new(line.as_str(), theme.text)], inner));
            } else {
                out.push(vec![Seg::new(line.as_str(), theme.text)]);
            }
        }
        out
    };
    draw_dialog(app, frame, area, 100, strings::DOCTOR_TITLE, body, keys);
}

/// Shows the command in full and says it costs money before it runs.
fn draw_confirm_execute(app: &App, lesson: usize, step: usize, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    let cost = strings::confirm_billable(app.settings.backend);
    let typed = crate::tui::execution::billable::typed_confirmation(app);
    let body = |inner: usize| {
        let mut lines = wrap(&[Seg::new(strings::CONFIRM_EXECUTE, theme.text)], inner);
        lines.push(Vec::new());
        lines.extend(command_lines(&s.command, "$ ", inner, app));
        lines.push(Vec::new());
        match &typed {
            Some(estimate) => lines.extend(typed_question(app, estimate, inner)),
            None => lines.extend(wrap(&[Seg::new(cost, theme.badge_billable)], inner)),
        }
        lines
    };
    let keys = if typed.is_some() {
        strings::CONFIRM_TYPED_KEYS
    } else {
        strings::CONFIRM_EXECUTE_KEYS
    };
    draw_dialog(app, frame, area, 76, strings::CONFIRM_TITLE, body, keys);
}

/// The question answered by typing the cluster's name: what the step
/// creates and how to answer come first, so a short screen cuts the price
/// details rather than the question.
fn typed_question(app: &App, estimate: &crate::cost::Estimate, inner: usize) -> Vec<Vec<Seg>> {
    let theme = &app.settings.theme;
    let mut lines = Vec::new();
    let mut said = estimate.lines().into_iter();
    if let Some(what) = said.next() {
        lines.extend(wrap(&[Seg::new(what, theme.badge_billable)], inner));
    }
    let ask = strings::type_to_confirm(&estimate.cluster);
    lines.extend(wrap(&[Seg::new(ask, theme.text)], inner));
    lines.push(vec![
        Seg::new("> ", theme.step_prompt),
        Seg::new(app.typed.clone(), theme.text),
        Seg::new("_", theme.dim),
    ]);
    for line in said {
        lines.push(Vec::new());
        lines.extend(wrap(&[Seg::new(line, theme.text)], inner));
    }
    lines
}

/// A command, highlighted, after `prompt` and broken like a command.
fn command_lines(command: &str, prompt: &str, inner: usize, app: &App) -> Vec<Vec<Seg>> {
    let theme = &app.settings.theme;
    let lead = text_width(prompt);
    let style = WrapStyle::command(COMMAND_INDENT, theme.dim);
    let mut lines = Vec::new();
    for (i, line) in highlight(Language::Shell, command, theme)
        .into_iter()
        .enumerate()
    {
        let pieces = wrap_with(&line, inner.saturating_sub(lead).max(1), &style);
        for (j, mut piece) in pieces.into_iter().enumerate() {
            let first = i == 0 && j == 0;
            let lead = if first {
                prompt.to_string()
            } else {
                " ".repeat(lead)
            };
            piece.insert(0, Seg::new(lead, theme.step_prompt));
            lines.push(piece);
        }
    }
    lines
}

/// A window as tall as its text (wrapped by `body` to the width it is
/// given), at most `most` columns wide, with `keys` on its last row. When
/// the screen is too short for all of it, the text is cut and the keys
/// still show.
fn draw_dialog(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    most: u16,
    title: &str,
    body: impl Fn(usize) -> Vec<Vec<Seg>>,
    keys: &str,
) {
    let theme = &app.settings.theme;
    let width = area.width.saturating_sub(4).min(most);
    // A column of margin inside each border.
    let inner = usize::from(width.saturating_sub(4)).max(1);
    let mut lines = body(inner);
    lines.push(Vec::new());
    // Spaces kept: they group each key with what it does.
    let keys = wrap_with(&[Seg::new(keys, theme.dim)], inner, &WrapStyle::output(0));
    let rows = lines.len() + keys.len() + 2;
    let popup = centered(area, width, u16::try_from(rows).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Span::styled(title.to_string(), theme.popup_title));
    let inside = block.inner(popup);
    frame.render_widget(block, popup);
    let inside = Rect {
        x: inside.x + 1,
        width: inside.width.saturating_sub(2),
        ..inside
    };
    let key_rows = u16::try_from(keys.len()).unwrap_or(u16::MAX);
    let [text_area, keys_area] = inside.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(key_rows),
    ]));
    frame.render_widget(Paragraph::new(to_lines(lines)), text_area);
    frame.render_widget(Paragraph::new(to_lines(keys)), keys_area);
}

fn to_lines(rows: Vec<Vec<Seg>>) -> Vec<Line<'static>> {
    rows.into_iter()
        .map(|segs| {
            Line::from(
                segs.into_iter()
                    .map(|s| Span::styled(s.text, s.style))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// Stopping a billable or long step: what stops, and for a billable one
/// what goes on and how to undo it.
/// Quitting with live resources: what is left and the question; then the
/// cleanup's progress; then, if something survived, what to do.
fn draw_quit_cleanup(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let run = &app.quit_cleanup;
    let asking = !run.running && run.survivors.is_none();
    let body = |inner: usize| {
        let mut lines = Vec::new();
        if asking {
            lines.extend(wrap(
                &[Seg::new(strings::QUIT_CLEANUP_LEFT, theme.text)],
                inner,
            ));
            for item in &app.leftovers {
                lines.extend(wrap(
                    &[Seg::new(
                        format!("  - {item}").as_str(),
                        theme.badge_billable,
                    )],
                    inner,
                ));
            }
            if let Some(billed) = strings::still_billed(&app.spending, jiff::Timestamp::now()) {
                lines.push(Vec::new());
                lines.extend(wrap(
                    &[Seg::new(billed.as_str(), theme.badge_billable)],
                    inner,
                ));
            }
            lines.push(Vec::new());
            lines.extend(wrap(
                &[Seg::new(strings::QUIT_CLEANUP_QUESTION, theme.text)],
                inner,
            ));
        } else {
            // The last lines of the progress that fit a dialog.
            let start = run.lines.len().saturating_sub(12);
            for line in &run.lines[start..] {
                lines.extend(wrap(&[Seg::new(line.as_str(), theme.text)], inner));
            }
            if run.running {
                lines.push(Vec::new());
                lines.extend(wrap(
                    &[Seg::new(strings::QUIT_CLEANUP_RUNNING, theme.text)],
                    inner,
                ));
            } else if let Some(n) = run.survivors.filter(|n| *n > 0) {
                lines.push(Vec::new());
                lines.extend(wrap(
                    &[Seg::new(
                        strings::quit_cleanup_survivors(n).as_str(),
                        theme.badge_billable,
                    )],
                    inner,
                ));
            }
        }
        lines
    };
    let keys = if run.running {
        strings::QUIT_CLEANUP_RUNNING_KEYS
    } else if run.survivors.is_some() {
        strings::QUIT_CLEANUP_AFTER_KEYS
    } else {
        strings::QUIT_CLEANUP_KEYS
    };
    draw_dialog(
        app,
        frame,
        area,
        76,
        strings::QUIT_CLEANUP_TITLE,
        body,
        keys,
    );
}

fn draw_confirm_stop(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(execution) = app.execution.as_ref() else {
        return;
    };
    let goes_on = execution::goes_on_after_stop(execution, &app.lessons, app.settings.backend);
    let body = |inner: usize| {
        let mut lines = wrap(&[Seg::new(strings::CONFIRM_STOP, theme.text)], inner);
        lines.push(Vec::new());
        lines.extend(command_lines(&execution.command, "$ ", inner, app));
        if let Some(goes_on) = &goes_on {
            lines.push(Vec::new());
            lines.extend(wrap(
                &[Seg::new(goes_on.as_str(), theme.badge_billable)],
                inner,
            ));
        }
        lines
    };
    draw_dialog(
        app,
        frame,
        area,
        76,
        strings::CONFIRM_TITLE,
        body,
        strings::CONFIRM_STOP_KEYS,
    );
}
