//! Every intent the TUI acts on: keys (through `keymap`), mouse, resize,
//! signals and the results of step executions become these.

use std::time::Duration;

use crate::execute::ExecutionEvent;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Resize(u16, u16),
    /// `q`: asks first when something is running.
    Quit,
    /// Ctrl-C, SIGTERM, SIGHUP: leave now.
    ForceQuit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Mouse wheel, in lines (negative is up).
    ScrollBy(i32),
    Open,
    Back,
    NextStep,
    PrevStep,
    NextMatch,
    PrevMatch,
    StartSearch,
    PromptInput(char),
    PromptBackspace,
    PromptSubmit,
    PromptCancel,
    ClearSearch,
    ToggleHelp,
    /// Show or hide how to use the dry-run world from another terminal.
    ToggleWorld,
    CloseOverlay,
    ToggleNotes,
    MarkCompleted,
    AskResetLesson,
    AskResetAll,
    /// `W`: start the dry-run world over (asks first).
    AskResetWorld,
    /// The dry-run world's reset ended (the error, in words).
    WorldReset(Result<(), String>),
    ConfirmYes,
    ConfirmNo,
    DismissWarning,
    /// Enter in the reader: execute the selected step (billable ones ask first).
    ExecuteStep,
    /// `v`: evaluate the selected step's checks again.
    RetryChecks,
    /// Esc or Ctrl-C while a step executes.
    CancelExecution,
    /// `f`: close the open port-forwards.
    StopForwards,
    /// `o`: show the output pane and move the keys to it, or back.
    ToggleOutput,
    /// `O`: hide the output pane.
    HideOutput,
    /// A batch of the executing step's events, in order.
    ExecutionEvents(Vec<ExecutionEvent>),
    /// Time since the executing step started (drives the elapsed time and spinner).
    ExecutionTick(Duration),
    /// What lesson `lesson` needs was looked for; `builders` are the lessons
    /// that would build what is missing (none: all there).
    NeedsProbed {
        lesson: usize,
        builders: Vec<usize>,
    },
    /// The build-up of what a lesson needs reports.
    BuildUp(crate::tui::buildup::BuildUpEvent),
    /// The doctor's checks before the first step on a real backend ended.
    DoctorDone(crate::doctor::Report),
    /// Space / → in the presentation: finish typing, show the next step,
    /// or the next screen.
    PresentNext,
    /// ← in the presentation: hide the last step, or the previous screen.
    PresentBack,
    /// The presentation's clock and typing move on.
    PresentTick(PresentTime),
    /// `f` in the presentation or the notes window: run the dry-run world
    /// fast until the running step ends.
    FastForward,
    /// A key pressed in the notes window (`trinetes notes`).
    FromNotes(crate::present::Command),
    /// Going on on dry-run after a live step failed on the network reports.
    Fallback(crate::tui::execution::fallback::FallbackEvent),
    /// A line of the cleanup that quitting asked for.
    QuitCleanupLine(String),
    /// That cleanup ended, with this many resources still there.
    QuitCleanupDone(usize),
    /// Quit and leave what trinetes created (`trinetes cleanup` later).
    QuitLeaving,
}

/// A tick of the presentation: the monotonic time for typing, and the wall
/// clock as it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct PresentTime {
    pub instant: std::time::Instant,
    pub clock: String,
}
