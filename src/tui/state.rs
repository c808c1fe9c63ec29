//! The TUI's state. `update` changes it; views only read it.

use ratatui::layout::Rect;

use crate::lesson::{BackendKind, Lesson};
use crate::progress::Progress;
use crate::tui::document::{DocumentStyle, Match, RenderedLesson};
use crate::tui::output::OutputPane;
use crate::tui::run::{RunRequest, StepRun};
use crate::tui::strings;
use crate::tui::theme::Theme;

/// Below this the UI shows a "too small" notice instead of the screens.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Reader,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    ResetLesson(usize),
    ResetAll,
    /// Run step `.1` of lesson `.0` (a billable one).
    RunStep(usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// How to use the dry-run world from another terminal.
    World,
    Confirm(Confirm),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub matches: Vec<Match>,
    pub current: usize,
}

#[derive(Debug, Clone)]
pub struct Reader {
    /// Index into `App::lessons`.
    pub lesson: usize,
    /// First visible line.
    pub scroll: usize,
    pub step: Option<usize>,
    pub doc: RenderedLesson,
    pub search: Option<Search>,
}

/// What the app was started with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub theme: Theme,
    pub backend: BackendKind,
    /// As the user wrote it, e.g. `context=kind`.
    pub backend_label: String,
    pub profile: String,
    pub hyperlinks: bool,
}

#[derive(Debug, Clone)]
pub struct App {
    pub lessons: Vec<Lesson>,
    pub progress: Progress,
    /// Progress changed since the last save.
    pub progress_dirty: bool,
    pub settings: Settings,
    pub screen: Screen,
    pub list_selected: usize,
    pub reader: Option<Reader>,
    pub overlay: Option<Overlay>,
    /// First line of the help overlay, when it does not fit.
    pub help_scroll: u16,
    /// The search text being typed, while the prompt is open.
    pub prompt: Option<String>,
    pub notes_visible: bool,
    pub size: (u16, u16),
    pub warning: Option<String>,
    pub notice: Option<String>,
    pub should_quit: bool,
    /// True while a step runs.
    pub running: bool,
    /// The step that runs, or ran last, with its results.
    pub run: Option<StepRun>,
    /// A run `update` asked for; the event loop takes and starts it.
    pub pending_run: Option<RunRequest>,
    pub output: OutputPane,
    /// Lines to paste into another terminal to use the dry-run world
    /// (`export KUBECONFIG=...`); empty on the other backends.
    pub world_exports: Vec<String>,
}

impl App {
    pub fn new(
        lessons: Vec<Lesson>,
        progress: Progress,
        settings: Settings,
        size: (u16, u16),
    ) -> Self {
        let mut lessons = lessons;
        lessons.sort_by(|a, b| (a.front.order, &a.front.id).cmp(&(b.front.order, &b.front.id)));
        App {
            lessons,
            progress,
            progress_dirty: false,
            settings,
            screen: Screen::List,
            list_selected: 0,
            reader: None,
            overlay: None,
            help_scroll: 0,
            prompt: None,
            notes_visible: false,
            size,
            warning: None,
            notice: None,
            should_quit: false,
            running: false,
            run: None,
            pending_run: None,
            output: OutputPane::default(),
            world_exports: Vec::new(),
        }
    }

    /// Whether quitting now would interrupt work.
    pub fn is_busy(&self) -> bool {
        self.running
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// How lesson `index` renders: theme, backend, its recorded step
    /// outcomes and the run shown in it.
    pub fn document_style(&self, index: usize) -> DocumentStyle<'_> {
        let progress = self
            .lessons
            .get(index)
            .and_then(|l| self.progress.lessons.get(&l.front.id));
        DocumentStyle {
            theme: &self.settings.theme,
            backend: self.settings.backend,
            hyperlinks: self.settings.hyperlinks,
            progress,
            run: self.run.as_ref().filter(|r| r.lesson == index),
        }
    }

    pub fn open_lesson(&self) -> Option<&Lesson> {
        self.reader
            .as_ref()
            .and_then(|r| self.lessons.get(r.lesson))
    }

    /// The banner text (a warning wins over a notice), as drawn.
    pub fn banner(&self) -> Option<String> {
        match (&self.warning, &self.notice) {
            (Some(w), _) => Some(format!(" ⚠ {w} {}", strings::WARNING_DISMISS)),
            (None, Some(n)) => Some(format!(" {n} {}", strings::WARNING_DISMISS)),
            (None, None) => None,
        }
    }

    pub fn banner_height(&self) -> u16 {
        crate::tui::layout::banner_height(self.banner().as_deref(), self.size.0)
    }

    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }
}
