//! Windows drawn over a screen: the key help and confirmation questions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::tui::state::{App, Confirm};
use crate::tui::strings;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = area.layout(
        &Layout::vertical([Constraint::Length(height.min(area.height))]).flex(Flex::Center),
    );
    let [cell] = row.layout(
        &Layout::horizontal([Constraint::Length(width.min(area.width))]).flex(Flex::Center),
    );
    cell
}

pub fn draw_help(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let key_width = strings::KEYS
        .iter()
        .map(|(_, k, _)| crate::tui::markdown::wrap::text_width(k))
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    let mut scope = None;
    for (s, keys, what) in strings::KEYS {
        if scope != Some(*s) {
            if scope.is_some() {
                lines.push(Line::default());
            }
            lines.push(Line::from(Span::styled(s.heading(), theme.heading3)));
            scope = Some(*s);
        }
        let pad = key_width - crate::tui::markdown::wrap::text_width(keys);
        lines.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(keys.to_string(), theme.bullet.add_modifier(Modifier::BOLD)),
            Span::raw(" ".repeat(pad + 2)),
            Span::styled(what.to_string(), theme.text),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(strings::HELP_CLOSE, theme.dim)));

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
        let half = lines.len().div_ceil(2);
        let split = (half..lines.len())
            .find(|&i| lines[i].spans.is_empty())
            .map_or(half, |i| i + 1);
        let right = lines.split_off(split.min(lines.len()));
        let [l, r] = inner.layout(&Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Fill(1),
        ]));
        frame.render_widget(Paragraph::new(lines), l);
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

pub fn draw_confirm(app: &App, what: Confirm, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    if let Confirm::RunStep(lesson, step) = what {
        draw_confirm_run(app, lesson, step, frame, area);
        return;
    }
    let question = match what {
        Confirm::RunStep(..) => String::new(),
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
fn draw_confirm_run(app: &App, lesson: usize, step: usize, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(s) = app.lessons.get(lesson).and_then(|l| l.steps.get(step)) else {
        return;
    };
    let width = area.width.saturating_sub(4).min(76);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let question = strings::confirm_run(&s.command);
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
        Line::from(Span::styled(strings::CONFIRM_RUN_KEYS, theme.dim)),
    ];
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
        popup,
    );
}
