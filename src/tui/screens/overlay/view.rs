//! Draws the windows: the key help (from `keymap`), the dry-run world's
//! export lines, and confirmation questions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::keymap;
use crate::tui::screens::overlay::{Confirm, Overlay};
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

fn help_rows() -> Vec<HelpRow> {
    let mut rows = Vec::new();
    let mut section = None;
    for line in keymap::help_lines() {
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
    let rows = help_rows();
    let lines = help_lines(app, &rows);

    // Two columns when the screen is wide enough to show every key at once.
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
    if height > area.height && area.width >= 100 {
        let inner = block.inner(popup);
        frame.render_widget(block, popup);
        // Split at the first gap past the middle, so no scope is cut in two;
        // each column gets its own key width.
        let half = rows.len().div_ceil(2);
        let split = (half..rows.len())
            .find(|&i| matches!(rows[i], HelpRow::Gap))
            .map_or(half, |i| i + 1)
            .min(rows.len());
        let lines = help_lines(app, &rows[..split]);
        let right = help_lines(app, &rows[split..]);
        let [l, r] = inner.layout(&Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Fill(1),
        ]));
        let wrap = Wrap { trim: false };
        frame.render_widget(Paragraph::new(lines).wrap(wrap), l);
        frame.render_widget(Paragraph::new(right).wrap(wrap), r);
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

/// The export lines for the dry-run world, unwrapped so they can be copied.
fn draw_world(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let width = area.width.saturating_sub(4).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows = |text: &str| crate::tui::markdown::wrap::text_width(text).div_ceil(inner);
    let mut lines = Vec::new();
    let mut height = 0;
    if app.world_exports.is_empty() {
        let text = strings::world_none(&app.settings.backend_label);
        height += rows(&text);
        lines.push(Line::from(Span::styled(text, theme.text)));
    } else {
        height += rows(strings::WORLD_INTRO) + 1;
        lines.push(Line::from(Span::styled(strings::WORLD_INTRO, theme.text)));
        lines.push(Line::default());
        for export in &app.world_exports {
            height += rows(export);
            lines.push(Line::from(Span::styled(export.clone(), theme.code)));
        }
        height += 1 + rows(strings::WORLD_TRY);
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(strings::WORLD_TRY, theme.text)));
    }
    height += 2;
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(strings::WORLD_CLOSE, theme.dim)));
    let popup = centered(area, width, u16::try_from(height + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Span::styled(strings::WORLD_TITLE, theme.popup_title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
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
    let question = match what {
        Confirm::ExecuteStep(..) | Confirm::StopStep => String::new(),
        Confirm::Quit => strings::CONFIRM_QUIT_BUSY.to_string(),
        Confirm::ResetAll => strings::CONFIRM_RESET_ALL.to_string(),
        Confirm::ResetLesson(i) => {
            strings::confirm_reset_lesson(app.lessons.get(i).map_or("", |l| l.front.title.as_str()))
        }
    };
    let popup = centered(area, 64, 6);
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Span::styled(strings::CONFIRM_TITLE, theme.popup_title));
    let text = vec![
        Line::from(Span::styled(question, theme.text)),
        Line::default(),
        Line::from(Span::styled(strings::CONFIRM_KEYS, theme.dim)),
    ];
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
        popup,
    );
}

/// Shows the command in full and says it costs money before it runs.
fn draw_confirm_execute(app: &App, lesson: usize, step: usize, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    let width = area.width.saturating_sub(4).min(76);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let question = strings::confirm_execute(&s.command);
    let cost = strings::confirm_billable(app.settings.backend);
    let rows = crate::tui::markdown::wrap::text_width(&question).div_ceil(inner)
        + crate::tui::markdown::wrap::text_width(cost).div_ceil(inner)
        + 4;
    let popup = centered(area, width, u16::try_from(rows).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Span::styled(strings::CONFIRM_TITLE, theme.popup_title));
    let text = vec![
        Line::from(Span::styled(question, theme.text)),
        Line::from(Span::styled(cost, theme.badge_billable)),
        Line::default(),
        Line::from(Span::styled(strings::CONFIRM_EXECUTE_KEYS, theme.dim)),
    ];
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        popup,
    );
}

/// Stopping a billable or long step: what stops, and for a billable one
/// what goes on and how to undo it.
fn draw_confirm_stop(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(execution) = app.execution.as_ref() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(76);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows = |text: &str| crate::tui::markdown::wrap::text_width(text).div_ceil(inner);
    let question = strings::confirm_stop(&execution.command);
    let mut height = rows(&question) + 1 + rows(strings::CONFIRM_STOP_KEYS);
    let mut text = vec![Line::from(Span::styled(question, theme.text))];
    if execution.billable {
        let cleanup = app
            .lessons
            .get(execution.lesson)
            .and_then(|l| crate::execute::cleanup_step(l, execution.step))
            .map(|s| (s.id.as_str(), s.command.as_str()));
        let goes_on = strings::stop_goes_on(app.settings.backend, cleanup);
        height += rows(&goes_on);
        text.push(Line::from(Span::styled(goes_on, theme.badge_billable)));
    }
    text.push(Line::default());
    text.push(Line::from(Span::styled(
        strings::CONFIRM_STOP_KEYS,
        theme.dim,
    )));
    let popup = centered(area, width, u16::try_from(height + 2).unwrap_or(u16::MAX));
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Span::styled(strings::CONFIRM_TITLE, theme.popup_title));
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        popup,
    );
}
