//! Reads a progress table field by field, so that one value that does not
//! fit (a hand edit, a file from another version) loses only itself: the
//! field, the step or the lesson, never every lesson.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use toml::{Table, Value};

use super::{LastPosition, LessonProgress, Progress};

/// The progress in `table` (parsed from `text`); what had to be dropped is
/// added to `dropped`, each with the line it was on.
pub fn progress(mut table: Table, text: &str, dropped: &mut Vec<String>) -> Progress {
    let mut progress = Progress::default();
    let mut drop = |path: &[&str], why: &str| {
        dropped.push(format!(
            "line {}: {} {why}",
            line_of(text, path),
            path.join(".")
        ));
    };
    if let Some(version) = table.remove("version") {
        match typed::<u32>(version) {
            Some(v) => progress.version = v,
            None => drop(&["version"], "is not a whole number"),
        }
    }
    if let Some(last) = table.remove("last") {
        progress.last = typed::<LastPosition>(last);
        if progress.last.is_none() {
            drop(&["last"], "is not a lesson position");
        }
    }
    let lessons = match table.remove("lessons") {
        None => Table::new(),
        Some(Value::Table(lessons)) => lessons,
        Some(_) => {
            drop(&["lessons"], "is not a table of lessons");
            Table::new()
        }
    };
    for (id, value) in lessons {
        let Value::Table(mut fields) = value else {
            drop(&["lessons", &id], "is not a table");
            continue;
        };
        let mut lesson = LessonProgress::default();
        for (key, slot) in [
            ("opened", &mut lesson.opened),
            ("completed", &mut lesson.completed),
        ] {
            if let Some(value) = fields.remove(key) {
                *slot = typed::<jiff::Timestamp>(value);
                if slot.is_none() {
                    drop(&["lessons", &id, key], "is not a time");
                }
            }
        }
        match fields.remove("steps") {
            None => {}
            Some(Value::Table(steps)) => {
                let mut kept = BTreeMap::new();
                for (step, outcome) in steps {
                    match typed(outcome) {
                        Some(outcome) => {
                            kept.insert(step, outcome);
                        }
                        None => drop(
                            &["lessons", &id, "steps", &step],
                            "is not passed, failed or skipped",
                        ),
                    }
                }
                lesson.steps = kept;
            }
            Some(_) => drop(&["lessons", &id, "steps"], "is not a table of steps"),
        }
        progress.lessons.insert(id, lesson);
    }
    progress
}

fn typed<T: DeserializeOwned>(value: Value) -> Option<T> {
    value.try_into().ok()
}

/// The line where the last key of `path` is written: after the line that
/// opens its table (`[lessons.rs]`, `[lessons.rs.steps]`), or anywhere when
/// no such line is found. 1 when the key cannot be found at all.
fn line_of(text: &str, path: &[&str]) -> usize {
    let Some((key, tables)) = path.split_last() else {
        return 1;
    };
    let lines: Vec<&str> = text.lines().collect();
    // The deepest table header the key can sit under, as it is written.
    let start = (1..=tables.len())
        .rev()
        .find_map(|n| {
            let header = format!("[{}]", tables[..n].join("."));
            lines.iter().position(|l| l.trim() == header)
        })
        .map_or(0, |i| i + 1);
    let is_key = |line: &&str| {
        let line = line.trim_start();
        line.strip_prefix(key)
            .or_else(|| line.strip_prefix(&format!("\"{key}\"")))
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    lines
        .iter()
        .skip(start)
        .position(is_key)
        .map(|i| start + i + 1)
        .or_else(|| {
            lines
                .iter()
                .position(|l| l.trim() == format!("[{}]", path.join(".")))
                .map(|i| i + 1)
        })
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(text: &str) -> (Progress, Vec<String>) {
        let table: Table = toml::from_str(text).expect("valid TOML");
        let mut dropped = Vec::new();
        (progress(table, text, &mut dropped), dropped)
    }

    #[test]
    fn one_bad_step_loses_only_that_step() {
        let text = "version = 1\n\n[lessons.rs]\nopened = \"2026-01-02T03:04:05Z\"\n\n[lessons.rs.steps]\ncreate = \"passed\"\nscale = \"maybe\"\n\n[lessons.labels.steps]\nlabel = \"failed\"\n";
        let (p, dropped) = decode(text);
        assert_eq!(
            dropped,
            vec!["line 8: lessons.rs.steps.scale is not passed, failed or skipped"]
        );
        assert_eq!(p.lessons["rs"].steps.len(), 1);
        assert!(p.lessons["rs"].opened.is_some());
        assert_eq!(
            p.step_outcome("labels", "label"),
            Some(super::super::RecordedOutcome::Failed)
        );
    }

    #[test]
    fn a_bad_field_or_lesson_loses_only_itself() {
        let text = "version = \"one\"\n\n[last]\nscroll = 3\n\n[lessons]\nbroken = 7\n\n[lessons.rs]\ncompleted = \"yesterday\"\nopened = \"2026-01-02T03:04:05Z\"\n";
        let (p, dropped) = decode(text);
        assert_eq!(
            dropped,
            vec![
                "line 1: version is not a whole number",
                "line 3: last is not a lesson position",
                "line 7: lessons.broken is not a table",
                "line 10: lessons.rs.completed is not a time",
            ]
        );
        assert_eq!(p.version, 1);
        assert!(p.last.is_none());
        assert!(!p.lessons.contains_key("broken"));
        assert!(p.lessons["rs"].opened.is_some() && p.lessons["rs"].completed.is_none());
    }

    #[test]
    fn a_saved_file_decodes_without_loss() {
        let mut p = Progress::default();
        p.mark_completed("rs");
        p.record_step("rs", "create", super::super::RecordedOutcome::Skipped);
        p.set_last("rs", 4, Some("create"));
        let text = toml::to_string_pretty(&p).expect("encodes");
        let (back, dropped) = decode(&text);
        assert!(dropped.is_empty(), "{dropped:?}");
        assert_eq!(back, p);
    }
}
