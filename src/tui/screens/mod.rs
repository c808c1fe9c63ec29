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
use ratatui::widgets::{Paragraph, Wrap};

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
        Screen::Reader => reader::view::draw(app, frame, area),
    }
    overlay::view::draw(app, frame, area);
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
