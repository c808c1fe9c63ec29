//! The lesson model: what a parsed lesson holds, independent of any backend or UI.
//!
//! Spans are 1-based line and column in the lesson's source file, so that every
//! message can point at `file:line:column`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::checks::CheckKind;

/// A position in a lesson file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Span {
    pub line: usize,
    pub column: usize,
}

/// The backends a lesson or a step can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BackendKind {
    DryRun,
    Live,
    Context,
}

impl BackendKind {
    pub const ALL: [BackendKind; 3] =
        [BackendKind::DryRun, BackendKind::Live, BackendKind::Context];

    pub fn name(self) -> &'static str {
        match self {
            BackendKind::DryRun => "dry-run",
            BackendKind::Live => "live",
            BackendKind::Context => "context",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Lesson {
    /// Where the lesson was read from (for messages only).
    pub path: PathBuf,
    pub front: FrontMatter,
    /// The body in reading order: prose and steps interleaved.
    pub blocks: Vec<Block>,
    pub steps: Vec<Step>,
    /// Speaker notes from HTML comments, in order.
    pub notes: Vec<SpeakerNote>,
    /// Where `<!-- pause -->` comments stand: a presentation shows the text
    /// after one on a screen of its own.
    pub pauses: Vec<Span>,
    /// Image destination exactly as written in the markdown (e.g.
    /// `../assets/diagrams/clusterip.txt`) -> the diagram's text.
    pub diagrams: BTreeMap<String, String>,
    /// Names of profile variables the lesson uses.
    pub variables: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct FrontMatter {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub minutes: u32,
    /// Backends the lesson needs; empty means any.
    pub backends: Vec<BackendKind>,
    /// Order in the lesson list (lower first).
    pub order: i32,
    /// The cluster the lesson's steps talk to, by a plain name the backend
    /// resolves: `practice` (the default) or `eks` (the EKS cluster the
    /// profile names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The state this lesson starts from, by names that other lessons
    /// `provide` (`eks-cluster`); opened alone, it offers to build them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// The state this lesson leaves behind for others to need.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Block {
    /// CommonMark source of a stretch of prose (may contain images, lists, code...).
    Markdown { source: String, span: Span },
    /// Index into `Lesson::steps`.
    Step(usize),
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// The command with profile variables still unexpanded (`{{name}}`).
    pub command: String,
    /// What the episode typed, when it differs from `command`.
    pub episode_command: Option<String>,
    /// Why today's command differs from the episode's.
    pub episode_why: Option<String>,
    #[serde(with = "duration_secs")]
    pub timeout: Duration,
    pub billable: bool,
    pub interactive: bool,
    /// Keep running in the background (e.g. a port-forward) while the checks run
    /// and later steps go on; stopped when the lesson ends.
    pub background: bool,
    /// Backends the step runs on; empty means all.
    pub backends: Vec<BackendKind>,
    /// Profiles the step runs on (`current`, `episode-2021`); empty means all.
    pub profiles: Vec<String>,
    /// Why the step is skipped on the other backends or profiles.
    pub skip_reason: Option<String>,
    /// Set by [`Lesson::expanded`] when `profiles` leaves out the profile the
    /// lesson was expanded for: that profile's name. Such a step is skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped_on_profile: Option<String>,
    pub checks: Vec<Check>,
    /// Shown under a failure of the step, in order: the unconditional ones
    /// and those whose `when` the failure shows.
    pub hints: Vec<StepHint>,
    pub span: Span,
    /// The lesson's `cluster` (see [`FrontMatter::cluster`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
}

/// One of a step's own hints. With `when`, it is about one error and is
/// shown only when that text appears (ignoring case) in what the failure
/// shows: the command's output, the failure's reason, what a failed check
/// last saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepHint {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    pub text: String,
}

impl StepHint {
    /// A hint shown under every failure of its step.
    pub fn always(text: impl Into<String>) -> Self {
        StepHint {
            when: None,
            text: text.into(),
        }
    }

    /// A hint shown only when a failure shows `when`.
    pub fn when(when: impl Into<String>, text: impl Into<String>) -> Self {
        StepHint {
            when: Some(when.into()),
            text: text.into(),
        }
    }

    /// Whether a failure that showed `shown` calls for this hint.
    pub fn applies_to(&self, shown: &str) -> bool {
        match &self.when {
            None => true,
            Some(when) => contains_ignoring_case(shown, when),
        }
    }
}

/// Whether `haystack` contains `needle`, ignoring case.
pub fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    #[serde(flatten)]
    pub kind: CheckKind,
    #[serde(with = "duration_secs")]
    pub timeout: Duration,
    /// Shown when the check fails.
    pub hint: String,
    pub span: Span,
}

impl Step {
    /// Why this step does not run on the profile its lesson was expanded for,
    /// if it does not.
    pub fn profile_skip_reason(&self) -> Option<String> {
        let active = self.skipped_on_profile.as_ref()?;
        let only = self.profiles.join(", ");
        Some(match &self.skip_reason {
            Some(reason) => format!("not on profile {active} (only {only}): {reason}"),
            None => format!("not on profile {active}: this step runs only on {only}"),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerNote {
    pub text: String,
    pub span: Span,
}

mod duration_secs {
    use std::time::Duration;

    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}
