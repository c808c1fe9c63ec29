//! The offer to build what a lesson needs. Opening a lesson whose front
//! matter `needs` state that is not there (no EKS cluster for the Helm
//! lesson) asks whether to run the lessons that provide it; yes runs their
//! steps at a fast pace, records them as run, and says what ran.
//!
//! The probe and the build-up run in tasks the event loop starts (`follow`),
//! and come back as actions; `update` here only changes state.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::backend::Backend;
use crate::execute::{self, StepOutcome, buildup};
use crate::lesson::{Lesson, needs};
use crate::tui::action::Action;
use crate::tui::screens::overlay::{Confirm, Overlay};
use crate::tui::state::{App, Screen};
use crate::tui::{execution, strings};

/// What the TUI knows of building the open lesson's needs.
#[derive(Debug, Clone, Default)]
pub struct BuildUp {
    /// The lesson whose needs were probed since it was opened.
    pub probed: Option<usize>,
    /// The lesson the offer is for, and the lessons (indexes) that build it.
    pub offer: Option<(usize, Vec<usize>)>,
    /// `update` asked to start the offered build-up; the event loop does it.
    pub start: bool,
    /// Set while the build-up runs; quitting cancels it.
    pub running: Option<CancellationToken>,
    /// The steps that ran, in order: (lesson title, step id, outcome).
    pub ran: Vec<(String, String, StepOutcome)>,
    /// The step running now: (lesson title, step id).
    pub current: Option<(String, String)>,
}

/// One thing the build-up task reports.
#[derive(Debug, Clone, PartialEq)]
pub enum BuildUpEvent {
    /// Step `step` of lesson `lesson` (an index) starts.
    Started { lesson: usize, step: String },
    Finished {
        lesson: usize,
        step: String,
        outcome: StepOutcome,
    },
    /// Every step ran (true), or one did not pass and the rest were left.
    Done(bool),
}

/// For the event loop, on each pass: probes the needs of a lesson just
/// opened, and starts the build-up `update` asked for.
pub fn follow(app: &mut App, backend: &Arc<dyn Backend>, actions: &mpsc::Sender<Action>) {
    let open = app
        .reader
        .as_ref()
        .filter(|_| app.screen == Screen::Reader)
        .map(|r| r.lesson);
    if open.is_none() {
        app.build_up.probed = None;
    }
    // A replay builds nothing: its steps play from the recording.
    if let Some(index) = open
        && app.build_up.probed != Some(index)
        && app.build_up.running.is_none()
        && !crate::tui::present::replay::replaying(app)
        && app
            .lessons
            .get(index)
            .is_some_and(|l| !l.front.needs.is_empty())
    {
        app.build_up.probed = Some(index);
        spawn_probe(app, index, backend, actions);
    }
    if std::mem::take(&mut app.build_up.start)
        && let Some((_, builders)) = app.build_up.offer.clone()
    {
        let cancel = CancellationToken::new();
        app.build_up.running = Some(cancel.clone());
        let lessons: Vec<Lesson> = builders
            .iter()
            .filter_map(|i| app.lessons.get(*i).cloned())
            .collect();
        let backend = Arc::clone(backend);
        let actions = actions.clone();
        tokio::spawn(async move {
            run(backend.as_ref(), &lessons, &builders, &cancel, &actions).await;
        });
    }
}

fn spawn_probe(
    app: &App,
    index: usize,
    backend: &Arc<dyn Backend>,
    actions: &mpsc::Sender<Action>,
) {
    let lessons = app.lessons.clone();
    let backend = Arc::clone(backend);
    let actions = actions.clone();
    tokio::spawn(async move {
        let Some(lesson) = lessons.get(index) else {
            return;
        };
        let missing = buildup::missing(backend.as_ref(), &lessons, lesson).await;
        let builders = missing
            .iter()
            .filter_map(|m| lessons.iter().position(|l| l.front.id == m.front.id))
            .collect();
        let _ = actions
            .send(Action::NeedsProbed {
                lesson: index,
                builders,
            })
            .await;
    });
}

/// Runs the build steps of each builder in order, at a fast pace.
async fn run(
    backend: &dyn Backend,
    lessons: &[Lesson],
    indexes: &[usize],
    cancel: &CancellationToken,
    actions: &mpsc::Sender<Action>,
) {
    let before = buildup::hurry(backend);
    let mut all_passed = true;
    'lessons: for (lesson, index) in lessons.iter().zip(indexes) {
        for step in needs::build_steps(lesson) {
            let send = |event| actions.send(Action::BuildUp(event));
            let _ = send(BuildUpEvent::Started {
                lesson: *index,
                step: step.id.clone(),
            })
            .await;
            // The step's own events are not shown: the build-up reports per
            // step. Its output is kept to tell a network failure (the
            // dry-run safety net, `execution::fallback`).
            let (tx, mut rx) = mpsc::channel(256);
            crate::record::lesson(&lesson.front.id, &lesson.front.title, true);
            let drain = tokio::spawn(async move {
                let mut lines = Vec::new();
                while let Some(event) = rx.recv().await {
                    crate::record::feed(&event);
                    if let execute::ExecutionEvent::Output { line, .. } = event {
                        lines.push(line);
                    }
                }
                lines
            });
            let outcome = execute::execute_step(backend, step, &tx, cancel).await;
            drop(tx);
            let lines = drain.await.unwrap_or_default();
            let ok = outcome.ok();
            if !ok
                && backend.kind() == crate::lesson::BackendKind::Live
                && let Some(failure) = execution::fallback::network_failure(&outcome, &lines)
            {
                let _ = actions
                    .send(Action::Fallback(
                        execution::fallback::FallbackEvent::BuildUpFailed {
                            step: format!("{}/{}", lesson.front.id, step.id),
                            diagnosis: failure,
                        },
                    ))
                    .await;
            }
            let _ = send(BuildUpEvent::Finished {
                lesson: *index,
                step: step.id.clone(),
                outcome,
            })
            .await;
            if !ok {
                all_passed = false;
                break 'lessons;
            }
        }
    }
    buildup::unhurry(backend, before);
    backend.stop_forwards().await;
    let _ = actions
        .send(Action::BuildUp(BuildUpEvent::Done(all_passed)))
        .await;
}

/// The probe answered: offer the build-up when something is missing and
/// the learner is still reading that lesson.
pub fn probed(app: &mut App, lesson: usize, builders: Vec<usize>) {
    let reading =
        app.screen == Screen::Reader && app.reader.as_ref().is_some_and(|r| r.lesson == lesson);
    if builders.is_empty() || !reading || app.overlay.is_some() || app.is_busy() {
        return;
    }
    app.build_up.offer = Some((lesson, builders));
    app.typed.clear();
    app.overlay = Some(Overlay::Confirm(Confirm::BuildUp(lesson)));
}

/// Yes to the offer: the event loop starts it.
pub fn confirm(app: &mut App) {
    let Some((lesson, _)) = &app.build_up.offer else {
        return;
    };
    let title = app
        .lessons
        .get(*lesson)
        .map_or(String::new(), |l| l.front.title.clone());
    app.build_up.start = true;
    app.build_up.ran.clear();
    app.set_notice(strings::build_up_started(&title), None);
}

/// A report of the build-up task.
pub fn event(app: &mut App, event: BuildUpEvent) {
    let target = app
        .build_up
        .offer
        .as_ref()
        .and_then(|(l, _)| app.lessons.get(*l))
        .map_or(String::new(), |l| l.front.title.clone());
    match event {
        BuildUpEvent::Started { lesson, step } => {
            let from = app
                .lessons
                .get(lesson)
                .map_or(String::new(), |l| l.front.title.clone());
            let text = strings::build_up_step(&target, &from, &step);
            app.set_notice(text, None);
            app.build_up.current = Some((from, step));
        }
        BuildUpEvent::Finished {
            lesson,
            step,
            outcome,
        } => {
            let Some(l) = app.lessons.get(lesson) else {
                return;
            };
            if let Some(recorded) = execution::recorded(&outcome) {
                app.progress.record_step(&l.front.id, &step, recorded);
                app.progress_dirty = true;
            }
            let title = l.front.title.clone();
            app.build_up.ran.push((title, step, outcome));
        }
        BuildUpEvent::Done(all_passed) => {
            app.build_up.running = None;
            app.build_up.current = None;
            let ran = strings::build_up_ran(&app.build_up.ran);
            if all_passed {
                app.set_notice(strings::build_up_done(&target, &ran), None);
            } else {
                app.notice = None;
                app.notice_expires = None;
                app.warning = Some(strings::build_up_failed(&target, &ran));
            }
        }
    }
}

/// The offer's text: what the lesson needs, the lessons that build it, and
/// whether that costs money.
/// The command of the first billable step the offered build-up would run
/// on this backend, if any.
pub fn first_billable(app: &App) -> Option<String> {
    let (_, builders) = app.build_up.offer.as_ref()?;
    builders
        .iter()
        .filter_map(|i| app.lessons.get(*i))
        .flat_map(needs::build_steps)
        .find(|s| s.billable && execution::executes_on(s, app.settings.backend))
        .map(|s| s.command.clone())
}

pub fn offer_text(app: &App, lesson: usize) -> (String, Vec<String>, bool) {
    let Some(l) = app.lessons.get(lesson) else {
        return (String::new(), Vec::new(), false);
    };
    let builders: Vec<&Lesson> = app
        .build_up
        .offer
        .iter()
        .flat_map(|(_, b)| b.iter().filter_map(|i| app.lessons.get(*i)))
        .collect();
    let billable = builders.iter().any(|b| {
        needs::build_steps(b).any(|s| s.billable && execution::executes_on(s, app.settings.backend))
    });
    let names = builders
        .iter()
        .map(|b| {
            // Only the steps that will run on this profile and backend.
            let steps: Vec<&str> = needs::build_steps(b)
                .filter(|s| execution::executes_on(s, app.settings.backend))
                .map(|s| s.id.as_str())
                .collect();
            format!("{} ({})", b.front.title, steps.join(", "))
        })
        .collect();
    let from: Vec<&str> = builders.iter().map(|b| b.front.title.as_str()).collect();
    (
        strings::build_up_question(&l.front.title, &from.join(" and ")),
        names,
        billable,
    )
}
