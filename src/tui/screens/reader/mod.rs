//! The reader: one lesson, rendered once into a cached document (prose and
//! step boxes), scrolled, searched, with speaker notes beside it.

pub mod document;
pub mod search;
mod state;
pub mod step_box;
pub mod step_result;
pub mod update;
pub mod view;

pub use document::{DocumentStyle, Match, RenderedLesson};
pub use state::{Reader, Search};
