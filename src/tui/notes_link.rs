//! The TUI's end of the speaker's notes window (`trinetes notes`): after
//! every frame it publishes what is on screen, and the window's keys come
//! back as the TUI's own actions (next step, previous step, run).

use std::path::Path;

use jiff::Timestamp;
use tokio::sync::mpsc;

use crate::execute::StepOutcome;
use crate::lesson::Section;
use crate::present::hub::Hub;
use crate::present::protocol::{LessonView, Snapshot, StepState};
use crate::present::talk::{TALK_FILE, Talk};
use crate::present::{Command, socket_path};
use crate::tui::action::Action;
use crate::tui::execution::CheckState;
use crate::tui::present::state::Forward;
use crate::tui::state::App;

/// The link, while the TUI runs; dropping it removes the socket.
pub struct NotesLink {
    hub: Option<Hub>,
    /// Where the talk's clock is kept (`STATE/talk-started`); None for a
    /// trinetes that does not hold the socket.
    talk_file: Option<std::path::PathBuf>,
    talk: Talk,
    backend: String,
    simulated: bool,
    /// The lesson on screen and when it was opened.
    opened: Option<(usize, Timestamp)>,
    /// The sections of the lesson on screen (lessons do not change while
    /// the TUI runs, so they are split once, not on every frame).
    sections: Option<(usize, Vec<Section>)>,
}

impl NotesLink {
    /// Listens in `state_dir`. Without a socket (another trinetes holds
    /// it), the TUI runs as before and says nothing: the notes window
    /// follows the first one.
    pub async fn start(
        state_dir: &Path,
        backend: String,
        simulated: bool,
        actions: mpsc::Sender<Action>,
    ) -> NotesLink {
        let hub = match Hub::start(&socket_path(state_dir)).await {
            Ok((hub, mut commands)) => {
                tokio::spawn(async move {
                    while let Some(command) = commands.recv().await {
                        if actions.send(Action::FromNotes(command)).await.is_err() {
                            break;
                        }
                    }
                });
                Some(hub)
            }
            Err(e) => {
                tracing::info!("no notes window link: {e}");
                None
            }
        };
        let talk_file = hub.as_ref().map(|_| state_dir.join(TALK_FILE));
        NotesLink {
            talk: Talk::resumed(state_dir, Timestamp::now()),
            talk_file,
            hub,
            backend,
            simulated,
            opened: None,
            sections: None,
        }
    }

    /// Sends what is on screen now (only when it changed).
    pub fn publish(&mut self, app: &App) {
        let Some(hub) = &self.hub else { return };
        let lesson = app.reader.as_ref().map(|r| r.lesson);
        match (lesson, self.opened) {
            (Some(l), Some((open, _))) if l == open => {}
            (Some(l), _) => {
                let id = app.lessons.get(l).map_or("", |x| x.front.id.as_str());
                let when = self.talk.open(id, Timestamp::now());
                self.opened = Some((l, when));
                if let Some(file) = &self.talk_file {
                    // A convenience: a talk whose clock cannot be kept
                    // starts anew on the next start.
                    let _ = self.talk.save(file);
                }
            }
            (None, _) => self.opened = None,
        }
        if let Some(l) = lesson
            && self.sections.as_ref().map(|(i, _)| *i) != Some(l)
        {
            let split = app.lessons.get(l).map(|x| x.sections()).unwrap_or_default();
            self.sections = Some((l, split));
        }
        hub.publish(&snapshot(app, self));
    }
}

/// What a key of the notes window does now. While the presentation asks
/// a question, moving on would act behind it: `y` says yes (only to a
/// question that needs no typed name), `n` says no, and nothing else counts.
pub fn action_for(app: &App, command: Command) -> Option<Action> {
    if app.overlay.is_some() {
        let asked = question(app);
        return match command {
            Command::Yes if asked.as_ref().is_some_and(|q| q.yes_here) => Some(Action::ConfirmYes),
            Command::Next if asked.is_some() => Some(Action::ConfirmNo),
            _ => None,
        };
    }
    // On the lesson list, n and r open the selected lesson, so that a
    // talk can start from the notes window too.
    if app.screen == crate::tui::state::Screen::List
        && matches!(command, Command::Next | Command::Run)
    {
        return Some(Action::Open);
    }
    match command {
        Command::Next => Some(Action::NextStep),
        Command::Previous => Some(Action::PrevStep),
        Command::Run => Some(Action::ExecuteStep),
        Command::FastForward => Some(Action::FastForward),
        Command::Yes => None,
    }
}

/// What a key of the notes window does now, in order. In the
/// presentation, `r` on a screen whose step is not shown yet shows it
/// (past any pages of prose before it) and runs it, in one press: the
/// notes window names that step as the one `r` runs.
pub fn actions_for(app: &App, command: Command) -> Vec<Action> {
    let Some(action) = action_for(app, command) else {
        return Vec::new();
    };
    let reveal = matches!(action, Action::ExecuteStep)
        && presented(app).is_some_and(|p| {
            (p.selected().is_none() || selected_passed(app, p))
                && matches!(p.forward(), Forward::Reveal(_))
        });
    if !reveal {
        return vec![action];
    }
    let mut actions =
        vec![Action::PresentNext; crate::tui::present::pages::presses_to_next_step(app)];
    actions.push(Action::ExecuteStep);
    actions
}

/// Whether the last shown step of the presentation has passed (this
/// session, or as recorded): then `r` goes on to the next step on the
/// screen rather than asking to run it again.
fn selected_passed(app: &App, p: &crate::tui::present::Present) -> bool {
    use crate::progress::RecordedOutcome::{Passed, SimulatedPass};
    let (Some(lesson), Some(step)) = (p.lesson, p.selected()) else {
        return false;
    };
    let ran_now = app.execution.as_ref().is_some_and(|e| {
        e.lesson == lesson
            && e.step == step
            && matches!(e.outcome, Some(crate::execute::StepOutcome::Passed))
    });
    let recorded = app.lessons.get(lesson).and_then(|l| {
        let s = l.steps.get(step)?;
        app.progress.step_outcome(&l.front.id, &s.id)
    });
    ran_now || matches!(recorded, Some(Passed | SimulatedPass))
}

/// The presentation of the lesson the reader has open, when it is on
/// screen.
fn presented(app: &App) -> Option<&crate::tui::present::Present> {
    let lesson = app.reader.as_ref()?.lesson;
    app.present
        .as_ref()
        .filter(|p| p.lesson == Some(lesson) && app.screen == crate::tui::state::Screen::Reader)
}

/// The question the TUI's screen asks, as the notes window shows it.
pub fn question(app: &App) -> Option<crate::present::protocol::Question> {
    use crate::tui::screens::overlay::{Confirm, Overlay};
    let Some(Overlay::Confirm(what)) = app.overlay else {
        return None;
    };
    let typed = crate::tui::execution::billable::typed_confirmation(app).is_some();
    let title = |lesson: usize, step: usize| {
        app.lessons
            .get(lesson)
            .and_then(|l| l.steps.get(step))
            .map_or(String::new(), |s| s.title.clone())
    };
    let text = match what {
        Confirm::ExecuteStep(..) if typed => "type the cluster's name to create it",
        Confirm::ExecuteStep(l, s) => &format!("run the billable step \"{}\"?", title(l, s)),
        Confirm::BuildUp(_) if typed => "type the cluster's name to build what this lesson needs",
        Confirm::BuildUp(_) => "build what this lesson needs first?",
        Confirm::Doctor(..) => "the checks before the first real step",
        Confirm::Fallback => "go on on dry-run?",
        Confirm::StopStep => "stop the running step?",
        Confirm::Quit | Confirm::QuitCleanup => "quit?",
        Confirm::ResetAll | Confirm::ResetWorld | Confirm::ResetLesson(_) => "reset?",
        Confirm::RunAgain(..) => "run a step that passed again?",
    };
    Some(crate::present::protocol::Question {
        text: text.to_string(),
        yes_here: !typed
            && matches!(
                what,
                Confirm::ExecuteStep(..)
                    | Confirm::BuildUp(_)
                    | Confirm::Fallback
                    | Confirm::Doctor(..)
                    | Confirm::RunAgain(..)
            ),
    })
}

/// What the notes window shows of `app`.
fn snapshot(app: &App, link: &NotesLink) -> Snapshot {
    Snapshot {
        lesson: lesson_view(app, link),
        talk_started: link.talk.started.map(|t| t.to_string()).unwrap_or_default(),
        talk_minutes: link
            .talk
            .minutes(&app.lessons, app.reader.as_ref().map(|r| r.lesson)),
        backend: link.backend.clone(),
        presenting: app.present.is_some(),
        fast_forward: app.fast_forward,
        simulated: link.simulated || app.fallback.active.is_some(),
        fallback: crate::tui::execution::fallback::banner(app)
            .or_else(|| crate::tui::present::replay::banner(app)),
        question: question(app),
    }
}

fn lesson_view(app: &App, link: &NotesLink) -> Option<LessonView> {
    let reader = app.reader.as_ref()?;
    let lesson = app.lessons.get(reader.lesson)?;
    let sections = match &link.sections {
        Some((i, sections)) if *i == reader.lesson => sections.as_slice(),
        _ => &[],
    };
    // The presentation's screen; else the selected step's section; else
    // the section of the last step box at or above the top of the screen.
    let presenting = app
        .present
        .as_ref()
        .filter(|p| p.lesson == Some(reader.lesson));
    let step_on_screen = reader.step.or_else(|| {
        reader
            .doc
            .steps
            .iter()
            .rposition(|range| range.start <= reader.scroll)
    });
    let section = match presenting {
        Some(p) => p.section,
        None => step_on_screen
            .and_then(|s| crate::lesson::Lesson::section_of_step(sections, s))
            .unwrap_or(0),
    };
    let current = sections.get(section);
    let next_step = match (presenting, reader.step) {
        // What Space shows next: a step of this screen, or of a later one.
        (Some(p), _) => match p.forward() {
            Forward::Reveal(i) => lesson.steps.get(i),
            _ => sections
                .iter()
                .skip(section + 1)
                .find_map(|s| s.steps.first())
                .and_then(|i| lesson.steps.get(*i)),
        },
        (None, Some(i)) => lesson.steps.get(i + 1),
        (None, None) => current
            .and_then(|s| s.steps.first())
            .and_then(|i| lesson.steps.get(*i)),
    };
    let run_step = match presenting {
        Some(p) => {
            let reveal = match p.forward() {
                Forward::Reveal(i) => Some(i),
                _ => None,
            };
            match p.selected() {
                // A step that passed: r goes on to the next one on screen.
                Some(_) if reveal.is_some() && selected_passed(app, p) => reveal,
                Some(i) => Some(i),
                None => reveal,
            }
        }
        None => reader.step,
    };
    let step = app
        .execution
        .as_ref()
        .filter(|e| e.lesson == reader.lesson)
        .and_then(|e| {
            let title = lesson.steps.get(e.step)?.title.clone();
            Some(StepState {
                title,
                status: match &e.outcome {
                    None => "running".to_string(),
                    Some(StepOutcome::Passed) => "passed".to_string(),
                    Some(StepOutcome::Failed { .. }) => "failed".to_string(),
                    Some(StepOutcome::TimedOut) => "timed out".to_string(),
                    Some(StepOutcome::Cancelled) => "stopped".to_string(),
                    Some(StepOutcome::Skipped { .. }) => "skipped".to_string(),
                },
                stage: e.stage.as_ref().map(|(name, _)| name.clone()),
                progress: e.stage.as_ref().and_then(|(_, f)| *f),
                elapsed_secs: e.elapsed.as_secs(),
                checks: e
                    .checks
                    .iter()
                    .map(|c| {
                        let mark = match c.state {
                            CheckState::Pending => "·",
                            CheckState::Running => "…",
                            CheckState::Passed { .. } => "✔",
                            _ => "✘",
                        };
                        format!("{mark} {}", c.description)
                    })
                    .collect(),
                hints: e
                    .checks
                    .iter()
                    .filter_map(|c| match &c.state {
                        CheckState::Failed { hint, .. } if !hint.is_empty() => Some(hint.clone()),
                        _ => None,
                    })
                    .chain(e.hints.iter().cloned())
                    .collect(),
            })
        })
        // While a lesson's needs are built, the step the build-up runs.
        .or_else(|| {
            let (from, step) = app.build_up.current.as_ref()?;
            app.build_up.running.as_ref()?;
            Some(StepState {
                title: format!("building what this lesson needs: {from}, {step}"),
                status: "running".to_string(),
                ..StepState::default()
            })
        });
    Some(LessonView {
        id: lesson.front.id.clone(),
        title: lesson.front.title.clone(),
        minutes: lesson.front.minutes,
        opened: link.opened.map(|(_, t)| t.to_string()).unwrap_or_default(),
        section,
        sections: sections.len(),
        section_title: current.map(|s| s.title.clone()).unwrap_or_default(),
        notes: current.map(|s| s.notes.clone()).unwrap_or_default(),
        next_step: next_step.map(|s| s.title.clone()),
        run_step: run_step
            .and_then(|i| lesson.steps.get(i))
            .map(|s| s.title.clone()),
        next_section: sections.get(section + 1).map(|s| s.title.clone()),
        next_lesson: app
            .lessons
            .get(reader.lesson + 1)
            .map(|l| l.front.title.clone()),
        step,
    })
}
