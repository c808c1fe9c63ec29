//! Every intent the TUI acts on: keys, mouse, resize and signals become these.

use std::time::Duration;

use crate::runner::RunEvent;

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
    ConfirmYes,
    ConfirmNo,
    DismissWarning,
    /// Enter in the reader: run the selected step (billable ones ask first).
    RunStep,
    /// `v`: run the selected step's checks again.
    RetryChecks,
    /// Esc or Ctrl-C while a step runs.
    CancelRun,
    /// `o`: show the output pane and move the keys to it, or back.
    ToggleOutput,
    /// `O`: hide the output pane.
    HideOutput,
    /// A batch of the running step's events, in order.
    RunEvents(Vec<RunEvent>),
    /// Time since the running step started (drives the elapsed time and spinner).
    RunTick(Duration),
}
