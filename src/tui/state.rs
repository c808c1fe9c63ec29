//! The TUI's state: the screens' states put together, with what they share
//! (the lessons, progress, settings, the step execution). `update` changes
//! it; views only read it.

use ratatui::layout::Rect;

use crate::backend::StepCluster;
use crate::backend::portforward::ForwardStatus;
use crate::lesson::{BackendKind, Lesson};
use crate::progress::Progress;
use crate::tui::execution::{ExecutionRequest, StepExecution};
use crate::tui::layout::{ReaderAreas, reader_areas};
use crate::tui::screens::output::{self, OUTPUT_CHROME, OutputPane};
use crate::tui::screens::overlay::Overlay;
use crate::tui::screens::reader::{DocumentStyle, Reader};
use crate::tui::strings;
use crate::tui::theme::Theme;

/// Below this the UI shows a "too small" notice instead of the screens.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// When a notice stops being true, and goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeExpiry {
    /// When a step starts ("press Enter to run it").
    StepStarts,
    /// When the executing step ends ("a step is already running").
    StepEnds,
    /// When the learner opens another lesson, or resets this one ("marked
    /// as completed").
    AboutLesson(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Reader,
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
    /// `--lessons DIR`: lessons not shipped with trinetes, whose commands
    /// the learner is asked to trust before the first real step.
    pub custom_lessons: Option<std::path::PathBuf>,
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
    /// What the learner typed into a question that wants a name typed (the
    /// live backend's billable step: the cluster's name).
    pub typed: String,
    pub notes_visible: bool,
    pub size: (u16, u16),
    pub warning: Option<String>,
    pub notice: Option<String>,
    /// When `notice` goes by itself; `None`: when dismissed (x).
    pub notice_expires: Option<NoticeExpiry>,
    pub should_quit: bool,
    /// True while a step executes.
    pub executing: bool,
    /// The step that executes, or executed last, with its results.
    pub execution: Option<StepExecution>,
    /// An execution `update` asked for; the event loop takes and starts it.
    pub pending_execution: Option<ExecutionRequest>,
    pub output: OutputPane,
    /// Lines to paste into another terminal to use the dry-run world
    /// (`export KUBECONFIG=...`); empty on the other backends.
    pub world_exports: Vec<String>,
    /// The port-forwards the backend holds open, as the event loop last saw them.
    pub forwards: Vec<ForwardStatus>,
    /// What the backend made that is billed while it exists, as the event
    /// loop last read it (the live backend's EKS clusters).
    pub spending: Vec<crate::backend::Spending>,
    /// What trinetes created and has not seen removed (the ledger), as the
    /// event loop last read it; on the live and context backends only.
    pub leftovers: Vec<String>,
    /// Cleaning up before quitting: asked, running, its progress.
    pub quit_cleanup: crate::tui::quit_cleanup::QuitCleanup,
    /// `update` asked to close every port-forward; the event loop does it.
    pub stop_forwards: bool,
    /// `update` asked to start the dry-run world over; the event loop runs
    /// it and answers with `Action::WorldReset`.
    pub reset_world: bool,
    /// The event loop is resetting the dry-run world.
    pub resetting_world: bool,
    /// The dry-run world is a temporary one (another trinetes holds the
    /// kept one): the recorded marks are the kept world's, and resetting
    /// this one leaves them alone.
    pub world_not_kept: bool,
    /// The clusters the open lesson's steps touch, as the event loop last
    /// asked the backend (see `world::refresh_clusters`).
    pub clusters: StepClusters,
    /// Building what the open lesson needs: the offer and its progress.
    pub build_up: crate::tui::buildup::BuildUp,
    /// The doctor's checks before the first step on a real backend.
    pub doctor: crate::tui::doctor_gate::DoctorGate,
    /// `--present`: the presentation's state (None: the reader).
    pub present: Option<crate::tui::present::Present>,
    /// The presenter asked to fast-forward the running step; the event
    /// loop holds the dry-run world fast until the step ends.
    pub fast_forward: bool,
    /// The dry-run safety net: its offer, and whether steps are simulated.
    pub fallback: crate::tui::execution::fallback::FallbackState,
}

/// The cluster each step of one lesson runs against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepClusters {
    pub lesson: Option<usize>,
    /// Indexed like `Lesson::steps`; `None` where the backend does not choose.
    pub steps: Vec<Option<StepCluster>>,
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
            typed: String::new(),
            notes_visible: false,
            size,
            warning: None,
            notice: None,
            notice_expires: None,
            should_quit: false,
            executing: false,
            execution: None,
            pending_execution: None,
            output: OutputPane::default(),
            world_exports: Vec::new(),
            forwards: Vec::new(),
            spending: Vec::new(),
            leftovers: Vec::new(),
            quit_cleanup: Default::default(),
            stop_forwards: false,
            reset_world: false,
            resetting_world: false,
            world_not_kept: false,
            clusters: StepClusters::default(),
            build_up: Default::default(),
            doctor: Default::default(),
            present: None,
            fast_forward: false,
            fallback: Default::default(),
        }
    }

    pub fn set_notice(&mut self, text: impl Into<String>, expires: Option<NoticeExpiry>) {
        self.notice = Some(text.into());
        self.notice_expires = expires;
    }

    /// Removes the notice if it was only true until `event`.
    pub fn expire_notice(&mut self, event: impl Fn(NoticeExpiry) -> bool) {
        if self.notice_expires.is_some_and(event) {
            self.notice = None;
            self.notice_expires = None;
        }
    }

    /// Whether quitting now would interrupt work.
    pub fn is_busy(&self) -> bool {
        self.executing || self.build_up.running.is_some()
    }

    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_WIDTH || self.size.1 < MIN_HEIGHT
    }

    /// How lesson `index` renders: theme, backend, its recorded step
    /// outcomes and the execution shown in it.
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
            execution: self.execution.as_ref().filter(|e| e.lesson == index),
            forwards: &self.forwards,
            clusters: self.clusters_of(index),
        }
    }

    /// The clusters of lesson `index`'s steps, when they are known.
    pub fn clusters_of(&self, index: usize) -> &[Option<StepCluster>] {
        if self.clusters.lesson == Some(index) {
            &self.clusters.steps
        } else {
            &[]
        }
    }

    /// The cluster of the step selected in the reader, if known.
    pub fn selected_cluster(&self) -> Option<&StepCluster> {
        let reader = self.reader.as_ref()?;
        self.clusters_of(reader.lesson).get(reader.step?)?.as_ref()
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

    /// The reader's areas for the current size, panels and output.
    pub fn reader_areas(&self) -> ReaderAreas {
        self.reader_areas_in(self.area())
    }

    /// The reader's areas within `area` (the frame being drawn).
    pub fn reader_areas_in(&self, area: Rect) -> ReaderAreas {
        let output = self.output.visible.then(|| {
            let width = crate::tui::layout::output_width(area);
            output::view::rows_wanted(&self.output, width, usize::from(area.height))
        });
        reader_areas(
            area,
            self.banner_height(),
            self.prompt.is_some(),
            self.notes_visible,
            output,
        )
    }

    /// The reader's text area: its width and height for the current size
    /// and panels.
    pub fn text_area(&self) -> (u16, u16) {
        let areas = self.reader_areas();
        (areas.text.width.max(1), areas.text.height.max(1))
    }

    /// Rows of output the pane shows (its border, header and gauge excluded).
    pub fn output_height(&self) -> usize {
        let areas = self.reader_areas();
        areas.output.map_or(1, |a| {
            usize::from(a.height.saturating_sub(OUTPUT_CHROME)).max(1)
        })
    }
}
