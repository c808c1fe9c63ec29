//! The screens, one folder each with its state, `update` and view: the
//! lesson list, the reader (with its rendered document), the output pane
//! under it, and the windows drawn over them. `draw` paints a frame from the
//! state: no I/O, no mutation.

mod bars;
pub mod list;
pub mod output;
pub mod overlay;
pub mod reader;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::execution;
use crate::tui::markdown::wrap::text_width;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::{App, MIN_HEIGHT, MIN_WIDTH, Screen};
use crate::tui::strings;

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(app, frame);
        return;
    }
    match app.screen {
        Screen::List => list::view::draw(app, frame, area),
        Screen::Reader if app.present.is_some() => {
            crate::tui::present::view::draw(app, frame, area);
        }
        Screen::Reader => reader::view::draw(app, frame, area),
    }
    overlay::view::draw(app, frame, area);
}

/// Only the notice, and the keys that still act: q and Ctrl-C, and y / n
/// when quitting asks first.
fn draw_too_small(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let theme = &app.settings.theme;
    let notice = strings::too_small(MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
    let goes_on = app
        .execution
        .as_ref()
        .filter(|e| e.is_executing())
        .and_then(|e| execution::goes_on_after_stop(e, &app.lessons, app.settings.backend));
    let mut texts = vec![(notice.as_str(), theme.warning)];
    if app.overlay == Some(Overlay::Confirm(Confirm::Quit)) {
        texts.push((strings::CONFIRM_QUIT_BUSY, theme.text));
        if let Some(goes_on) = &goes_on {
            texts.push((goes_on.as_str(), theme.badge_billable));
        }
        texts.push((strings::TOO_SMALL_QUIT_KEYS, theme.text));
    } else {
        texts.push((strings::TOO_SMALL_KEYS, theme.text));
    }
    // Wrapped at words, a line takes at most one row more than its width needs.
    let width = usize::from(area.width.max(1));
    let rows: usize = texts.iter().map(|(t, _)| text_width(t) / width + 1).sum();
    let height = u16::try_from(rows).unwrap_or(u16::MAX).min(area.height);
    let lines: Vec<Line> = texts
        .into_iter()
        .map(|(text, style)| Line::styled(text.to_string(), style))
        .collect();
    let paragraph = Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    let [_, middle, _] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ]));
    frame.render_widget(paragraph, middle);
}
