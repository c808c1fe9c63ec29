//! `trinetes replay`: a recording played inside the presentation view.
//! This module reads it: `script` turns a recording made by `--record`
//! back into its steps, each the `ExecutionEvent`s it showed with their
//! times. `tui/present/replay/` plays them in place of running the steps,
//! so the step box and output pane of `--present` show them as they show
//! a step that runs; `commands/replay.rs` opens the presentation on the
//! recorded lessons.

pub mod script;

use std::path::{Path, PathBuf};

use crate::record::asciicast::{Cast, CastError};
pub use script::{RecordedStep, Script, ScriptError};

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(
        "cannot read the recording {path}: {source} (make one with `trinetes run --record FILE.cast`)"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a recording trinetes can play: {source}")]
    Malformed { path: PathBuf, source: CastError },
    #[error("{path} cannot be replayed in the presentation: {source}")]
    Script { path: PathBuf, source: ScriptError },
}

/// Reads and checks a recording.
pub fn open(path: &Path) -> Result<Cast, ReplayError> {
    let bytes = std::fs::read(path).map_err(|source| ReplayError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ReplayError::Malformed {
        path: path.to_path_buf(),
        source: CastError::Header(format!("not UTF-8 text ({e})")),
    })?;
    Cast::parse(&text).map_err(|source| ReplayError::Malformed {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a recording and its steps.
pub fn open_script(path: &Path) -> Result<Script, ReplayError> {
    let cast = open(path)?;
    Script::read(&cast).map_err(|source| ReplayError::Script {
        path: path.to_path_buf(),
        source,
    })
}
