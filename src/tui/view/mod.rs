//! Pure views: `draw` reads the state and paints a frame. No I/O, no mutation
//! of the state.

mod bars;
mod list;
mod overlay;
mod reader;
pub mod run;

/// Rows of the output pane that are not output: its top border and the
/// progress line.
pub const OUTPUT_CHROME: u16 = 2;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::state::{App, MIN_HEIGHT, MIN_WIDTH, Overlay, Screen};
use crate::tui::strings;

pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(app, frame);
        return;
    }
    match app.screen {
        Screen::List => list::draw(app, frame, area),
        Screen::Reader => reader::draw(app, frame, area),
    }
    match app.overlay {
        Some(Overlay::Help) => overlay::draw_help(app, frame, area),
        Some(Overlay::World) => overlay::draw_world(app, frame, area),
        Some(Overlay::Confirm(what)) => overlay::draw_confirm(app, what, frame, area),
        None => {}
    }
}

fn draw_too_small(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let [_, middle, _] = area.layout(&Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(2),
        Constraint::Fill(1),
    ]));
    let text = strings::too_small(MIN_WIDTH, MIN_HEIGHT, area.width, area.height);
    frame.render_widget(
        Paragraph::new(text)
            .style(app.settings.theme.warning)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        middle,
    );
}
