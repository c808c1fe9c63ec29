//! `trinetes replay`: a recording played back one step at a time, on a
//! screen meant for a projector. The recording is cut at its markers into
//! sections (one per step; what comes before the first marker is the
//! opening); the screen shows the section being played. This module holds
//! the player's state and how keys and time change it; `view` draws it and
//! `commands/replay.rs` runs the terminal.

pub mod transcript;
pub mod view;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::record::asciicast::{Cast, CastError, EventKind};

#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(
        "cannot read the recording {path}: {source} (make one with `trinetes run --record FILE.cast`)"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a recording trinetes can play: {source}")]
    Malformed { path: PathBuf, source: CastError },
}

/// Reads and checks a recording.
pub fn open(path: &Path) -> Result<Cast, ReplayError> {
    let bytes = std::fs::read(path).map_err(|source| ReplayError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| ReplayError::Malformed {
        path: path.to_path_buf(),
        source: CastError::Header(format!("not UTF-8 text ({e})")),
    })?;
    Cast::parse(&text).map_err(|source| ReplayError::Malformed {
        path: path.to_path_buf(),
        source,
    })
}

/// Pauses longer than this play this long, unless the recording names
/// its own limit: a realistic eksctl wait should not stall a talk.
const IDLE_LIMIT: f64 = 3.0;

/// A stretch of the recording: from a marker to the next one.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The marker's label (a step id); `None` for the opening.
    pub label: Option<String>,
    /// Terminal text and when it plays, in seconds after the section starts.
    pub output: Vec<(f64, String)>,
    /// Seconds until the next section starts (or the last output).
    pub length: f64,
}

/// How playing goes on at the end of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Stop after each step until →/Space.
    Step,
    /// Play the steps one after another.
    Continuous,
}

/// The player.
#[derive(Debug, Clone)]
pub struct Replay {
    pub title: String,
    pub sections: Vec<Section>,
    /// The section on screen.
    pub current: usize,
    /// How many of its outputs are shown.
    pub shown: usize,
    /// Seconds played of the current section.
    clock: f64,
    pub playing: bool,
    pub mode: Mode,
    pub speed: f64,
    /// Lines scrolled up from the bottom; 0 follows the output.
    pub scroll: usize,
    /// The recording's last line was cut off (its writer died).
    pub cut_off: bool,
}

impl Replay {
    pub fn new(cast: &Cast, speed: f64, mode: Mode) -> Replay {
        let sections = sections(cast);
        let mut replay = Replay {
            title: cast
                .header
                .title
                .clone()
                .unwrap_or_else(|| "recording".to_string()),
            sections,
            current: 0,
            shown: 0,
            clock: 0.0,
            playing: true,
            mode,
            speed,
            scroll: 0,
            cut_off: cast.cut_off,
        };
        if mode == Mode::Step {
            // The opening is shown at once; the first step waits for a key.
            replay.show_whole();
        }
        replay
    }

    /// How many steps (marked sections) the recording has.
    pub fn steps(&self) -> usize {
        self.sections.iter().filter(|s| s.label.is_some()).count()
    }

    /// The step on screen, counted from 1; 0 for the opening.
    pub fn step_number(&self) -> usize {
        self.sections[..=self.current]
            .iter()
            .filter(|s| s.label.is_some())
            .count()
    }

    pub fn section(&self) -> &Section {
        &self.sections[self.current]
    }

    /// The terminal text of the section on screen, as far as it has played.
    pub fn text(&self) -> String {
        self.section().output[..self.shown]
            .iter()
            .map(|(_, text)| text.as_str())
            .collect()
    }

    /// Whether the whole recording has been shown.
    pub fn at_end(&self) -> bool {
        self.current + 1 == self.sections.len() && self.section_done()
    }

    fn section_done(&self) -> bool {
        self.shown == self.section().output.len()
    }

    /// →, Space: in step mode, finish the step being played, or play the
    /// next one; playing on, go to the next step at once.
    pub fn next(&mut self) {
        if self.mode == Mode::Step && !self.section_done() {
            self.show_whole();
            return;
        }
        if self.current + 1 < self.sections.len() {
            self.enter(self.current + 1);
        } else {
            self.show_whole();
        }
    }

    /// ←: the previous step; in step mode shown whole, playing on from its
    /// start.
    pub fn previous(&mut self) {
        let target = self.current.saturating_sub(1);
        match self.mode {
            Mode::Step => {
                self.enter(target);
                self.show_whole();
            }
            Mode::Continuous => self.enter(target),
        }
    }

    /// p: pause or go on.
    pub fn toggle_pause(&mut self) {
        if self.at_end() {
            return;
        }
        self.playing = !self.playing;
    }

    pub fn scroll_up(&mut self, lines: usize) {
        self.scroll = self.scroll.saturating_add(lines);
    }

    pub fn scroll_down(&mut self, lines: usize) {
        self.scroll = self.scroll.saturating_sub(lines);
    }

    /// Lets `elapsed` of wall time play.
    pub fn tick(&mut self, elapsed: Duration) {
        if !self.playing {
            return;
        }
        self.clock += elapsed.as_secs_f64() * self.speed;
        loop {
            let output = &self.sections[self.current].output;
            while self.shown < output.len() && output[self.shown].0 <= self.clock {
                self.shown += 1;
            }
            if !self.section_done() {
                return;
            }
            let length = self.section().length;
            if self.mode == Mode::Step || self.current + 1 == self.sections.len() {
                self.playing = false;
                return;
            }
            if self.clock < length {
                return;
            }
            let carry = self.clock - length;
            self.enter(self.current + 1);
            self.clock = carry;
        }
    }

    /// How long until the screen changes by itself, if it will.
    pub fn next_change(&self) -> Option<Duration> {
        if !self.playing {
            return None;
        }
        let section = self.section();
        let at = section
            .output
            .get(self.shown)
            .map_or(section.length, |(t, _)| *t);
        Some(Duration::from_secs_f64(
            ((at - self.clock) / self.speed).max(0.0),
        ))
    }

    fn enter(&mut self, index: usize) {
        self.current = index;
        self.shown = 0;
        self.clock = 0.0;
        self.scroll = 0;
        self.playing = true;
    }

    fn show_whole(&mut self) {
        self.shown = self.section().output.len();
        self.clock = self.section().length;
        self.playing = self.mode == Mode::Continuous && !self.at_end();
    }
}

/// The recording cut at its markers, with long pauses shortened.
fn sections(cast: &Cast) -> Vec<Section> {
    let limit = cast
        .header
        .idle_time_limit
        .filter(|l| *l > 0.0)
        .unwrap_or(IDLE_LIMIT);
    let mut sections = vec![Section {
        label: None,
        output: Vec::new(),
        length: 0.0,
    }];
    let mut start = 0.0;
    let (mut played, mut previous) = (0.0, 0.0);
    for event in &cast.events {
        played += (event.time - previous).clamp(0.0, limit);
        previous = event.time;
        match &event.kind {
            EventKind::Marker(label) => {
                if let Some(last) = sections.last_mut() {
                    last.length = played - start;
                }
                start = played;
                sections.push(Section {
                    label: Some(label.clone()),
                    output: Vec::new(),
                    length: 0.0,
                });
            }
            EventKind::Output(text) => {
                if let Some(last) = sections.last_mut() {
                    last.output.push((played - start, text.clone()));
                    last.length = played - start;
                }
            }
            EventKind::Other => {}
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::asciicast::{Event, Header};

    /// An opening line, then two steps whose output comes 1 s and 10 s in.
    fn cast() -> Cast {
        let o = |time, text: &str| Event {
            time,
            kind: EventKind::Output(text.into()),
        };
        let m = |time, label: &str| Event {
            time,
            kind: EventKind::Marker(label.into()),
        };
        Cast {
            header: Header {
                width: 80,
                height: 24,
                timestamp: None,
                title: Some("demo".into()),
                idle_time_limit: None,
            },
            events: vec![
                o(0.0, "opening\r\n"),
                m(1.0, "first"),
                o(1.5, "$ one\r\n"),
                o(2.0, "out one\r\n"),
                m(3.0, "second"),
                o(3.5, "$ two\r\n"),
                o(13.5, "out two\r\n"),
            ],
            cut_off: false,
        }
    }

    #[test]
    fn markers_cut_the_recording_into_steps_and_long_pauses_shrink() {
        let replay = Replay::new(&cast(), 1.0, Mode::Continuous);
        assert_eq!(replay.steps(), 2);
        let labels: Vec<_> = replay.sections.iter().map(|s| s.label.clone()).collect();
        assert_eq!(labels, [None, Some("first".into()), Some("second".into())]);
        assert_eq!(
            replay.sections[1].output,
            [(0.5, "$ one\r\n".into()), (1.0, "out one\r\n".into())]
        );
        assert_eq!(replay.sections[1].length, 2.0);
        // 10 s of waiting plays as 3.
        assert_eq!(replay.sections[2].output[1].0, 3.5);
    }

    #[test]
    fn step_mode_waits_for_a_key_at_each_step() {
        let mut replay = Replay::new(&cast(), 1.0, Mode::Step);
        assert_eq!((replay.current, replay.text().as_str()), (0, "opening\r\n"));
        assert!(!replay.playing);
        replay.tick(Duration::from_secs(60));
        assert_eq!(replay.current, 0, "nothing moves without a key");

        replay.next();
        assert_eq!((replay.current, replay.step_number()), (1, 1));
        assert_eq!(replay.text(), "");
        replay.tick(Duration::from_millis(600));
        assert_eq!(replay.text(), "$ one\r\n");
        // A key finishes the step at once; the next key starts the next one.
        replay.next();
        assert_eq!(replay.text(), "$ one\r\nout one\r\n");
        assert!(!replay.playing);
        replay.next();
        assert_eq!(replay.section().label.as_deref(), Some("second"));
        replay.tick(Duration::from_secs(10));
        assert!(replay.at_end());
        assert!(!replay.playing);

        // ← shows the step before, whole.
        replay.previous();
        assert_eq!(replay.text(), "$ one\r\nout one\r\n");
        assert!(!replay.playing);
    }

    #[test]
    fn playing_on_moves_through_the_steps_at_the_speed() {
        let mut replay = Replay::new(&cast(), 2.0, Mode::Continuous);
        replay.tick(Duration::from_millis(100));
        assert_eq!(replay.text(), "opening\r\n");
        // 0.6 s at twice the speed: 1.2 s in, past the first marker and its prompt.
        replay.tick(Duration::from_millis(500));
        assert_eq!((replay.current, replay.text().as_str()), (1, ""));
        replay.tick(Duration::from_millis(300));
        assert_eq!(replay.text(), "$ one\r\n");
        // → jumps to the next step's start.
        replay.next();
        assert_eq!((replay.current, replay.text().as_str()), (2, ""));
        assert_eq!(replay.next_change(), Some(Duration::from_millis(250)));
        replay.tick(Duration::from_secs(5));
        assert!(replay.at_end() && !replay.playing);
        assert_eq!(replay.next_change(), None);
    }
}
