//! Lessons: the model, the markdown parser, validation, profiles and variables.
//! Pure: no UI, no backends, no async.

mod body;
pub mod checks;
mod duration;
mod embedded;
mod error;
mod expand;
mod front_matter;
mod loader;
pub mod model;
pub mod needs;
mod object_kinds;
mod parse;
mod prices;
mod profile;
mod sections;
mod step_config;
mod toml_fields;
pub mod vars;

pub use checks::{CheckKind, KINDS as CHECK_KINDS};
pub use duration::parse_duration;
pub use error::{LessonError, did_you_mean};
pub use loader::{builtin, builtin_checked, load_dir};
pub use model::*;
pub use object_kinds::{OBJECT_KINDS, ObjectKind};
pub use parse::{parse, parse_with_variables};
pub use prices::{Prices, PricesError};
pub use profile::{Profile, ProfileError, builtin_variable_names};
pub use sections::Section;

/// File names of the embedded lessons and diagrams (for tests and tooling).
pub fn builtin_files() -> (Vec<&'static str>, Vec<&'static str>) {
    (
        embedded::LESSONS.iter().map(|(n, _)| *n).collect(),
        embedded::DIAGRAMS.iter().map(|(n, _)| *n).collect(),
    )
}
