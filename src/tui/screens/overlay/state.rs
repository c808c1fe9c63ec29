//! Which window is open over the screen, and what a confirmation asks.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    ResetLesson(usize),
    ResetAll,
    /// Start the dry-run world over.
    ResetWorld,
    /// Execute step `.1` of lesson `.0` (a billable one).
    ExecuteStep(usize, usize),
    /// Stop the executing step (a billable or long one).
    StopStep,
    /// Run the lessons that build what lesson `.0` needs.
    BuildUp(usize),
    /// The doctor's checks before step `.1` of lesson `.0`, the first on a
    /// real backend.
    Doctor(usize, usize),
    /// Go on on dry-run after a live step failed on the network.
    Fallback,
    /// Quitting while live resources exist: clean them up first?
    QuitCleanup,
    /// Run step `.1` of lesson `.0` again, though it passed.
    RunAgain(usize, usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// How to use the dry-run world from another terminal.
    World,
    Confirm(Confirm),
}
