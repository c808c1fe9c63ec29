//! The one-line bars: title, warning, search prompt, status.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::markdown::wrap::text_width;
use crate::tui::state::App;
use crate::tui::strings;

pub fn draw_title(app: &App, frame: &mut Frame, area: Rect, title: &str) {
    let theme = &app.settings.theme;
    let line = Line::from(vec![
        Span::styled(format!(" {} ", strings::APP_NAME), theme.status_key),
        Span::styled(format!(" {title}"), theme.heading2),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub fn draw_warning(app: &App, frame: &mut Frame, area: Rect) {
    if area.height == 0 {
        return;
    }
    let theme = &app.settings.theme;
    let Some(text) = app.banner() else {
        return;
    };
    let style = if app.warning.is_some() {
        theme.warning
    } else {
        theme.prompt
    };
    frame.render_widget(
        Paragraph::new(text)
            .style(style)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}

pub fn draw_prompt(app: &App, frame: &mut Frame, area: Rect) {
    let Some(text) = &app.prompt else {
        return;
    };
    let theme = &app.settings.theme;
    let line = Line::from(vec![
        Span::styled(strings::SEARCH_PROMPT, theme.prompt),
        Span::raw(text.clone()),
        Span::styled("█", theme.prompt),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

/// Status segments, left to right, joined with separators.
pub fn draw_status(app: &App, frame: &mut Frame, area: Rect, segments: &[String]) {
    let theme = &app.settings.theme;
    let hint = format!("{} ", strings::HELP_HINT);
    // Drop segments from the right until the bar fits; the first ones matter most.
    let mut segments = segments;
    let fits = |segs: &[String]| {
        let used: usize = segs.iter().map(|s| text_width(s) + 3).sum();
        used + hint.len() < usize::from(area.width)
    };
    while segments.len() > 1 && !fits(segments) {
        segments = &segments[..segments.len() - 1];
    }
    let mut spans = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", theme.status_bar));
        }
        spans.push(Span::styled(seg.clone(), theme.status_bar));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = usize::from(area.width).saturating_sub(used + hint.len() + 1);
    spans.insert(0, Span::styled(" ", theme.status_bar));
    spans.push(Span::styled(" ".repeat(room), theme.status_bar));
    spans.push(Span::styled(hint, theme.status_key));
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(theme.status_bar),
        area,
    );
}

pub fn backend_and_profile(app: &App) -> [String; 2] {
    [
        format!("{}: {}", strings::BACKEND, app.settings.backend_label),
        format!("{}: {}", strings::PROFILE, app.settings.profile),
    ]
}
