//! `--record FILE.cast`: a run's steps as an asciicast v2 recording that
//! asciinema's players play as it is, and that `trinetes replay` presents.
//!
//! What is recorded is the steps' commands and output, not the TUI's
//! frames: the same file comes from the TUI and from `trinetes run`, a
//! player shows it at any terminal size, and a marker at each step lets
//! a presenter move through it step by step.
//!
//! One recording per process, as with the log file: `start` opens it and
//! `feed` is called where step events pass (the headless runner, the TUI's
//! execution task), so nothing between them has to carry it.

pub mod asciicast;
pub(crate) mod recorder;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use recorder::Recorder;

use crate::execute::ExecutionEvent;
use crate::redact::Redactor;

/// Pauses longer than this play shorter in asciinema's players (a
/// realistic eksctl wait); the times in the file stay the run's.
const IDLE_TIME_LIMIT: f64 = 3.0;

/// How a recording writes the state directory.
pub const STATE_DIR: &str = "$STATE";

/// The size a recording says when trinetes has no terminal.
const DEFAULT_SIZE: (u16, u16) = (100, 30);

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("cannot write the recording {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a recording is already being made")]
    Busy,
}

struct Active {
    recorder: Recorder<File>,
    path: PathBuf,
    failed: Option<std::io::Error>,
}

static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

fn active() -> std::sync::MutexGuard<'static, Option<Active>> {
    // A panic while recording leaves a usable recorder: each event is
    // written whole or not at all.
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The recording being made; finishing it (or dropping it) closes the file.
#[must_use = "the recording stops when this is dropped"]
pub struct Recording {
    path: PathBuf,
    done: bool,
}

/// Starts recording into `path` (replacing it), titled `title`, of a run
/// on `backend` with `profile`.
pub fn start(
    path: &Path,
    title: &str,
    profile: &str,
    backend: &str,
) -> Result<Recording, RecordError> {
    let mut slot = active();
    if slot.is_some() {
        return Err(RecordError::Busy);
    }
    let write_error = |source| RecordError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = File::create(path).map_err(write_error)?;
    let (width, height) = terminal_size();
    let header = asciicast::Header {
        width,
        height,
        timestamp: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok()),
        title: Some(title.to_string()),
        idle_time_limit: Some(IDLE_TIME_LIMIT),
        origin: Some(asciicast::Origin {
            format: asciicast::ORIGIN_FORMAT,
            profile: profile.to_string(),
            backend: backend.to_string(),
        }),
    };
    let mut recorder = Recorder::new(file, &header, Redactor::from_env()).map_err(write_error)?;
    // A recording is shared: the learner's paths are not in it.
    if let Ok(dir) = crate::progress::state_dir() {
        recorder.shorten_path(&dir, STATE_DIR);
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        recorder.shorten_path(Path::new(&home), "~");
    }
    *slot = Some(Active {
        recorder,
        path: path.to_path_buf(),
        failed: None,
    });
    Ok(Recording {
        path: path.to_path_buf(),
        done: false,
    })
}

/// Records a step event, when a recording is being made.
pub fn feed(event: &ExecutionEvent) {
    with_recorder(|r| r.event(event));
}

/// Records a line of trinetes' own (a fall-back to dry-run), when a
/// recording is being made.
pub fn note(text: &str) {
    with_recorder(|r| r.note(text));
}

/// Step `step`'s checks run again, when a recording is being made.
pub fn checks_again(step: &str) {
    with_recorder(|r| r.checks_again(step));
}

/// The next steps are lesson `id`'s, headed `heading` when the lesson
/// changes; with `buildup`, they build what a later lesson needs.
pub fn lesson(id: &str, heading: &str, buildup: bool) {
    with_recorder(|r| r.lesson(id, heading, buildup));
}

fn with_recorder(write: impl FnOnce(&mut Recorder<File>) -> std::io::Result<()>) {
    let mut slot = active();
    let Some(active) = slot.as_mut().filter(|a| a.failed.is_none()) else {
        return;
    };
    if let Err(e) = write(&mut active.recorder) {
        // The run matters more than its recording: stop recording, say
        // so at the end.
        tracing::warn!("recording to {} stopped: {e}", active.path.display());
        active.failed = Some(e);
    }
}

impl Recording {
    /// Closes the file, synced; says whether every event was written.
    pub fn finish(mut self) -> Result<PathBuf, RecordError> {
        self.done = true;
        close().map(|()| self.path.clone())
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        if !self.done {
            let _ = close();
        }
    }
}

fn close() -> Result<(), RecordError> {
    let Some(active) = active().take() else {
        return Ok(());
    };
    let path = active.path;
    let write_error = |source| RecordError::Write {
        path: path.clone(),
        source,
    };
    if let Some(e) = active.failed {
        return Err(write_error(e));
    }
    let file = active.recorder.finish().map_err(write_error)?;
    file.sync_all().map_err(write_error)
}

fn terminal_size() -> (u16, u16) {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return DEFAULT_SIZE;
    }
    crossterm::terminal::size().unwrap_or(DEFAULT_SIZE)
}
