//! Quitting with live resources: the learner may have trinetes clean up
//! first. "y" runs the same teardown as `trinetes cleanup` (src/cleanup.rs)
//! from the TUI, showing each line of its progress, then quits; a resource
//! that survives keeps the window open with what was seen, and stays in the
//! ledger for `trinetes cleanup`.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::backend::Backend;
use crate::ledger::Ledger;
use crate::tui::action::Action;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::App;

/// Where the cleanup on quitting stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuitCleanup {
    /// The learner said yes; the event loop starts the teardown.
    pub requested: bool,
    /// The teardown runs.
    pub running: bool,
    /// Its progress, one line each.
    pub lines: Vec<String>,
    /// It ended, with this many resources still there.
    pub survivors: Option<usize>,
}

/// What trinetes created and has not seen removed, one description each
/// (the ledger in the state folder); read on the real backends only.
pub fn leftovers(state_dir: &std::path::Path) -> Vec<String> {
    Ledger::in_dir(state_dir)
        .open()
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.resource.to_string())
        .collect()
}

/// y in the window: start the teardown (the window stays, with progress).
pub fn confirm(app: &mut App) {
    if !app.quit_cleanup.running && app.quit_cleanup.survivors.is_none() {
        app.quit_cleanup.requested = true;
        app.quit_cleanup.running = true;
        app.quit_cleanup.lines.clear();
    }
    app.overlay = Some(Overlay::Confirm(Confirm::QuitCleanup));
}

/// Whether the window must stay open whatever is pressed: the teardown runs.
pub fn holds_window(app: &App) -> bool {
    app.quit_cleanup.running
}

/// Starts the teardown asked for (event loop): closes this process's own
/// port-forwards first, then runs the ledger's cleanup, sending each line.
pub fn follow(app: &mut App, backend: &Arc<dyn Backend>, actions: &mpsc::Sender<Action>) {
    if !std::mem::take(&mut app.quit_cleanup.requested) {
        return;
    }
    if let Some(execution) = &app.execution {
        execution.cancel.cancel();
    }
    let backend = backend.clone();
    let actions = actions.clone();
    tokio::spawn(async move {
        backend.stop_forwards().await;
        let state_dir = match crate::progress::state_dir() {
            Ok(dir) => dir,
            Err(e) => {
                let _ = actions.send(Action::QuitCleanupLine(e.to_string())).await;
                let _ = actions.send(Action::QuitCleanupDone(1)).await;
                return;
            }
        };
        let ledger = Ledger::in_dir(&state_dir);
        let (lines_tx, mut lines_rx) = mpsc::unbounded_channel::<String>();
        let forward = {
            let actions = actions.clone();
            tokio::spawn(async move {
                while let Some(line) = lines_rx.recv().await {
                    let _ = actions.send(Action::QuitCleanupLine(line)).await;
                }
            })
        };
        // The teardown runs eksctl, helm and kubectl and waits for them: on
        // a thread of its own, so the screen keeps drawing its progress.
        let survivors = tokio::task::spawn_blocking(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let runtime = match runtime {
                Ok(r) => r,
                Err(e) => {
                    let _ = lines_tx.send(format!("cannot start the cleanup: {e}"));
                    return 1;
                }
            };
            let opts = crate::cleanup::Options::default();
            let said = lines_tx.clone();
            let ran = runtime.block_on(crate::cleanup::run(&ledger, &opts, |line| {
                let _ = said.send(line.to_string());
            }));
            match ran {
                Ok(reports) => reports
                    .iter()
                    .filter(|r| matches!(r.outcome, crate::cleanup::Outcome::Survived { .. }))
                    .count(),
                Err(e) => {
                    let _ = lines_tx.send(e.to_string());
                    1
                }
            }
        })
        .await
        .unwrap_or(1);
        let _ = forward.await;
        let _ = actions.send(Action::QuitCleanupDone(survivors)).await;
    });
}

/// A line of the teardown's progress.
pub fn line(app: &mut App, line: String) {
    app.quit_cleanup.lines.push(line);
}

/// The teardown ended: quit when everything is gone; otherwise the window
/// shows what survived, and q quits (the exit reminds of `trinetes cleanup`).
pub fn done(app: &mut App, survivors: usize) {
    app.quit_cleanup.running = false;
    app.quit_cleanup.survivors = Some(survivors);
    if survivors == 0 {
        crate::tui::update::quit(app);
    } else {
        app.overlay = Some(Overlay::Confirm(Confirm::QuitCleanup));
    }
}
