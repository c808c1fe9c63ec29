//! The presentation's side of `trinetes replay`: which recorded step plays
//! when a step runs, and, without `--step`, the presentation moving on by
//! itself (the next screen or step after a pause, each step played once it
//! shows). `play` plays a step as a task; the screen is the
//! presentation's own, with a quiet mark that it is a recording.

pub mod play;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::execute::ExecutionEvent;
use crate::replay::Script;
use crate::tui::execution::ExecutionRequest;
use crate::tui::state::{App, Screen};

/// A screen stays this long before the presentation moves on by itself
/// (at speed 1)…
const PAUSE: Duration = Duration::from_secs(2);
/// …and this much longer for each line of its prose…
const PER_LINE: Duration = Duration::from_millis(250);
/// …at most this long.
const PAUSE_MOST: Duration = Duration::from_secs(12);

/// A recording being played in the presentation.
#[derive(Debug, Clone)]
pub struct Replay {
    pub script: Arc<Script>,
    /// The file's name, as the screens say it.
    pub file: String,
    pub speed: f64,
    /// The presentation moves on by itself (no `--step`).
    pub auto: bool,
    /// How often each (lesson, step) has played, to play its next recording.
    plays: HashMap<(String, String), usize>,
    /// The steps played since they last showed (lesson, step index).
    played: HashSet<(usize, usize)>,
    /// When the next move by itself may come.
    next_move: Option<Instant>,
    /// The end of the recording is on screen.
    pub ended: bool,
    /// Set by `f`: the step playing plays the rest faster.
    hurry: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Replay {
    pub fn new(script: Script, file: String, speed: f64, auto: bool) -> Replay {
        Replay {
            script: Arc::new(script),
            file,
            speed,
            auto,
            plays: HashMap::new(),
            played: HashSet::new(),
            next_move: None,
            ended: false,
            hurry: Arc::new(tokio::sync::watch::channel(false).0),
        }
    }
}

/// What plays for a step: its id, its recorded events, the speed they
/// play at, and what says when the presenter fast-forwards it.
pub struct Take {
    pub step: String,
    pub events: Vec<(f64, ExecutionEvent)>,
    pub speed: f64,
    pub hurry: tokio::sync::watch::Receiver<bool>,
}

/// What the event loop plays in place of running the step `request` asks
/// for: the step's id, its recorded events and the speed; None when no
/// recording is being played.
pub fn take(app: &mut App, request: &ExecutionRequest) -> Option<Take> {
    let lesson = app.lessons.get(request.lesson)?;
    let step = lesson.steps.get(request.step)?;
    let replay = app.present.as_mut()?.replay.as_mut()?;
    let key = (lesson.front.id.clone(), step.id.clone());
    let nth = replay.plays.entry(key).or_default();
    let recorded = replay.script.find(&lesson.front.id, &step.id, *nth);
    *nth += 1;
    replay.played.insert((request.lesson, request.step));
    replay.hurry.send_replace(false);
    Some(Take {
        step: step.id.clone(),
        events: play::events(&step.id, recorded),
        speed: replay.speed,
        hurry: replay.hurry.subscribe(),
    })
}

/// `f` during a replay: the step playing plays the rest faster. False
/// when no recording is being played.
pub fn hurry(app: &mut App) -> bool {
    let Some(replay) = app.present.as_ref().and_then(|p| p.replay.as_ref()) else {
        return false;
    };
    if app.executing {
        replay.hurry.send_replace(true);
    } else {
        app.set_notice(crate::tui::strings::FAST_FORWARD_IDLE, None);
    }
    true
}

/// What the notes window says loudly while a recording plays.
pub fn banner(app: &App) -> Option<String> {
    let replay = app.present.as_ref()?.replay.as_ref()?;
    Some(crate::tui::strings::replay_banner(&replay.file))
}

/// Whether the presentation moves on by itself now (a replay without
/// `--step`, before its end).
pub fn moves_by_itself(app: &App) -> bool {
    app.present
        .as_ref()
        .and_then(|p| p.replay.as_ref())
        .is_some_and(|r| r.auto && !r.ended)
}

/// Whether a recording is being played.
pub fn replaying(app: &App) -> bool {
    app.present.as_ref().is_some_and(|p| p.replay.is_some())
}

/// Plays step `step` of lesson `lesson`: no question first (nothing runs,
/// nothing is billed), no doctor.
pub fn run(app: &mut App, lesson: usize, step: usize) {
    if app.executing {
        return;
    }
    crate::tui::execution::update::start(app, lesson, step);
}

/// A step hidden again plays again once shown.
pub fn forget(app: &mut App, lesson: usize, step: usize) {
    if let Some(r) = app.present.as_mut().and_then(|p| p.replay.as_mut()) {
        r.played.remove(&(lesson, step));
    }
}

/// Without `--step`: at each tick, once the screen is idle for its pause,
/// play the step shown, or move on.
pub fn tick(app: &mut App, now: Instant) {
    let idle = !app.executing
        && app.overlay.is_none()
        && app.prompt.is_none()
        && app.screen == Screen::Reader;
    let Some(present) = app.present.as_mut() else {
        return;
    };
    let typing = present.is_typing();
    let lines = present.body.len();
    let (lesson, selected) = (present.lesson, present.selected());
    // The step's ids, to know whether it has more recordings to play (a
    // failed live run, then its simulated run).
    let ids = lesson.zip(selected).and_then(|(l, s)| {
        let lesson = app.lessons.get(l)?;
        Some((lesson.front.id.clone(), lesson.steps.get(s)?.id.clone()))
    });
    let Some(replay) = present.replay.as_mut().filter(|r| r.auto && !r.ended) else {
        return;
    };
    if !idle || typing {
        replay.next_move = None;
        return;
    }
    let due = *replay.next_move.get_or_insert_with(|| {
        let pause = (PAUSE + PER_LINE * u32::try_from(lines).unwrap_or(u32::MAX)).min(PAUSE_MOST);
        now + pause.div_f64(replay.speed)
    });
    if now < due {
        return;
    }
    replay.next_move = None;
    let more = ids.is_some_and(|key| {
        let played = replay.plays.get(&key).copied().unwrap_or_default();
        played < replay.script.count(&key.0, &key.1)
    });
    let unplayed = lesson
        .zip(selected)
        .filter(|key| more || !replay.played.contains(key));
    match unplayed {
        Some((lesson, step)) => run(app, lesson, step),
        None => {
            let before = position(app);
            crate::tui::present::update::next(app);
            if position(app) == before
                && let Some(r) = app.present.as_mut().and_then(|p| p.replay.as_mut())
            {
                r.ended = true;
            }
        }
    }
}

/// Where the presentation is: lesson, section, page of a long section,
/// steps shown. A page turned counts as a move, so a replay goes on past a
/// section in pages.
fn position(app: &App) -> Option<(Option<usize>, usize, usize, usize)> {
    let p = app.present.as_ref()?;
    Some((
        app.reader.as_ref().map(|r| r.lesson),
        p.section,
        p.page,
        p.revealed,
    ))
}
