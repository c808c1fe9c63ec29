//! The terminal UI. `event_loop` turns terminal events (through `keymap`),
//! execution results and ticks into `Action`s; `update` applies each one to
//! `state::App` and then brings the rendered lesson up to date
//! (`screens::reader::document::sync`); `screens::draw` paints a frame from
//! the state alone. Each screen under `screens/` keeps its state, update and
//! view together; `execution/` is the state of the step being executed and
//! the tasks that execute it.

pub mod action;
pub mod buildup;
pub mod doctor_gate;
mod event_loop;
pub mod execution;
pub mod keymap;
pub mod layout;
pub mod logging;
pub mod markdown;
pub mod notes_link;
pub mod present;
pub mod quit_cleanup;
pub mod screens;
pub mod state;
pub mod strings;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod world;

use std::path::PathBuf;
use std::sync::Arc;

use crate::backend::Backend;
use crate::lesson::Lesson;
use crate::progress::{ProgressError, ProgressStore};
use crate::tui::state::{App, Settings};

pub use event_loop::start;

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("cannot use the terminal")]
    Terminal(#[source] std::io::Error),
    #[error("cannot open the log file {path}: {source}")]
    Log {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen for signals")]
    Signal(#[source] std::io::Error),
    #[error(transparent)]
    Progress(#[from] ProgressError),
}

/// What the TUI starts with.
pub struct TuiConfig {
    pub lessons: Vec<Lesson>,
    pub settings: Settings,
    pub store: ProgressStore,
    /// Where steps run.
    pub backend: Arc<dyn Backend>,
    /// How to reach the dry-run world from another terminal (empty otherwise).
    pub world_exports: Vec<String>,
    /// Said at start when the dry-run world could not be restored.
    pub world_warning: Option<String>,
    /// How the dry-run world came to be (None on other backends).
    pub world_origin: Option<crate::sim::world::WorldOrigin>,
    /// `--present`: show the lessons as a presentation.
    pub present: Option<present::PresentConfig>,
    /// `--fallback` and what a simulated world needs to start.
    pub fallback: crate::tui::execution::fallback::Setup,
    /// `trinetes replay`: the recording played in the presentation in
    /// place of running steps. Nothing is saved to the progress file.
    pub replay: Option<present::replay::Replay>,
}

/// Reopens the lesson, scroll position and step the learner left.
pub fn resume(app: &mut App) {
    let Some(last) = app.progress.last.clone() else {
        return;
    };
    let Some(index) = app.lessons.iter().position(|l| l.front.id == last.lesson) else {
        return;
    };
    let step = last
        .step
        .as_deref()
        .and_then(|id| app.lessons[index].steps.iter().position(|s| s.id == id));
    screens::reader::update::open_lesson(app, index, last.scroll, step);
    app.progress_dirty = false;
}

/// Whether to emit OSC 8 hyperlinks: terminals known to support them, and
/// not inside tmux or screen (which may not pass them through).
pub fn hyperlinks_supported(var: impl Fn(&str) -> Option<String>) -> bool {
    if let Some(v) = var("TRINETES_HYPERLINKS") {
        return v == "1" || v.eq_ignore_ascii_case("yes") || v.eq_ignore_ascii_case("true");
    }
    if var("TMUX").is_some() || var("STY").is_some() {
        return false;
    }
    let program = var("TERM_PROGRAM").unwrap_or_default();
    matches!(
        program.as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty"
    ) || var("KITTY_WINDOW_ID").is_some()
        || var("WT_SESSION").is_some()
        || var("VTE_VERSION")
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v >= 5000)
}
