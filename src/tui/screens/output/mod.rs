//! The output pane under the reader: the executing step's command, a
//! progress line, and the scrollback with its own search.

mod state;
pub mod update;
pub mod view;

pub use state::{OutputPane, OutputSearch, SCROLLBACK};

/// Rows of the output pane that are not output: its top border and the
/// progress line.
pub const OUTPUT_CHROME: u16 = 2;
