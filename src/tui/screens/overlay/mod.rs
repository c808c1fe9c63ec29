//! Windows drawn over a screen: the key help, how to use the dry-run world
//! from another shell, and confirmation questions.

mod state;
pub mod update;
pub mod view;

pub use state::{Confirm, Overlay};
