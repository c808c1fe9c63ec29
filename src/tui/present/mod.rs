//! `trinetes --present`: the same lessons as a presentation for a room.
//! One section per screen (split at headings and `<!-- pause -->`), the
//! heading in big letters, steps shown one by one with their commands
//! typed out, the output in a large pane, and a thin progress line with the
//! time. It is a view over `App`: steps run through the reader's selection
//! and `tui/execution`, so checks, hints and billable questions work as
//! everywhere else.
//!
//! - `state`: sections, the screen on, the steps shown, typing.
//! - `typing`: how much of a command shows after a time.
//! - `pages`: a section's prose too long for one screen, in pages.
//! - `update`: the keys and ticks; `view`: the pure draw, `steps` its
//!   step lines.
//! - `replay`: a recording played in place of running steps
//!   (`trinetes replay`).

pub mod pages;
pub mod replay;
pub mod state;
pub mod steps;
pub mod typing;
pub mod update;
pub mod view;

pub use state::{Present, PresentConfig};

/// How much faster than the wall the dry-run world runs while a presenter
/// fast-forwards a step.
pub const FAST_FORWARD_SPEED: f64 = 60.0;
