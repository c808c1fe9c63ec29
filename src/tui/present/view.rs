//! Draws the presentation: the section's title in big letters, its prose,
//! the steps shown so far (`steps`), the output in a large pane, and a thin
//! progress line with the time. Wide margins, nothing else. A pure function
//! of the state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_big_text::{BigText, PixelSize};

use crate::tui::markdown::wrap::text_width as width_of;
use crate::tui::present::steps::step_lines;
use crate::tui::screens::output::{PaneSize, wrap_line};
use crate::tui::state::App;
use crate::tui::strings;

/// Columns and rows one letter of a heading takes (`PixelSize::Quadrant`:
/// an 8×8 glyph in 4×4 cells).
const LETTER: u16 = 4;
/// Big heading lines at most; a longer title is shown in plain letters.
const BIG_LINES: usize = 2;
/// The output pane's least height, borders included.
const OUTPUT_MIN: u16 = 8;

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub title: Rect,
    pub body: Rect,
    pub steps: Rect,
    pub output: Option<Rect>,
    pub bar: Rect,
}

/// The left and right margin for a screen `width` wide.
fn margin(width: u16) -> u16 {
    (width / 12).clamp(2, 10)
}

/// The width the prose is rendered at.
pub fn text_width(area: Rect) -> u16 {
    area.width.saturating_sub(2 * margin(area.width)).max(10)
}

/// The title split into lines of big letters that fit `width`, and the
/// letters' size (quadrant blocks, which every terminal font draws), in at
/// most [`BIG_LINES`] lines. None when it does not fit (then it is shown in
/// plain letters).
pub fn big_title(title: &str, width: u16) -> Option<(PixelSize, Vec<String>)> {
    let lines = split_words(title, usize::from(width / LETTER).max(1));
    if lines.len() <= BIG_LINES
        && lines
            .iter()
            .all(|l| width_of(l) <= usize::from(width / LETTER))
    {
        return Some((PixelSize::Quadrant, lines));
    }
    // Smaller big letters would need the octant glyphs (U+1CDxx) or the
    // sextants of Symbols for Legacy Computing, which many terminal and
    // projector fonts do not draw: a title that does not fit is shown in
    // plain bold letters instead.
    None
}

/// Rows one line of big letters of `size` takes.
fn letter_rows(size: PixelSize) -> u16 {
    match size {
        PixelSize::Quadrant => LETTER,
        _ => LETTER / 2,
    }
}

/// Words into lines of at most `per_line` columns (a longer word alone).
fn split_words(text: &str, per_line: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if width_of(line) + 1 + width_of(word) <= per_line => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// The screen inside its margins: the main area and the progress line.
fn frame_parts(area: Rect) -> (Rect, Rect) {
    let side = margin(area.width);
    let [_, inner, _] = area.layout(&Layout::horizontal([
        Constraint::Length(side),
        Constraint::Fill(1),
        Constraint::Length(side),
    ]));
    let [_, main, bar] = inner.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ]));
    (main, bar)
}

/// Rows the section's title takes at `width`.
fn title_rows(app: &App, width: u16) -> u16 {
    app.present
        .as_ref()
        .and_then(|p| p.current())
        .map_or(1, |s| match big_title(&s.title, width) {
            Some((size, lines)) => letter_rows(size) * u16::try_from(lines.len()).unwrap_or(1),
            None => 2,
        })
}

/// Rows for the prose: on a page of its own, and on the last page, under
/// which the steps shown and their output go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProseRoom {
    pub rows: usize,
    pub last_rows: usize,
}

pub fn prose_room(app: &App, area: Rect) -> ProseRoom {
    let (main, _) = frame_parts(area);
    let rest = main.height.saturating_sub(title_rows(app, main.width) + 1);
    let steps = u16::try_from(shown_step_lines(app, main.width).len()).unwrap_or(u16::MAX);
    let reserve = if shows_output(app) { OUTPUT_MIN } else { 0 };
    let under = steps.saturating_add(reserve) + u16::from(steps > 0);
    ProseRoom {
        rows: usize::from(rest),
        last_rows: usize::from(rest.saturating_sub(under)),
    }
}

/// The steps' lines with the long ones (a check that failed, its hint,
/// why a step is skipped) wrapped at words under where they start.
pub fn shown_step_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    use crate::tui::markdown::wrap::{Seg, WrapStyle, wrap_with};
    let columns = usize::from(width).max(1);
    let mut out = Vec::new();
    for line in step_lines(app, width) {
        if line.width() <= columns {
            out.push(line);
            continue;
        }
        let text = crate::tui::markdown::line_text(&line);
        let indent = text.len() - text.trim_start().len();
        let segs: Vec<Seg> = line
            .spans
            .iter()
            .map(|s| Seg::new(s.content.to_string(), line.style.patch(s.style)))
            .collect();
        let style = WrapStyle::output((indent + 2).min(columns / 2));
        for row in wrap_with(&segs, columns, &style) {
            out.push(Line::from(
                row.into_iter()
                    .map(|s| Span::styled(s.text, s.style))
                    .collect::<Vec<_>>(),
            ));
        }
    }
    out
}

/// A step's title on the slides, its `code` drawn as inline code.
pub fn step_title(title: &str, theme: &crate::tui::theme::Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled("▸ ", theme.step_title)];
    spans.extend(
        crate::tui::screens::reader::step_box::with_inline_code(title, theme.step_title, theme)
            .into_iter()
            .map(|s| Span::styled(s.text, s.style)),
    );
    spans
}

pub fn areas(app: &App, area: Rect) -> Areas {
    let (main, bar) = frame_parts(area);
    let title_rows = title_rows(app, main.width);
    let (pages, page) = super::pages::on_screen(app);
    let more = u16::from(page + 1 < pages.len());
    let body_rows = pages
        .get(page)
        .map_or(0, |r| u16::try_from(r.len()).unwrap_or(u16::MAX))
        .saturating_add(more);
    let body_rows = if app.present.is_some() { body_rows } else { 0 };
    let step_rows = u16::try_from(shown_step_lines(app, main.width).len()).unwrap_or(u16::MAX);
    let output = shows_output(app);
    let [title, _, rest] = main.layout(&Layout::vertical([
        Constraint::Length(title_rows),
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    let reserve = if output { OUTPUT_MIN } else { 0 };
    // The steps go before the prose: what runs must stay on screen.
    let step_rows = step_rows.min(rest.height.saturating_sub(reserve));
    let body_rows = body_rows.min(
        rest.height
            .saturating_sub(reserve + step_rows + u16::from(step_rows > 0)),
    );
    let [body, gap, steps, out] = rest.layout(&Layout::vertical([
        Constraint::Length(body_rows),
        Constraint::Length(u16::from(body_rows > 0 && step_rows > 0)),
        Constraint::Length(step_rows),
        Constraint::Fill(1),
    ]));
    let _ = gap;
    Areas {
        title,
        body,
        steps,
        output: (output && out.height >= 3).then_some(out),
        bar,
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    frame.render_widget(Block::default().style(theme.text), area);
    let Some(present) = &app.present else { return };
    let areas = areas(app, area);
    if let Some(section) = present.current() {
        match big_title(&section.title, areas.title.width) {
            Some((size, lines)) => {
                let big = BigText::builder()
                    .pixel_size(size)
                    .style(theme.heading1)
                    .lines(lines.into_iter().map(Line::from).collect::<Vec<_>>())
                    .build();
                frame.render_widget(big, areas.title);
            }
            None => frame.render_widget(
                Paragraph::new(Line::styled(
                    section.title.clone(),
                    theme.heading1.add_modifier(Modifier::BOLD),
                ))
                .wrap(Wrap { trim: true }),
                areas.title,
            ),
        }
    }
    draw_prose(app, frame, areas.body);
    frame.render_widget(
        Paragraph::new(shown_step_lines(app, areas.steps.width)),
        areas.steps,
    );
    if let Some(out) = areas.output {
        draw_output(app, frame, out);
    }
    draw_bar(app, frame, areas.bar);
}

/// The page of the prose on screen, and under it, when it goes on, a
/// quiet mark that says so.
fn draw_prose(app: &App, frame: &mut Frame, area: Rect) {
    let Some(present) = &app.present else { return };
    let (pages, page) = super::pages::on_screen(app);
    let Some(range) = pages.get(page) else { return };
    let mut lines: Vec<Line> = present.body.get(range.clone()).unwrap_or(&[]).to_vec();
    if page + 1 < pages.len() {
        let more = strings::present_more_pages(page + 1, pages.len());
        let gap = usize::from(area.height).saturating_sub(lines.len() + 1);
        lines.extend(std::iter::repeat_n(Line::from(""), gap));
        lines.push(Line::styled(more, app.settings.theme.dim).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Whether the shown step has output to show.
fn shows_output(app: &App) -> bool {
    let Some(present) = &app.present else {
        return false;
    };
    app.execution.as_ref().is_some_and(|e| {
        Some(e.lesson) == present.lesson && present.shown_steps().contains(&e.step)
    }) && app.output.lesson == present.lesson
        && !app.output.lines.is_empty()
}

fn draw_output(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.popup_border)
        .title(Line::from(Span::styled(
            strings::PRESENT_OUTPUT,
            theme.popup_title,
        )))
        .title(Line::from(Span::styled(strings::PRESENT_OUTPUT_KEYS, theme.dim)).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let size = PaneSize {
        rows: usize::from(inner.height).max(1),
        width: usize::from(inner.width).max(1),
    };
    let top = app.output.top(size);
    let mut lines: Vec<Line> = Vec::new();
    for text in app.output.lines.iter().skip(top) {
        let segs = vec![crate::tui::markdown::wrap::Seg::new(
            text.clone(),
            theme.code,
        )];
        for row in wrap_line(text, &segs, size.width, theme.search_match) {
            lines.push(Line::from(
                row.into_iter()
                    .map(|s| Span::styled(s.text, s.style))
                    .collect::<Vec<_>>(),
            ));
            if lines.len() >= size.rows {
                break;
            }
        }
        if lines.len() >= size.rows {
            break;
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The thin progress line: where the talk is, and the time.
fn draw_bar(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(present) = &app.present else { return };
    let lesson = present.lesson.and_then(|l| app.lessons.get(l));
    let left = format!(
        "{} · {}/{} ",
        lesson.map_or("", |l| l.front.title.as_str()),
        present.section + 1,
        present.sections.len().max(1)
    );
    let right = match &present.replay {
        Some(r) => format!(" {} ×{} {}", strings::REPLAY_BADGE, r.speed, present.clock),
        None => format!(" {}", present.clock),
    };
    let notice = app
        .warning
        .as_ref()
        .or(app.notice.as_ref())
        .map(|n| format!(" {n} "))
        .unwrap_or_default();
    let room = usize::from(area.width).saturating_sub(width_of(&left) + width_of(&right) + 8);
    let notice = truncate(&notice, room);
    let bar_width = usize::from(area.width)
        .saturating_sub(width_of(&left) + width_of(&right) + width_of(&notice))
        .max(1);
    let done = ((present.fraction() * bar_width as f64).round() as usize).min(bar_width);
    let line = Line::from(vec![
        Span::styled(left, theme.dim),
        Span::styled("━".repeat(done), theme.heading2),
        Span::styled("─".repeat(bar_width - done), theme.dim),
        Span::styled(notice, theme.warning),
        Span::styled(right, theme.dim),
    ]);
    frame.render_widget(Paragraph::new(line).style(Style::default()), area);
}

/// `text` cut to `width` columns, with … where it was cut.
fn truncate(text: &str, width: usize) -> String {
    if width_of(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if width_of(&out) + crate::tui::markdown::wrap::char_width(c) + 1 > width {
            break;
        }
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_split_into_big_lines_that_fit_or_shown_plain() {
        let big = |t: &str, w: u16| {
            big_title(t, w).map(|(size, lines)| (size == PixelSize::Quadrant, lines))
        };
        assert_eq!(
            big("Deployments", 100),
            Some((true, vec!["Deployments".into()]))
        );
        assert_eq!(
            big("Services and NodePort", 60),
            Some((true, vec!["Services and".into(), "NodePort".into()]))
        );
        // Three lines would need smaller letters, which many fonts lack.
        assert_eq!(big("one two three", 20), None);
        assert_eq!(big("a b c d e f g h i j k l", 8), None);
        assert_eq!(big("Supercalifragilistic", 40), None);
    }
}
