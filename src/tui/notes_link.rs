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
use crate::present::{Command, socket_path};
use crate::tui::action::Action;
use crate::tui::execution::CheckState;
use crate::tui::present::state::Forward;
use crate::tui::state::App;

/// The link, while the TUI runs; dropping it removes the socket.
pub struct NotesLink {
    hub: Option<Hub>,
    talk_started: Timestamp,
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
        NotesLink {
            talk_started: talk_start(state_dir, hub.is_some(), Timestamp::now()),
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
            (Some(l), _) => self.opened = Some((l, Timestamp::now())),
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

/// A talk that trinetes left less than this long ago goes on with its
/// clock when trinetes starts again (a crash or a restart mid-talk).
const TALK_RESUMES_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(2);

/// When the talk began: kept in `STATE/talk-started` and touched on every
/// start, so a restart within [`TALK_RESUMES_WITHIN`] of the last one keeps
/// the talk's clock; a later start begins a new talk. Only the trinetes
/// that holds the notes socket (`owner`) writes it.
fn talk_start(state_dir: &Path, owner: bool, now: Timestamp) -> Timestamp {
    let file = state_dir.join("talk-started");
    let kept = std::fs::read_to_string(&file)
        .ok()
        .and_then(|t| t.trim().parse::<Timestamp>().ok());
    let touched = std::fs::metadata(&file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| Timestamp::try_from(t).ok());
    let start = match (kept, touched) {
        (Some(kept), Some(touched))
            if now.duration_since(touched) < TALK_RESUMES_WITHIN && kept <= now =>
        {
            kept
        }
        _ => now,
    };
    if owner {
        // A convenience: a talk whose start cannot be kept just starts anew.
        let _ = crate::files::write_atomically(&file, start.to_string().as_bytes());
    }
    start
}

/// What a key of the notes window does now. While the presentation asks
/// a question, moving on would act behind it: only `y` counts, and only
/// for a question that needs no typed name.
pub fn action_for(app: &App, command: Command) -> Option<Action> {
    if app.overlay.is_some() {
        let yes = command == Command::Yes && question(app).is_some_and(|q| q.yes_here);
        return yes.then_some(Action::ConfirmYes);
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

/// The question the TUI's screen asks, as the notes window shows it.
fn question(app: &App) -> Option<crate::present::protocol::Question> {
    use crate::tui::screens::overlay::{Confirm, Overlay};
    let Some(Overlay::Confirm(what)) = app.overlay else {
        return None;
    };
    let typed = crate::tui::execution::billable::typed_confirmation(app).is_some();
    let text = match what {
        Confirm::ExecuteStep(..) if typed => "type the cluster's name to create it",
        Confirm::ExecuteStep(..) => "run this command?",
        Confirm::BuildUp(_) if typed => "type the cluster's name to build what this lesson needs",
        Confirm::BuildUp(_) => "build what this lesson needs first?",
        Confirm::Doctor(..) => "the checks before the first real step",
        Confirm::Fallback => "go on on dry-run?",
        Confirm::StopStep => "stop the running step?",
        Confirm::Quit | Confirm::QuitCleanup => "quit?",
        Confirm::ResetAll | Confirm::ResetWorld | Confirm::ResetLesson(_) => "reset?",
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
            ),
    })
}

/// What the notes window shows of `app`.
fn snapshot(app: &App, link: &NotesLink) -> Snapshot {
    Snapshot {
        lesson: lesson_view(app, link),
        talk_started: link.talk_started.to_string(),
        talk_minutes: app.lessons.iter().map(|l| l.front.minutes).sum(),
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
            })
        });
    Some(LessonView {
        id: lesson.front.id.clone(),
        title: lesson.front.title.clone(),
        minutes: lesson.front.minutes,
        opened: link
            .opened
            .map(|(_, t)| t)
            .unwrap_or(link.talk_started)
            .to_string(),
        section,
        sections: sections.len(),
        section_title: current.map(|s| s.title.clone()).unwrap_or_default(),
        notes: current.map(|s| s.notes.clone()).unwrap_or_default(),
        next_step: next_step.map(|s| s.title.clone()),
        next_section: sections.get(section + 1).map(|s| s.title.clone()),
        next_lesson: app
            .lessons
            .get(reader.lesson + 1)
            .map(|l| l.front.title.clone()),
        step,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_soon_after_keeps_the_talks_start_and_a_later_one_begins_anew() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first: Timestamp = "2026-11-30T10:00:00Z".parse().expect("a time");
        assert_eq!(talk_start(dir.path(), true, first), first);
        // The file was just touched: a restart now keeps the talk's start.
        let now = Timestamp::now();
        assert_eq!(talk_start(dir.path(), true, now), first);
        // A trinetes that does not hold the socket writes nothing.
        let other = tempfile::tempdir().expect("temp dir");
        assert_eq!(talk_start(other.path(), false, now), now);
        assert!(!other.path().join("talk-started").exists());
        // Touched more than two hours ago: a new talk.
        let file = dir.path().join("talk-started");
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3 * 3600);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .expect("the file")
            .set_modified(old)
            .expect("set its time");
        assert_eq!(talk_start(dir.path(), true, now), now);
    }
}
