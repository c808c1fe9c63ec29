//! Draws the lesson list with progress marks, and the chosen lesson's summary.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use crate::progress::LessonStatus;
use crate::tui::layout::frame_areas;
use crate::tui::screens::bars;
use crate::tui::state::App;
use crate::tui::strings;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let (title, warning, body, _prompt, status) = frame_areas(area, app.banner_height(), false);
    bars::draw_title(app, frame, title, strings::LIST_TITLE);
    draw_legend(app, frame, title);
    bars::draw_warning(app, frame, warning);

    let [list_area, detail_area] = body.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(5),
    ]));
    if app.lessons.is_empty() {
        frame.render_widget(
            Paragraph::new(strings::LIST_EMPTY).style(theme.dim),
            list_area,
        );
    } else {
        let items: Vec<ListItem> = app
            .lessons
            .iter()
            .enumerate()
            .map(|(i, lesson)| {
                let (mark, style) = mark(app, &lesson.front.id);
                let minutes = format!("{} {}", lesson.front.minutes, strings::MINUTES);
                let label = format!("{:>2}. {}", i + 1, lesson.front.title);
                // A title too long for the row is cut with an ellipsis, so
                // that at least one space stays before its minutes.
                let room = usize::from(list_area.width).saturating_sub(4 + minutes.len() + 3);
                let label = ellipsize(&label, room);
                let used = 4 + crate::tui::markdown::wrap::text_width(&label) + minutes.len();
                let pad = usize::from(list_area.width).saturating_sub(used + 2).max(1);
                ListItem::new(Line::from(vec![
                    Span::raw(" "),
                    Span::styled(mark, style),
                    Span::raw(" "),
                    Span::raw(label),
                    Span::raw(" ".repeat(pad)),
                    Span::styled(minutes, theme.dim),
                ]))
            })
            .collect();
        let list = List::new(items).highlight_style(theme.list_selected);
        let mut state = ListState::default().with_selected(Some(app.list_selected));
        frame.render_stateful_widget(list, list_area, &mut state);
    }
    draw_detail(app, frame, detail_area);

    let completed = app
        .lessons
        .iter()
        .filter(|l| app.progress.status(&l.front.id) == LessonStatus::Completed)
        .count();
    let summary = format!(
        "{completed}/{} {}",
        app.lessons.len(),
        strings::STATUS_COMPLETED
    );
    let mut segments = vec![bars::Segment::new(summary, bars::priority::POSITION)];
    segments.extend(bars::backend_and_profile(app));
    bars::draw_status(app, frame, status, &segments);
}

/// What the marks mean, right-aligned in the title bar when it has room.
fn draw_legend(app: &App, frame: &mut Frame, title: Rect) {
    let width = u16::try_from(crate::tui::markdown::wrap::text_width(strings::LIST_LEGEND) + 1)
        .unwrap_or(u16::MAX);
    let used = u16::try_from(
        crate::tui::markdown::wrap::text_width(strings::APP_NAME)
            + crate::tui::markdown::wrap::text_width(strings::LIST_TITLE)
            + 5,
    )
    .unwrap_or(u16::MAX);
    if title.width < used.saturating_add(width) {
        return;
    }
    let area = Rect {
        x: title.x + title.width - width,
        width,
        ..title
    };
    frame.render_widget(
        Paragraph::new(Span::styled(strings::LIST_LEGEND, app.settings.theme.dim)),
        area,
    );
}

fn mark(app: &App, id: &str) -> (&'static str, ratatui::style::Style) {
    let theme = &app.settings.theme;
    match app.progress.status(id) {
        LessonStatus::NotStarted => (strings::MARK_NOT_STARTED, theme.mark_not_started),
        LessonStatus::Opened => (strings::MARK_OPENED, theme.mark_opened),
        LessonStatus::Completed => (strings::MARK_COMPLETED, theme.mark_completed),
    }
}

fn draw_detail(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(lesson) = app.lessons.get(app.list_selected) else {
        return;
    };
    let status = match app.progress.status(&lesson.front.id) {
        LessonStatus::NotStarted => strings::STATUS_NOT_STARTED,
        LessonStatus::Opened => strings::STATUS_OPENED,
        LessonStatus::Completed => strings::STATUS_COMPLETED,
    };
    let facts = format!(
        "{} · {} {} · {status}",
        strings::step_count(lesson.steps.len()),
        lesson.front.minutes,
        strings::MINUTES
    );
    let mut text = vec![
        Line::from(Span::styled(lesson.front.summary.clone(), theme.text)),
        Line::from(Span::styled(facts, theme.dim)),
    ];
    let backends = &lesson.front.backends;
    if !backends.is_empty() && !backends.contains(&app.settings.backend) {
        let names: Vec<&str> = backends.iter().map(|b| b.name()).collect();
        text.push(Line::from(Span::styled(
            strings::needs_backends(app.settings.backend.name(), &names.join(", ")),
            theme.prompt,
        )));
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.rule)
        .title(Span::styled(
            format!(" {} ", lesson.front.title),
            theme.heading3,
        ));
    frame.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
        area,
    );
}

/// `text` cut to `width` columns, ending in "…" when it was cut.
fn ellipsize(text: &str, width: usize) -> String {
    use crate::tui::markdown::wrap::text_width;
    if text_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width(&next) + 1 > width {
            break;
        }
        out = next;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::ellipsize;

    #[test]
    fn a_long_title_is_cut_with_an_ellipsis_and_a_short_one_kept() {
        assert_eq!(
            ellipsize("12. Question of the month", 40),
            "12. Question of the month"
        );
        assert_eq!(ellipsize("12. Question of the month", 10), "12. Quest…");
        assert_eq!(ellipsize("abc", 0), "…");
    }
}
