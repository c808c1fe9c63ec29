//! The learner's progress on disk: which lessons were opened or completed, each
//! step's last outcome, and where the reader stopped. One plain TOML file in the
//! XDG state directory, written atomically, readable and editable by hand.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod decode;

const FILE_NAME: &str = "progress.toml";
const BACKUP_NAME: &str = "progress.toml.bak";
const HEADER: &str = "# trinetes progress. Plain text: safe to read, copy or edit.\n\
# Delete a [lessons.<id>] table to reset that lesson, or this file to reset all.\n\n";

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("cannot find a state directory: neither XDG_STATE_HOME nor HOME is set")]
    NoStateDir,
    #[error("cannot create {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode progress: {0}")]
    Encode(#[from] toml::ser::Error),
}

/// Where a lesson stands for the learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonStatus {
    NotStarted,
    Opened,
    Completed,
}

/// What the progress file keeps of a step's last `execute::StepOutcome`
/// (a cancelled step keeps nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordedOutcome {
    Passed,
    Failed,
    Skipped,
    /// Passed on the simulated world a live run went on on after a
    /// network failure (the dry-run safety net): not a live pass, so it
    /// completes no lesson, but the step is not left marked failed.
    SimulatedPass,
}

/// Where the reader was when the learner last left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastPosition {
    pub lesson: String,
    /// First visible line of the rendered lesson.
    #[serde(default)]
    pub scroll: usize,
    /// Id of the selected step, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<jiff::Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<jiff::Timestamp>,
    /// Step id -> last outcome.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<String, RecordedOutcome>,
}

/// Everything in `progress.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<LastPosition>,
    #[serde(default)]
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Progress {
    /// Three-way merge for a program that loaded `base`, changed it into
    /// `self`, and finds `theirs` on disk now (another trinetes, a headless
    /// `run`, wrote meanwhile): each lesson this program changed is taken
    /// from `self`, every other lesson from `theirs`. So nothing either
    /// wrote is lost, unless both changed the same lesson (then this one
    /// wins, as the last to write).
    pub fn merged(&self, base: &Progress, theirs: &Progress) -> Progress {
        let mut out = theirs.clone();
        out.version = self.version;
        if self.last != base.last {
            out.last = self.last.clone();
        }
        let ids: std::collections::BTreeSet<&String> =
            self.lessons.keys().chain(base.lessons.keys()).collect();
        for id in ids {
            let mine = self.lessons.get(id);
            if mine == base.lessons.get(id) {
                continue;
            }
            match mine {
                Some(lesson) => {
                    out.lessons.insert(id.clone(), lesson.clone());
                }
                None => {
                    out.lessons.remove(id);
                }
            }
        }
        out
    }
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            version: 1,
            last: None,
            lessons: BTreeMap::new(),
        }
    }
}

impl Progress {
    pub fn status(&self, lesson: &str) -> LessonStatus {
        match self.lessons.get(lesson) {
            Some(p) if p.completed.is_some() => LessonStatus::Completed,
            Some(p) if p.opened.is_some() || !p.steps.is_empty() => LessonStatus::Opened,
            _ => LessonStatus::NotStarted,
        }
    }

    /// Records the first opening; later openings keep the first time.
    pub fn mark_opened(&mut self, lesson: &str) {
        let entry = self.lessons.entry(lesson.to_string()).or_default();
        entry.opened.get_or_insert_with(jiff::Timestamp::now);
    }

    pub fn mark_completed(&mut self, lesson: &str) {
        let entry = self.lessons.entry(lesson.to_string()).or_default();
        entry.opened.get_or_insert_with(jiff::Timestamp::now);
        entry.completed = Some(jiff::Timestamp::now());
    }

    pub fn record_step(&mut self, lesson: &str, step: &str, outcome: RecordedOutcome) {
        let entry = self.lessons.entry(lesson.to_string()).or_default();
        entry.opened.get_or_insert_with(jiff::Timestamp::now);
        entry.steps.insert(step.to_string(), outcome);
    }

    pub fn step_outcome(&self, lesson: &str, step: &str) -> Option<RecordedOutcome> {
        self.lessons.get(lesson)?.steps.get(step).copied()
    }

    pub fn set_last(&mut self, lesson: &str, scroll: usize, step: Option<&str>) {
        self.last = Some(LastPosition {
            lesson: lesson.to_string(),
            scroll,
            step: step.map(str::to_string),
        });
    }

    pub fn reset_lesson(&mut self, lesson: &str) {
        self.lessons.remove(lesson);
        if self.last.as_ref().is_some_and(|l| l.lesson == lesson) {
            self.last = None;
        }
    }

    pub fn reset_all(&mut self) {
        *self = Progress::default();
    }
}

/// What loading found: the progress, and a warning to show when the file was
/// unreadable and was set aside.
#[derive(Debug)]
pub struct Loaded {
    pub progress: Progress,
    pub warning: Option<String>,
}

/// Reads and writes `progress.toml` in one directory.
#[derive(Debug, Clone)]
pub struct ProgressStore {
    dir: PathBuf,
}

impl ProgressStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ProgressStore { dir: dir.into() }
    }

    /// The store in the user's state directory.
    pub fn in_state_dir() -> Result<Self, ProgressError> {
        Ok(Self::new(state_dir()?))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    pub fn backup_path(&self) -> PathBuf {
        self.dir.join(BACKUP_NAME)
    }

    /// A missing file is a fresh start. A file that is not TOML is renamed
    /// to the next free backup (`progress.toml.bak`, `.bak.1`, …); a field
    /// that does not fit loses only that field (or step, or lesson), and a
    /// copy of the file goes to the next backup. Either way
    /// `Loaded::warning` says what happened and on which line.
    pub fn load(&self) -> Result<Loaded, ProgressError> {
        let path = self.path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    progress: Progress::default(),
                    warning: None,
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                return self.set_aside(&path, "it is not UTF-8 text");
            }
            Err(source) => return Err(ProgressError::Read { path, source }),
        };
        let table = match toml::from_str::<toml::Table>(&text) {
            Ok(table) => table,
            Err(e) => {
                let line = e.span().map(|s| line_at(&text, s.start));
                let reason = match line {
                    Some(line) => format!("line {line}: {}", e.message()),
                    None => e.message().to_string(),
                };
                return self.set_aside(&path, &reason);
            }
        };
        let mut dropped = Vec::new();
        let progress = decode::progress(table, &text, &mut dropped);
        if dropped.is_empty() {
            return Ok(Loaded {
                progress,
                warning: None,
            });
        }
        let backup = self.next_backup_path();
        std::fs::copy(&path, &backup).map_err(|source| ProgressError::Write {
            path: backup.clone(),
            source,
        })?;
        tracing::warn!(path = %path.display(), ?dropped, "progress file partly unreadable");
        Ok(Loaded {
            progress,
            warning: Some(format!(
                "Part of the progress file could not be read ({}); the rest is kept, and the file as it was is in {}.",
                dropped.join("; "),
                backup.display()
            )),
        })
    }

    /// The first of `progress.toml.bak`, `progress.toml.bak.1`, … that does
    /// not exist yet, so an older backup is never overwritten.
    pub fn next_backup_path(&self) -> PathBuf {
        crate::files::free_backup_name(&self.path())
    }

    fn set_aside(&self, path: &Path, reason: &str) -> Result<Loaded, ProgressError> {
        let backup = self.next_backup_path();
        std::fs::rename(path, &backup).map_err(|source| ProgressError::Write {
            path: backup.clone(),
            source,
        })?;
        tracing::warn!(path = %path.display(), reason, "progress file unreadable; set aside");
        Ok(Loaded {
            progress: Progress::default(),
            warning: Some(format!(
                "Progress file could not be read ({reason}); kept as {} and started fresh.",
                backup.display()
            )),
        })
    }

    /// Writes through a temporary file in the same directory and renames it over
    /// the old file, so a crash never leaves a half-written file behind.
    pub fn save(&self, progress: &Progress) -> Result<(), ProgressError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| ProgressError::CreateDir {
            path: self.dir.clone(),
            source,
        })?;
        let body = toml::to_string_pretty(progress)?;
        let path = self.path();
        crate::files::write_atomically(&path, format!("{HEADER}{body}").as_bytes())
            .map_err(|source| ProgressError::Write { path, source })
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .unwrap_or(text)
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// `$XDG_STATE_HOME/trinetes`, else `~/.local/state/trinetes`.
pub fn state_dir() -> Result<PathBuf, ProgressError> {
    state_dir_from(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
}

/// The XDG spec says a relative `XDG_STATE_HOME` is invalid and must be ignored.
pub fn state_dir_from(
    xdg_state_home: Option<OsString>,
    home: Option<OsString>,
) -> Result<PathBuf, ProgressError> {
    if let Some(xdg) = xdg_state_home.map(PathBuf::from)
        && xdg.is_absolute()
    {
        return Ok(xdg.join("trinetes"));
    }
    match home.map(PathBuf::from) {
        Some(home) if !home.as_os_str().is_empty() => {
            Ok(home.join(".local").join("state").join("trinetes"))
        }
        _ => Err(ProgressError::NoStateDir),
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;

    fn with(lessons: &[(&str, &[(&str, RecordedOutcome)])]) -> Progress {
        let mut p = Progress::default();
        for (id, steps) in lessons {
            let entry = p.lessons.entry(id.to_string()).or_default();
            for (step, outcome) in *steps {
                entry.steps.insert(step.to_string(), *outcome);
            }
        }
        p
    }

    #[test]
    fn what_another_program_wrote_meanwhile_is_kept() {
        use RecordedOutcome::Passed;
        let base = with(&[("welcome", &[("get-nodes", Passed)])]);
        // This program ran a step of deployments and reset welcome.
        let mine = with(&[("deployments", &[("create", Passed)])]);
        // A headless run wrote replicasets meanwhile.
        let theirs = with(&[
            ("welcome", &[("get-nodes", Passed)]),
            ("replicasets", &[("create-replicaset", Passed)]),
        ]);
        let merged = mine.merged(&base, &theirs);
        let ids: Vec<&str> = merged.lessons.keys().map(String::as_str).collect();
        assert_eq!(ids, ["deployments", "replicasets"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, ProgressStore) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = ProgressStore::new(dir.path().join("trinetes"));
        (dir, store)
    }

    #[test]
    fn missing_file_is_a_fresh_start() {
        let (_dir, store) = store();
        let loaded = store.load().expect("load");
        assert_eq!(loaded.progress, Progress::default());
        assert!(loaded.warning.is_none());
    }

    #[test]
    fn statuses_follow_opening_and_completion() {
        let mut p = Progress::default();
        assert_eq!(p.status("rs"), LessonStatus::NotStarted);
        p.mark_opened("rs");
        assert_eq!(p.status("rs"), LessonStatus::Opened);
        p.mark_completed("rs");
        assert_eq!(p.status("rs"), LessonStatus::Completed);
        assert_eq!(p.status("other"), LessonStatus::NotStarted);
    }

    #[test]
    fn save_then_load_round_trips_everything() {
        let (_dir, store) = store();
        let mut p = Progress::default();
        p.mark_opened("replicasets");
        p.record_step("replicasets", "create", RecordedOutcome::Passed);
        p.record_step("replicasets", "scale", RecordedOutcome::Failed);
        p.mark_completed("labels");
        p.set_last("replicasets", 42, Some("scale"));
        store.save(&p).expect("save");

        let loaded = store.load().expect("load");
        assert!(loaded.warning.is_none());
        assert_eq!(loaded.progress, p);
        let last = loaded.progress.last.clone().expect("last position");
        assert_eq!(last.lesson, "replicasets");
        assert_eq!(last.scroll, 42);
        assert_eq!(last.step.as_deref(), Some("scale"));
        assert_eq!(
            loaded.progress.step_outcome("replicasets", "scale"),
            Some(RecordedOutcome::Failed)
        );
    }

    #[test]
    fn the_file_is_plain_readable_toml() {
        let (_dir, store) = store();
        let mut p = Progress::default();
        p.record_step("services", "expose", RecordedOutcome::Passed);
        p.set_last("services", 3, None);
        store.save(&p).expect("save");
        let text = std::fs::read_to_string(store.path()).expect("read");
        assert!(text.starts_with("# trinetes progress"), "{text}");
        assert!(text.contains("[lessons.services.steps]"), "{text}");
        assert!(text.contains("expose = \"passed\""), "{text}");
        assert!(text.contains("lesson = \"services\""), "{text}");
    }

    #[test]
    fn save_leaves_no_temporary_files_behind() {
        let (_dir, store) = store();
        store.save(&Progress::default()).expect("first save");
        store.save(&Progress::default()).expect("second save");
        let names: Vec<String> = std::fs::read_dir(store.dir())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["progress.toml".to_string()]);
    }

    #[test]
    fn corrupt_file_is_kept_as_bak_with_a_warning() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.dir()).expect("mkdir");
        std::fs::write(store.path(), "version = [unclosed").expect("write");
        let loaded = store.load().expect("load");
        assert_eq!(loaded.progress, Progress::default());
        let warning = loaded.warning.expect("a warning");
        assert!(warning.contains("progress.toml.bak"), "{warning}");
        assert!(!store.path().exists());
        assert_eq!(
            std::fs::read_to_string(store.backup_path()).expect("backup"),
            "version = [unclosed"
        );
        // The fresh start saves normally afterwards.
        store.save(&loaded.progress).expect("save");
        assert!(store.load().expect("reload").warning.is_none());
    }

    #[test]
    fn corrupt_copies_are_rotated_not_overwritten() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.dir()).expect("mkdir");
        for text in ["first = [", "second = [", "third = ["] {
            std::fs::write(store.path(), text).expect("write");
            store.load().expect("load");
        }
        let backup = |name: &str| std::fs::read_to_string(store.dir().join(name)).expect(name);
        assert_eq!(backup("progress.toml.bak"), "first = [");
        assert_eq!(backup("progress.toml.bak.1"), "second = [");
        assert_eq!(backup("progress.toml.bak.2"), "third = [");
    }

    #[test]
    fn the_warning_names_the_line() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.dir()).expect("mkdir");
        std::fs::write(store.path(), "version = 1\n\n[lessons.rs]\nopened = = 2\n").expect("write");
        let warning = store.load().expect("load").warning.expect("a warning");
        assert!(warning.contains("(line 4: "), "{warning}");
    }

    #[test]
    fn one_bad_field_keeps_the_other_lessons_and_a_copy() {
        let (_dir, store) = store();
        let mut p = Progress::default();
        p.record_step("rs", "create", RecordedOutcome::Passed);
        p.mark_completed("labels");
        store.save(&p).expect("save");
        let text = std::fs::read_to_string(store.path()).expect("read");
        let broken = text.replace("create = \"passed\"", "create = \"great\"");
        assert_ne!(broken, text);
        std::fs::write(store.path(), &broken).expect("write");

        let loaded = store.load().expect("load");
        let warning = loaded.warning.expect("a warning");
        assert!(
            warning.contains("lessons.rs.steps.create is not passed, failed or skipped"),
            "{warning}"
        );
        assert!(warning.contains("progress.toml.bak"), "{warning}");
        assert_eq!(loaded.progress.status("labels"), LessonStatus::Completed);
        assert_eq!(loaded.progress.status("rs"), LessonStatus::Opened);
        assert_eq!(loaded.progress.step_outcome("rs", "create"), None);
        assert_eq!(
            std::fs::read_to_string(store.backup_path()).expect("backup"),
            broken
        );
        assert!(store.path().exists(), "the file itself stays until saved");
    }

    #[test]
    fn non_utf8_file_is_also_set_aside() {
        let (_dir, store) = store();
        std::fs::create_dir_all(store.dir()).expect("mkdir");
        std::fs::write(store.path(), [0xff, 0xfe, 0x00]).expect("write");
        let loaded = store.load().expect("load");
        assert!(loaded.warning.is_some());
        assert!(store.backup_path().exists());
    }

    #[test]
    fn reset_lesson_and_reset_all() {
        let mut p = Progress::default();
        p.mark_completed("a");
        p.mark_opened("b");
        p.set_last("a", 5, None);
        p.reset_lesson("a");
        assert_eq!(p.status("a"), LessonStatus::NotStarted);
        assert_eq!(p.status("b"), LessonStatus::Opened);
        assert!(
            p.last.is_none(),
            "the last position pointed at the reset lesson"
        );
        p.reset_all();
        assert_eq!(p, Progress::default());
    }

    #[test]
    fn opened_keeps_the_first_time() {
        let mut p = Progress::default();
        p.mark_opened("a");
        let first = p.lessons["a"].opened;
        p.mark_opened("a");
        assert_eq!(p.lessons["a"].opened, first);
    }

    #[test]
    fn state_dir_prefers_absolute_xdg_state_home() {
        let dir = state_dir_from(Some("/x/state".into()), Some("/home/u".into())).expect("dir");
        assert_eq!(dir, PathBuf::from("/x/state/trinetes"));
        let dir = state_dir_from(Some("relative".into()), Some("/home/u".into())).expect("dir");
        assert_eq!(dir, PathBuf::from("/home/u/.local/state/trinetes"));
        let dir = state_dir_from(None, Some("/home/u".into())).expect("dir");
        assert_eq!(dir, PathBuf::from("/home/u/.local/state/trinetes"));
        assert!(matches!(
            state_dir_from(None, None),
            Err(ProgressError::NoStateDir)
        ));
    }
}
