//! Logs go through `tracing` to a file in the state directory, never to the
//! screen the TUI draws on.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::tui::TuiError;

pub const LOG_FILE: &str = "trinetes.log";

/// Starts logging to `<dir>/trinetes.log` (appending). The level comes from
/// `TRINETES_LOG` (default `info`). Returns the log file's path.
pub fn init(dir: &Path) -> Result<PathBuf, TuiError> {
    std::fs::create_dir_all(dir).map_err(|source| TuiError::Log {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(LOG_FILE);
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|source| TuiError::Log {
            path: path.clone(),
            source,
        })?;
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRINETES_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Another subscriber may already be installed (tests); keep it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
    Ok(path)
}
