//! Every intent the TUI acts on: keys, mouse, resize and signals become these.

#[derive(Debug, Clone, PartialEq, Eq)]
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
    CloseOverlay,
    ToggleNotes,
    MarkCompleted,
    AskResetLesson,
    AskResetAll,
    ConfirmYes,
    ConfirmNo,
    DismissWarning,
}
