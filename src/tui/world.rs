//! The dry-run world as the TUI sees it: what to say at start when it is
//! not the learner's kept one, resetting it, and the cluster each step of
//! the open lesson runs against.
//!
//! On the dry-run backend every recorded step outcome is a statement about
//! the world (a pod that ran, a release installed), and the progress file
//! does not say which backend recorded it. So when the world of earlier
//! sessions is gone (new, set aside, or reset), every recorded step outcome
//! of every lesson is cleared, and so is the completion of every lesson
//! whose steps ran (passed or failed) in that world; lessons stay opened,
//! and a lesson with nothing run in it (read only) stays completed. A
//! temporary world (another trinetes holds the kept one) clears nothing:
//! the progress file is shared, and the kept world is still there.

use std::sync::Arc;

use crate::backend::Backend;
use crate::lesson::BackendKind;
use crate::progress::RecordedOutcome;
use crate::sim::world::WorldOrigin;
use crate::tui::action::Action;
use crate::tui::screens::overlay::{self, Confirm, Overlay};
use crate::tui::state::{App, Screen, StepClusters};
use crate::tui::strings;

/// At start: shows `warning` (the world could not be restored) as a
/// banner, and clears the recorded step outcomes when the world is not the
/// one they were recorded in, saying so once.
pub fn start(app: &mut App, warning: Option<String>, origin: Option<&WorldOrigin>) {
    let stale = app.settings.backend == BackendKind::DryRun
        && origin.is_some_and(|o| matches!(o, WorldOrigin::New | WorldOrigin::Discarded { .. }));
    app.world_not_kept = origin.is_some_and(|o| *o == WorldOrigin::NotKept);
    let cleared = stale && clear_dry_run_marks(app);
    // The lesson resumed at start was rendered with the marks.
    crate::tui::screens::reader::document::sync(app);
    let said: Vec<String> = warning
        .into_iter()
        .chain(cleared.then(|| strings::WORLD_NOT_RESTORED_CLEARED.to_string()))
        .collect();
    if said.is_empty() {
        return;
    }
    let text = said.join(" ");
    app.warning = Some(match app.warning.take() {
        Some(earlier) => format!("{earlier} {text}"),
        None => text,
    });
}

/// Forgets every recorded step outcome (and the finished execution shown),
/// and the completion of the lessons whose steps ran, keeping which
/// lessons were opened. True when something was forgotten.
pub fn clear_dry_run_marks(app: &mut App) -> bool {
    let mut cleared = false;
    for lesson in app.progress.lessons.values_mut() {
        let ran = lesson.steps.values().any(|o| {
            matches!(
                o,
                RecordedOutcome::Passed | RecordedOutcome::Failed | RecordedOutcome::SimulatedPass
            )
        });
        if ran {
            lesson.completed = None;
        }
        cleared |= !lesson.steps.is_empty();
        lesson.steps.clear();
    }
    if cleared {
        app.progress_dirty = true;
    }
    for index in 0..app.lessons.len() {
        overlay::update::forget_results(app, index);
    }
    cleared
}

/// `W`: asks before starting the world over; refuses while a step runs,
/// and off dry-run.
pub fn ask_reset(app: &mut App) {
    if app.settings.backend != BackendKind::DryRun {
        app.set_notice(strings::RESET_WORLD_NOT_DRY_RUN, None);
    } else if app.is_busy() || app.reset_world || app.resetting_world {
        app.set_notice(strings::RESET_WORLD_BUSY, None);
    } else {
        app.overlay = Some(Overlay::Confirm(Confirm::ResetWorld));
    }
}

/// Yes to the reset: the event loop runs it.
pub fn confirm_reset(app: &mut App) {
    app.reset_world = true;
    app.set_notice(strings::RESET_WORLD_STARTED, None);
}

/// The reset ended: on success, nothing recorded before exists any more.
pub fn reset_done(app: &mut App, result: Result<(), String>) {
    app.resetting_world = false;
    match result {
        Ok(()) if app.world_not_kept => {
            app.set_notice(strings::RESET_WORLD_DONE_NOT_KEPT, None);
        }
        Ok(()) => {
            clear_dry_run_marks(app);
            app.set_notice(strings::RESET_WORLD_DONE, None);
        }
        Err(e) => {
            app.notice = None;
            app.notice_expires = None;
            app.warning = Some(strings::reset_world_failed(&e));
        }
    }
}

/// Asks the backend which cluster each step of the open lesson runs
/// against, and stores it for the views. Returns whether it changed.
pub fn refresh_clusters(app: &mut App, backend: &dyn Backend) -> bool {
    let open = app.reader.as_ref().filter(|_| app.screen == Screen::Reader);
    let fresh = match open.and_then(|r| {
        let lesson = app.lessons.get(r.lesson)?;
        Some((r.lesson, lesson))
    }) {
        Some((index, lesson)) => StepClusters {
            lesson: Some(index),
            steps: lesson
                .steps
                .iter()
                .map(|s| backend.step_cluster(s))
                .collect(),
        },
        None => StepClusters::default(),
    };
    if fresh == app.clusters {
        return false;
    }
    app.clusters = fresh;
    true
}

/// Starts the reset `update` asked for, as a task that answers with
/// `Action::WorldReset` on `actions`. Returns the task, if one started.
pub fn start_reset(
    app: &mut App,
    backend: &Arc<dyn Backend>,
    actions: &tokio::sync::mpsc::Sender<Action>,
) -> Option<tokio::task::JoinHandle<()>> {
    if !std::mem::take(&mut app.reset_world) {
        return None;
    }
    // A second W is refused until the answer comes.
    app.resetting_world = true;
    let backend = Arc::clone(backend);
    let actions = actions.clone();
    Some(tokio::spawn(async move {
        let result = backend.reset_world().await.map_err(|e| e.to_string());
        let _ = actions.send(Action::WorldReset(result)).await;
    }))
}
