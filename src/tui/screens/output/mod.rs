//! The output pane under the reader: the executing step's command, a
//! progress line, and the scrollback with its own search.

use ratatui::style::Style;

use crate::tui::markdown::wrap::{Seg, WrapStyle, wrap_with};

mod state;
pub mod update;
pub mod view;

pub use state::{OutputPane, OutputSearch, PaneSize, SCROLLBACK};

/// Rows of the output pane that are not output: its top border and the
/// progress line.
pub const OUTPUT_CHROME: u16 = 2;

/// Columns a wrapped output line's continuation is indented by, past the
/// line's own indentation.
pub const HANGING_INDENT: usize = 2;

/// One output line as rows `width` columns wide: a `$ command` line breaks
/// like a command (so it can be copied), any other line keeps its spacing
/// and its continuation rows are indented past its own indentation.
pub fn wrap_line(text: &str, segs: &[Seg], width: usize, mark: Style) -> Vec<Vec<Seg>> {
    let own = text.len() - text.trim_start_matches(' ').len();
    let style = if text.starts_with("$ ") {
        WrapStyle::command(HANGING_INDENT, mark)
    } else {
        WrapStyle::output(own + HANGING_INDENT)
    };
    wrap_with(segs, width, &style)
}

/// Rows one output line takes at `width` columns.
pub fn rows(text: &str, width: usize) -> usize {
    let plain = Style::default();
    wrap_line(text, &[Seg::new(text, plain)], width, plain).len()
}
