//! Starts step executions for the event loop: each works in a tokio task and
//! its `ExecutionEvent`s come back as `Action::ExecutionEvents` batches
//! through a channel, so a chatty command costs one frame per batch, not one
//! per line.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::backend::Backend;
use crate::execute::{self, ExecutionEvent, StepOutcome};
use crate::lesson::Step;
use crate::tui::action::Action;

/// A batch goes out when it holds this many events…
pub const FLUSH_EVENTS: usize = 50;
/// …or this long after its first event, whichever comes first.
pub const FLUSH_AFTER: Duration = Duration::from_millis(100);

/// What to run in the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// The command, then the checks.
    Step,
    /// Only the checks (after an interactive command, or to retry).
    Checks,
}

/// A step running in its task.
pub struct ActiveExecution {
    pub started: Instant,
    pub task: JoinHandle<()>,
}

impl ActiveExecution {
    /// Waits a bounded time for a cancelled execution to end, so its process group
    /// is gone before the program exits.
    pub async fn settle(self, limit: Duration) {
        let _ = tokio::time::timeout(limit, self.task).await;
    }
}

/// Executes `step` on `backend` in a task; its events arrive as actions.
pub fn spawn(
    backend: Arc<dyn Backend>,
    step: Step,
    job: Job,
    cancel: CancellationToken,
    actions: mpsc::Sender<Action>,
) -> ActiveExecution {
    let (tx, rx) = mpsc::channel::<ExecutionEvent>(256);
    let batcher = tokio::spawn(batch(rx, actions));
    let task = tokio::spawn(async move {
        match job {
            Job::Step => execute::execute_step(backend.as_ref(), &step, &tx, &cancel).await,
            Job::Checks => execute::retry_checks(backend.as_ref(), &step, &tx, &cancel).await,
        };
        drop(tx);
        let _ = batcher.await;
    });
    ActiveExecution {
        started: Instant::now(),
        task,
    }
}

/// The last event of a step that failed without being executed (an interactive
/// command that could not start, or exited non-zero with no checks to run).
pub fn finish_failed(step: &Step, reason: String) -> Vec<ExecutionEvent> {
    vec![ExecutionEvent::StepFinished {
        step: step.id.clone(),
        hints: execute::hints::for_reason(&step.hints, &reason),
        outcome: StepOutcome::Failed { reason },
        duration: Duration::ZERO,
    }]
}

/// Groups events into batches of at most `FLUSH_EVENTS`, sent no later than
/// `FLUSH_AFTER` after their first event; a step's last event flushes at once.
pub async fn batch(mut events: mpsc::Receiver<ExecutionEvent>, actions: mpsc::Sender<Action>) {
    while let Some(first) = events.recv().await {
        let deadline = Instant::now() + FLUSH_AFTER;
        let mut batch = vec![first];
        while batch.len() < FLUSH_EVENTS
            && !matches!(batch.last(), Some(ExecutionEvent::StepFinished { .. }))
        {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Some(event)) => batch.push(event),
                Ok(None) | Err(_) => break,
            }
        }
        batch.iter().for_each(crate::record::feed);
        if actions.send(Action::ExecutionEvents(batch)).await.is_err() {
            return;
        }
    }
}
