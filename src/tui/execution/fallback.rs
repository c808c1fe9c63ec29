//! The dry-run safety net in the TUI. A live step that failed because the
//! network or AWS let it down (`backend::fallback::classify`) is offered to
//! go on on dry-run (`--fallback ask`, the default), or goes on at once
//! (`--fallback auto`). Going on starts a temporary simulated world, runs
//! the earlier steps there quickly (`execute::rebuild`), makes it where
//! steps run, and runs the failed step again. From then on the status bar
//! and each step's box say SIMULATED, and the notes window says so loudly.
//!
//! `update` only changes state; the event loop starts the world in a task
//! (`follow`) and swaps the backend when it is ready.

use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::backend::Backend;
use crate::backend::fallback::{self, Diagnosis, FallbackMode};
use crate::backend::setup::ActiveBackend;
use crate::execute::{StepOutcome, rebuild};
use crate::lesson::{BackendKind, Lesson, Profile};
use crate::sim::eksctl::Pace;
use crate::tui::action::Action;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::App;
use crate::tui::strings;

/// What the event loop needs to start the simulated world.
#[derive(Debug, Clone)]
pub struct Setup {
    pub mode: FallbackMode,
    pub profile: Profile,
    pub pace: Pace,
    pub state_dir: std::path::PathBuf,
}

/// A live step that failed on the network, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub lesson: usize,
    pub step: usize,
    pub step_id: String,
    pub diagnosis: Diagnosis,
    /// Run step `step` again on the simulated world (a step of the lesson
    /// failed); false when a build-up failed, whose lessons the simulated
    /// world builds instead.
    pub rerun: bool,
}

/// The TUI's side of the safety net.
#[derive(Debug, Clone, Default)]
pub struct FallbackState {
    pub mode: FallbackMode,
    /// The failure offered to go on on dry-run (asked or accepted).
    pub offer: Option<Offer>,
    /// `update` asked the event loop to start the simulated world.
    pub start: bool,
    /// While the world is built: the step being run again there.
    pub rebuilding: Option<String>,
    /// The world is ready: the event loop makes it where steps run.
    pub ready: bool,
    /// Steps run on the simulated world from this failure on.
    pub active: Option<Offer>,
}

/// One line for the notes window: the offer while it waits for an answer,
/// the world being built, and once steps are simulated, that they are.
pub fn banner(app: &App) -> Option<String> {
    let state = &app.fallback;
    if let Some(o) = &state.active {
        return Some(strings::fallback_banner(
            &o.step_id,
            o.diagnosis.cause.words(),
        ));
    }
    let o = state.offer.as_ref()?;
    let cause = o.diagnosis.cause.words();
    if state.rebuilding.is_some() || state.start || state.ready {
        Some(strings::fallback_building(&o.step_id, cause))
    } else if app.overlay == Some(Overlay::Confirm(Confirm::Fallback)) {
        Some(strings::fallback_offered(&o.step_id, cause))
    } else {
        None
    }
}

/// What the task that builds the simulated world reports.
#[derive(Debug, Clone, PartialEq)]
pub enum FallbackEvent {
    /// This step (`lesson/step`) ran again on the simulated world.
    Rebuilt(String, String),
    /// A step of the build-up of the open lesson's needs failed on the
    /// network.
    BuildUpFailed {
        step: String,
        diagnosis: Diagnosis,
    },
    /// The world stands where live stood.
    Ready,
    Failed(String),
}

/// After a step finished: on a live backend, a failure the network or AWS
/// caused is offered (or, with `auto`, taken) to go on on dry-run.
pub fn after_step(app: &mut App, outcome: &StepOutcome) {
    let fell = matches!(outcome, StepOutcome::Failed { .. } | StepOutcome::TimedOut);
    if !fell
        || app.settings.backend != BackendKind::Live
        || app.fallback.mode == FallbackMode::Never
        || app.fallback.active.is_some()
        || app.fallback.start
    {
        return;
    }
    let Some(execution) = &app.execution else {
        return;
    };
    let lines: Vec<String> = app.output.lines.iter().cloned().collect();
    let Some(diagnosis) = network_failure(outcome, &lines) else {
        return;
    };
    let offer = Offer {
        lesson: execution.lesson,
        step: execution.step,
        step_id: execution.step_id.clone(),
        diagnosis,
        rerun: true,
    };
    offer_to(app, offer);
}

/// Why a failed step failed, when the network or AWS is to blame: its
/// output `lines` and the outcome's reason against the table.
pub fn network_failure(outcome: &StepOutcome, lines: &[String]) -> Option<Diagnosis> {
    let reason = match outcome {
        StepOutcome::Failed { reason } => reason.as_str(),
        _ => "",
    };
    fallback::classify(lines.iter().map(String::as_str).chain([reason]))
}

/// A build-up of the open lesson's needs failed on the network: the
/// simulated world is offered to build them instead.
fn after_build_up(app: &mut App, step: String, diagnosis: Diagnosis) {
    if app.settings.backend != BackendKind::Live
        || app.fallback.mode == FallbackMode::Never
        || app.fallback.active.is_some()
        || app.fallback.start
    {
        return;
    }
    let Some((lesson, _)) = app.build_up.offer else {
        return;
    };
    let offer = Offer {
        lesson,
        step: 0,
        step_id: step,
        diagnosis,
        rerun: false,
    };
    offer_to(app, offer);
}

fn offer_to(app: &mut App, offer: Offer) {
    app.fallback.offer = Some(offer);
    match app.fallback.mode {
        FallbackMode::Auto => accept(app),
        _ => app.overlay = Some(Overlay::Confirm(Confirm::Fallback)),
    }
}

/// The question's text.
pub fn offer_text(app: &App) -> String {
    match &app.fallback.offer {
        Some(o) if o.rerun => strings::fallback_offer(&o.diagnosis.summary()),
        Some(o) => strings::fallback_offer_build_up(&o.diagnosis.summary()),
        None => String::new(),
    }
}

/// Yes: build the simulated world and go on there.
pub fn accept(app: &mut App) {
    if app.fallback.offer.is_none() {
        return;
    }
    app.fallback.start = true;
    app.fallback.rebuilding = Some(String::new());
    app.set_notice(strings::FALLBACK_REBUILDING, None);
}

/// What the building task reported.
pub fn event(app: &mut App, event: FallbackEvent) {
    match event {
        FallbackEvent::Rebuilt(step, outcome) => {
            app.set_notice(strings::fallback_rebuilt(&step, &outcome), None);
            app.fallback.rebuilding = Some(step);
        }
        FallbackEvent::BuildUpFailed { step, diagnosis } => after_build_up(app, step, diagnosis),
        FallbackEvent::Ready => {
            app.fallback.rebuilding = None;
            app.fallback.ready = true;
        }
        FallbackEvent::Failed(why) => {
            app.fallback.rebuilding = None;
            app.fallback.start = false;
            app.fallback.offer = None;
            app.set_notice(strings::fallback_failed(&why), None);
        }
    }
}

/// The simulated world being built, handed from its task to the event loop.
type Slot = Arc<Mutex<Option<ActiveBackend>>>;

/// The event loop's end: starts building the world when asked, and once it
/// is ready, makes it the backend steps run on and runs the failed step
/// again. `world` keeps it until the TUI ends.
pub async fn follow(
    app: &mut App,
    backend: &mut Arc<dyn Backend>,
    world: &mut Option<ActiveBackend>,
    slot: &mut Option<Slot>,
    setup: &Setup,
    actions: &mpsc::Sender<Action>,
) {
    if std::mem::take(&mut app.fallback.start)
        && let Some(offer) = app.fallback.offer.clone()
    {
        let built: Slot = Arc::default();
        *slot = Some(built.clone());
        let lessons = app.lessons.clone();
        let setup = setup.clone();
        let actions = actions.clone();
        tokio::spawn(async move {
            let result = build(&setup, &lessons, &offer, &built, &actions).await;
            let event = match result {
                Ok(()) => FallbackEvent::Ready,
                Err(why) => FallbackEvent::Failed(why),
            };
            let _ = actions.send(Action::Fallback(event)).await;
        });
    }
    if !std::mem::take(&mut app.fallback.ready) {
        return;
    }
    let Some(built) = slot.take().and_then(|s| s.lock().ok()?.take()) else {
        return;
    };
    // Live keeps its ledger: what it created stays listed for cleanup.
    backend.stop_forwards().await;
    // `w` shows how to point one's own kubectl at the simulated world.
    app.world_exports = built.exports();
    *backend = built.backend();
    *world = Some(built);
    let Some(offer) = app.fallback.offer.take() else {
        return;
    };
    app.settings.backend = BackendKind::DryRun;
    app.settings.backend_label = strings::FALLBACK_STATUS.to_string();
    let said = strings::fallback_started(
        if offer.rerun {
            app.lessons
                .get(offer.lesson)
                .map_or("", |l| l.front.id.as_str())
        } else {
            // A build-up's step: named with its own lesson already.
            ""
        },
        &offer.step_id,
    );
    // A recording of the run says so too, where it happened.
    crate::record::note(&said);
    app.set_notice(said, None);
    let (lesson, step, rerun) = (offer.lesson, offer.step, offer.rerun);
    app.fallback.active = Some(offer);
    if rerun {
        super::update::start(app, lesson, step);
    } else {
        // The build-up's failure is answered: what it needed is there now.
        app.warning = None;
    }
}

/// A step ran on the simulated world: a pass is marked as a simulated
/// pass (the live failure's ✘ goes, and Enter moves on past it, but no
/// lesson is completed by it); anything else leaves the mark as it was.
pub fn record_simulated(app: &mut App, outcome: &StepOutcome) {
    let Some(execution) = app
        .execution
        .as_ref()
        .filter(|_| *outcome == StepOutcome::Passed)
    else {
        return;
    };
    let Some(lesson) = app.lessons.get(execution.lesson) else {
        return;
    };
    app.progress.record_step(
        &lesson.front.id,
        &execution.step_id,
        crate::progress::RecordedOutcome::SimulatedPass,
    );
    app.progress_dirty = true;
}

/// Starts the world and runs the earlier steps there.
async fn build(
    setup: &Setup,
    lessons: &[Lesson],
    offer: &Offer,
    built: &Slot,
    actions: &mpsc::Sender<Action>,
) -> Result<(), String> {
    let lesson = lessons.get(offer.lesson).ok_or("the lesson is gone")?;
    let world = fallback::start_world(&setup.profile, setup.pace, &setup.state_dir)
        .await
        .map_err(|e| e.to_string())?;
    let simulated = world.backend();
    // A failed build-up leaves only the lesson's needs to build.
    let failed = if offer.rerun { offer.step } else { 0 };
    let plan = rebuild::plan(simulated.as_ref(), lessons, lesson, failed).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let forward = {
        let actions = actions.clone();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                let _ = actions.send(Action::Fallback(event)).await;
            }
        })
    };
    let cancel = CancellationToken::new();
    let result = rebuild::run(simulated.as_ref(), &plan, &cancel, |item, outcome| {
        let name = match outcome {
            StepOutcome::Passed => strings::RECORDED_PASSED,
            StepOutcome::Skipped { .. } => strings::RECORDED_SKIPPED,
            _ => strings::RECORDED_FAILED,
        };
        let _ = tx.send(FallbackEvent::Rebuilt(item.name(), name.to_string()));
    })
    .await;
    drop(tx);
    let _ = forward.await;
    if let Err(e) = result {
        world.shutdown().await;
        return Err(e.to_string());
    }
    if let Ok(mut slot) = built.lock() {
        *slot = Some(world);
    }
    Ok(())
}
