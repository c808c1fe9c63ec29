//! Lessons: the model, the markdown parser, validation, profiles and variables.
//! Pure: no UI, no backends, no async.

pub mod model;

pub use model::*;
