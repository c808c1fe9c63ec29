//! The event loop: terminal events through the keymap, results of step
//! executions and ticks over channels, all into `update`; one frame per
//! burst. It starts the executions `update` asks for, and hands the terminal
//! to interactive commands.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::signal::unix::{SignalKind, signal};

use crate::backend::Backend;
use crate::execute::ExecutionEvent;
use crate::tui::action::Action;
use crate::tui::execution::task::{self, ActiveExecution, Job};
use crate::tui::execution::{ExecutionMode, ExecutionRequest};
use crate::tui::state::App;
use crate::tui::terminal::TerminalOwner;
use crate::tui::{TuiConfig, TuiError, keymap, logging, resume, screens, strings, update};

/// How often the elapsed time and spinner move while a step executes.
const TICK: Duration = Duration::from_millis(250);
/// How often the world is looked at while nothing happens, so the cluster
/// labels and marks follow it (a `use-context` in another terminal, an EKS
/// cluster turning ACTIVE).
const WORLD_REFRESH: Duration = Duration::from_secs(1);
/// How often the backend's billed resources are read again (its ledger).
const SPENDING_EVERY: Duration = Duration::from_secs(2);
/// How often a command being typed out moves on.
const TYPING_TICK: Duration = Duration::from_millis(33);
/// How often a replay that moves on by itself looks whether to move.
const REPLAY_TICK: Duration = Duration::from_millis(200);
/// How often the presentation's clock is read.
const CLOCK_TICK: Duration = Duration::from_secs(1);
/// How long a cancelled step may take to stop when the program exits.
const SETTLE: Duration = Duration::from_secs(3);

/// Opens the TUI and serves it until the user quits or a SIGTERM/SIGHUP
/// arrives. The terminal is restored on every way out, panics included.
pub async fn start(config: TuiConfig) -> Result<(), TuiError> {
    let TuiConfig {
        lessons,
        settings,
        store,
        backend,
        world_exports,
        world_warning,
        world_origin,
        present,
        fallback,
        replay,
    } = config;
    // What is billed stays the chosen backend's (its ledger), also after a
    // fall back to a simulated world.
    let billed = Arc::clone(&backend);
    let mut backend = backend;
    // The simulated world a live run fell back to, once there is one.
    let mut fallback_world = None;
    let mut fallback_slot = None;
    let log_path = logging::init(store.dir())?;
    tracing::info!(lessons = lessons.len(), "starting the TUI");
    let (progress, mut warning) = match store.load() {
        Ok(loaded) => (loaded.progress, loaded.warning),
        Err(e) => (Default::default(), Some(e.to_string())),
    };
    let mut sigterm = signal(SignalKind::terminate()).map_err(TuiError::Signal)?;
    let mut sighup = signal(SignalKind::hangup()).map_err(TuiError::Signal)?;

    let mut owner = TerminalOwner::acquire(log_path)?;
    let size = owner.terminal.size().map_err(TuiError::Terminal)?;
    // What the progress file held when this TUI last read or wrote it.
    let mut saved = progress.clone();
    let mut app = App::new(lessons, progress, settings, (size.width, size.height));
    app.present = present.map(crate::tui::present::Present::new);
    let replaying = replay.is_some();
    if let Some(p) = &mut app.present {
        p.replay = replay;
    }
    if replaying {
        // A recording starts at its first lesson, wherever the learner was.
        screens::reader::update::open_lesson(&mut app, 0, 0, None);
        app.progress_dirty = false;
    } else {
        resume(&mut app);
    }
    app.warning = warning.take();
    // The presentation has no room for it; `w` still shows the lines.
    if !world_exports.is_empty() && app.present.is_none() {
        app.notice = Some(strings::WORLD_NOTICE.to_string());
    }
    app.world_exports = world_exports;
    crate::tui::world::start(&mut app, world_warning, world_origin.as_ref());

    let mut events = Some(crossterm::event::EventStream::new());
    let (actions_tx, mut actions_rx) = tokio::sync::mpsc::channel::<Action>(64);
    let mut notes = crate::tui::notes_link::NotesLink::start(
        store.dir(),
        backend.label(),
        backend.kind() == crate::lesson::BackendKind::DryRun,
        actions_tx.clone(),
    )
    .await;
    let mut active: Option<ActiveExecution> = None;
    let mut spending_read = std::time::Instant::now() - SPENDING_EVERY;
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut world_ticker = tokio::time::interval(WORLD_REFRESH);
    world_ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut typing_ticker = tokio::time::interval(TYPING_TICK);
    typing_ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut clock_ticker = tokio::time::interval(CLOCK_TICK);
    clock_ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut replay_ticker = tokio::time::interval(REPLAY_TICK);
    replay_ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // Held while the presenter fast-forwards the running step.
    let mut fast: Option<crate::sim::world::FastForward> = None;
    app.fallback.mode = fallback.mode;
    while !app.should_quit {
        crate::tui::execution::fallback::follow(
            &mut app,
            &mut backend,
            &mut fallback_world,
            &mut fallback_slot,
            &fallback,
            &actions_tx,
        )
        .await;
        let dry_run = app.settings.backend == crate::lesson::BackendKind::DryRun;
        follow_fast_forward(&mut app, backend.as_ref(), &mut fast);
        if let Some(request) = app.pending_execution.take() {
            let started = start_execution(
                &mut app,
                request,
                &backend,
                &actions_tx,
                &mut owner,
                &mut events,
            )
            .await?;
            active = started.or(active);
        }
        crate::tui::world::start_reset(&mut app, &backend, &actions_tx);
        crate::tui::buildup::follow(&mut app, &backend, &actions_tx);
        crate::tui::doctor_gate::follow(&mut app, &backend, &actions_tx);
        crate::tui::quit_cleanup::follow(&mut app, &backend, &actions_tx);
        follow_forwards(&mut app, backend.as_ref()).await;
        if spending_read.elapsed() >= SPENDING_EVERY {
            spending_read = std::time::Instant::now();
            app.spending = billed.spending();
            if billed.kind() != crate::lesson::BackendKind::DryRun
                && let Ok(dir) = crate::progress::state_dir()
            {
                app.leftovers = crate::tui::quit_cleanup::leftovers(&dir);
            }
        }
        if crate::tui::world::refresh_clusters(&mut app, backend.as_ref()) {
            screens::reader::document::sync(&mut app);
        }
        owner
            .terminal
            .draw(|frame| screens::draw(&app, frame))
            .map_err(TuiError::Terminal)?;
        notes.publish(&app);
        let executing = app.executing;
        let first = tokio::select! {
            event = next_event(&mut events) => match event {
                Some(Ok(event)) => action_for(&app, &event),
                Some(Err(e)) => return Err(TuiError::Terminal(e)),
                None => Some(Action::ForceQuit),
            },
            Some(action) = actions_rx.recv() => Some(action),
            // Ticks also while forwards are open, so a lost pod shows.
            _ = ticker.tick(), if executing || !app.forwards.is_empty() || !app.spending.is_empty() => active
                .as_ref()
                .filter(|_| executing)
                .map(|a| Action::ExecutionTick(a.started.elapsed())),
            // Only to go round: the loop asks the world again before drawing.
            _ = world_ticker.tick(), if dry_run => None,
            _ = typing_ticker.tick(), if app.present.as_ref().is_some_and(|p| p.is_typing()) => {
                Some(present_tick())
            }
            _ = clock_ticker.tick(), if app.present.is_some() => Some(present_tick()),
            _ = replay_ticker.tick(), if crate::tui::present::replay::moves_by_itself(&app) => {
                Some(present_tick())
            }
            _ = sigterm.recv() => Some(Action::ForceQuit),
            _ = sighup.recv() => Some(Action::ForceQuit),
        };
        if let Some(action) = first {
            tracing::debug!(?action, "action");
            update::update(&mut app, action);
        }
        // A burst of events (a held key, a resize drag) makes one frame. The
        // poll must use this task's waker: crossterm's EventStream keeps the
        // first waker it is given until input arrives, so a throwaway waker
        // (`now_or_never`) would leave the loop asleep.
        while !app.should_quit {
            let ready = tokio::select! {
                biased;
                event = next_event(&mut events) => event,
                () = std::future::ready(()) => None,
            };
            let Some(Ok(event)) = ready else {
                break;
            };
            if let Some(action) = action_for(&app, &event) {
                tracing::debug!(?action, "action");
                update::update(&mut app, action);
            }
        }
        // A replay changes nothing of the learner's.
        if app.progress_dirty && replaying {
            app.progress_dirty = false;
        }
        if app.progress_dirty {
            app.progress_dirty = false;
            // Another trinetes (a headless run) may have written meanwhile:
            // keep its lessons, write this one's changes over them.
            let merged = match store.load() {
                Ok(on_disk) => app.progress.merged(&saved, &on_disk.progress),
                Err(_) => app.progress.clone(),
            };
            match store.save(&merged) {
                Ok(()) => {
                    if merged != app.progress {
                        app.progress = merged.clone();
                        screens::reader::document::sync(&mut app);
                    }
                    saved = merged;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "saving progress failed");
                    app.warning = Some(e.to_string());
                }
            }
        }
    }
    tracing::info!("leaving the TUI");
    drop(owner);
    if let Some(execution) = active {
        execution.settle(SETTLE).await;
    }
    drop(backend);
    if let Some(world) = fallback_world {
        world.shutdown().await;
    }
    Ok(())
}

/// A tick of the presentation: now, and the wall clock as shown.
fn present_tick() -> Action {
    Action::PresentTick(crate::tui::action::PresentTime {
        instant: std::time::Instant::now(),
        clock: jiff::Zoned::now().strftime("%H:%M").to_string(),
    })
}

/// Holds the dry-run world fast while the presenter fast-forwards the
/// running step, and lets it go when the step ends.
fn follow_fast_forward(
    app: &mut App,
    backend: &dyn Backend,
    fast: &mut Option<crate::sim::world::FastForward>,
) {
    if !app.executing {
        app.fast_forward = false;
    }
    match (app.fast_forward, fast.is_some()) {
        (true, false) => {
            *fast = backend.fast_forward(crate::tui::present::FAST_FORWARD_SPEED);
            if fast.is_none() {
                app.fast_forward = false;
                app.set_notice(strings::FAST_FORWARD_NO_CLOCK, None);
            }
        }
        (false, true) => *fast = None,
        _ => {}
    }
}

/// Closes the port-forwards when `update` asked, and shows the ones open.
async fn follow_forwards(app: &mut App, backend: &dyn Backend) {
    if std::mem::take(&mut app.stop_forwards) {
        backend.stop_forwards().await;
    }
    let forwards = backend.forwards();
    if forwards != app.forwards {
        app.forwards = forwards;
        screens::reader::document::sync(app);
    }
}

/// Starts what `update` asked for. An interactive command gets the terminal
/// first (the TUI waits for it), then its checks run like any other job.
async fn start_execution(
    app: &mut App,
    request: ExecutionRequest,
    backend: &Arc<dyn Backend>,
    actions: &tokio::sync::mpsc::Sender<Action>,
    owner: &mut TerminalOwner,
    events: &mut Option<crossterm::event::EventStream>,
) -> Result<Option<ActiveExecution>, TuiError> {
    let Some(step) = app
        .lessons
        .get(request.lesson)
        .and_then(|l| l.steps.get(request.step))
        .cloned()
    else {
        return Ok(None);
    };
    let Some(cancel) = app.execution.as_ref().map(|e| e.cancel.clone()) else {
        return Ok(None);
    };
    // A recording plays in place of the step: nothing runs.
    if let Some(take) = crate::tui::present::replay::take(app, &request) {
        let played = crate::tui::present::replay::play::spawn(take, cancel, actions.clone());
        return Ok(Some(played));
    }
    if let Some(lesson) = app.lessons.get(request.lesson) {
        crate::record::lesson(&lesson.front.id, &lesson.front.title, false);
    }
    let job = match request.mode {
        ExecutionMode::Full => Job::Step,
        ExecutionMode::ChecksOnly => {
            crate::record::checks_again(&step.id);
            Job::Checks
        }
        ExecutionMode::Interactive => {
            tracing::info!(step = %step.id, "handing the terminal to an interactive step");
            // What the recording shows of it: the command, how it ended, its checks.
            crate::record::feed(&ExecutionEvent::StepStarted {
                step: step.id.clone(),
                command: step.command.clone(),
            });
            // The event stream's reader would take keys meant for the child.
            // It must be gone before a new one is made: a new stream waits
            // for the reader lock the old one's thread holds while it polls.
            *events = None;
            owner.suspend();
            let mut command = backend.step_interactive_command(&step);
            let status = tokio::task::spawn_blocking(move || command.status()).await;
            owner.resume()?;
            *events = Some(crossterm::event::EventStream::new());
            let line = match status {
                // Without checks, the exit status is all there is to judge by.
                Ok(Ok(status)) if !status.success() && step.checks.is_empty() => {
                    let reason = strings::interactive_ended(&status.to_string());
                    let events = task::finish_failed(&step, reason);
                    events.iter().for_each(crate::record::feed);
                    update::update(app, Action::ExecutionEvents(events));
                    return Ok(None);
                }
                Ok(Ok(status)) => strings::interactive_ended(&status.to_string()),
                Ok(Err(e)) => {
                    let events = task::finish_failed(&step, e.to_string());
                    events.iter().for_each(crate::record::feed);
                    update::update(app, Action::ExecutionEvents(events));
                    return Ok(None);
                }
                Err(e) => strings::interactive_ended(&e.to_string()),
            };
            let ended = ExecutionEvent::Output {
                step: step.id.clone(),
                line,
            };
            crate::record::feed(&ended);
            update::update(app, Action::ExecutionEvents(vec![ended]));
            Job::Checks
        }
    };
    Ok(Some(task::spawn(
        Arc::clone(backend),
        step,
        job,
        cancel,
        actions.clone(),
    )))
}

/// The next terminal event; never, while the stream is gone (a child owns
/// the terminal).
async fn next_event(
    events: &mut Option<crossterm::event::EventStream>,
) -> Option<std::io::Result<crossterm::event::Event>> {
    match events {
        Some(stream) => stream.next().await,
        None => std::future::pending().await,
    }
}

fn action_for(app: &App, event: &crossterm::event::Event) -> Option<Action> {
    tracing::trace!(?event, "event");
    crash_test(event);
    keymap::action_for_event(app, event)
}

/// Debug builds only: with `TRINETES_CRASH_TEST` set, F12 panics, so the
/// end-to-end test can check that a panic gives the terminal back.
#[cfg(debug_assertions)]
fn crash_test(event: &crossterm::event::Event) {
    use crossterm::event::{Event, KeyCode};
    if let Event::Key(key) = event
        && key.code == KeyCode::F(12)
        && std::env::var_os("TRINETES_CRASH_TEST").is_some()
    {
        panic!("crash test: F12 pressed with TRINETES_CRASH_TEST set");
    }
}

#[cfg(not(debug_assertions))]
fn crash_test(_: &crossterm::event::Event) {}
