//! The notes socket's messages. The presentation sends a [`Snapshot`]
//! whenever what it shows changes; a notes window sends [`Command`]s. Each
//! message is one line of JSON.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The socket's file name in the state directory.
pub const SOCKET_FILE: &str = "present.sock";

/// Where the presentation listens, for this state directory.
pub fn socket_path(state_dir: &Path) -> PathBuf {
    state_dir.join(SOCKET_FILE)
}

/// Everything a notes window shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The open lesson, if any (the lesson list shows none).
    pub lesson: Option<LessonView>,
    /// When the talk started (the first lesson opened), RFC 3339; empty
    /// while no lesson has been opened yet.
    pub talk_started: String,
    /// The planned minutes of the talk: the lessons opened so far and
    /// every lesson after the one on screen.
    pub talk_minutes: u32,
    /// The backend's label (`dry-run`, `live`, ...).
    pub backend: String,
    /// True when steps are simulated (the dry-run backend).
    pub simulated: bool,
    /// The presentation view (`--present`) is on, rather than the reader.
    #[serde(default)]
    pub presenting: bool,
    /// The running step is being fast-forwarded (dry-run).
    #[serde(default)]
    pub fast_forward: bool,
    /// The question the presentation waits on, if any, and whether `y` in
    /// the notes window answers it.
    #[serde(default)]
    pub question: Option<Question>,
    /// Set when a live step failed on the network and the presentation
    /// went on on dry-run: what failed, and why (shown loudly).
    #[serde(default)]
    pub fallback: Option<String>,
}

/// A question on the presentation's screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub text: String,
    /// False when it must be answered on the presentation (a name to type).
    pub yes_here: bool,
}

/// The lesson on screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonView {
    pub id: String,
    pub title: String,
    /// Planned minutes (front matter).
    pub minutes: u32,
    /// When the presenter opened it, RFC 3339.
    pub opened: String,
    /// Index of the section on screen, and how many there are.
    pub section: usize,
    pub sections: usize,
    pub section_title: String,
    /// The section's speaker notes, in order.
    pub notes: Vec<String>,
    /// The next step to run (its title), if any.
    pub next_step: Option<String>,
    /// The step `r` runs now (its title): the one on screen, else the one
    /// `r` shows and runs at once.
    #[serde(default)]
    pub run_step: Option<String>,
    /// The next section's title, if any.
    pub next_section: Option<String>,
    /// The title of the lesson after this one, if any.
    #[serde(default)]
    pub next_lesson: Option<String>,
    /// The step running now, or the last one run, with its state.
    pub step: Option<StepState>,
}

/// A step's state as the step box shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    pub title: String,
    /// `running`, `passed`, `failed`, ...
    pub status: String,
    /// The latest stage and its progress (0–1), when the step reports one.
    pub stage: Option<String>,
    pub progress: Option<f32>,
    pub elapsed_secs: u64,
    /// One line per check: a mark and its description.
    pub checks: Vec<String>,
    /// The hints of its failed checks and of its failure, in order.
    #[serde(default)]
    pub hints: Vec<String>,
}

/// What a notes window asks the presentation to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    /// Go to the next step.
    Next,
    /// Go to the previous step.
    Previous,
    /// Run the step on screen.
    Run,
    /// Run the dry-run world fast until the running step ends.
    FastForward,
    /// Yes to the question the presentation asks: run a billable step (on
    /// dry-run), build what a lesson needs, go on on dry-run after a live
    /// step failed on the network. A question answered by typing a name
    /// is answered on the presentation's keyboard.
    Yes,
}

/// One message as a line (without its newline).
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).expect("protocol messages serialise")
}

/// One line back into a message; `None` for a line that is not one.
pub fn decode<T: for<'de> Deserialize<'de>>(line: &str) -> Option<T> {
    serde_json::from_str(line.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_json_line_each_way() {
        let s = Snapshot {
            lesson: Some(LessonView {
                id: "eks".into(),
                title: "EKS".into(),
                notes: vec!["two\nlines".into()],
                ..LessonView::default()
            }),
            ..Snapshot::default()
        };
        let line = encode(&s);
        assert!(!line.contains('\n'));
        assert_eq!(decode::<Snapshot>(&line), Some(s));
        assert_eq!(encode(&Command::Next), "\"next\"");
        assert_eq!(decode::<Command>("\"run\"\n"), Some(Command::Run));
        assert_eq!(decode::<Command>("nonsense"), None);
        assert_eq!(encode(&Command::FastForward), "\"fast-forward\"");
        // A presentation from before these fields still decodes.
        let old = r#"{"lesson":null,"talk_started":"","talk_minutes":0,"backend":"dry-run","simulated":true}"#;
        assert_eq!(decode::<Snapshot>(old).map(|s| s.fast_forward), Some(false));
    }
}
