//! Finding lessons: the built-in set, or every `*.md` in a folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::embedded;
use super::error::LessonError;
use super::front_matter::{id_position, key_position};
use super::model::{Lesson, Span};
use super::needs::{self, Placed};
use super::parse::parse;

/// A parsed lesson with the positions that folder-wide checks point at.
struct Located {
    lesson: Lesson,
    id_at: Span,
    needs_at: Span,
    provides_at: Span,
}

impl Located {
    fn new(lesson: Lesson, source: &str) -> Self {
        Located {
            lesson,
            id_at: id_position(source),
            needs_at: key_position(source, "needs"),
            provides_at: key_position(source, "provides"),
        }
    }
}

/// The built-in lessons, parsed and validated, sorted by `order`.
pub fn builtin_checked() -> Result<Vec<Lesson>, Vec<LessonError>> {
    let mut lessons = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in embedded::LESSONS {
        let path = Path::new("lessons").join(name);
        match parse(&path, text, &|dest| {
            embedded::diagram(dest).map(str::to_string)
        }) {
            Ok(lesson) => lessons.push(Located::new(lesson, text)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    check_folder(&lessons, &mut errors);
    if errors.is_empty() {
        let mut lessons: Vec<Lesson> = lessons.into_iter().map(|l| l.lesson).collect();
        sort(&mut lessons);
        Ok(lessons)
    } else {
        Err(errors)
    }
}

/// The built-in lessons, sorted by `order`. A test makes sure they all validate;
/// should one ever fail, it is left out (and logged) rather than taking the rest down.
pub fn builtin() -> Vec<Lesson> {
    match builtin_checked() {
        Ok(lessons) => lessons,
        Err(errors) => {
            for e in &errors {
                tracing::error!("built-in lesson invalid: {e}");
            }
            let mut lessons: Vec<Lesson> = embedded::LESSONS
                .iter()
                .filter_map(|(name, text)| {
                    let path = Path::new("lessons").join(name);
                    parse(&path, text, &|dest| {
                        embedded::diagram(dest).map(str::to_string)
                    })
                    .ok()
                })
                .collect();
            sort(&mut lessons);
            lessons
        }
    }
}

/// Every `*.md` lesson in `dir` (README.md excluded), sorted by `order`. Diagrams
/// are read relative to the lesson file; a diagram that is not there but has the
/// name of a built-in one (`.../assets/diagrams/NAME.txt`) falls back to it, so a
/// copied lessons folder keeps its pictures.
pub fn load_dir(dir: &Path) -> Result<Vec<Lesson>, Vec<LessonError>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![LessonError::whole(
            dir,
            format!("cannot read the lessons folder: {e}; expected a folder of *.md lessons"),
        )]
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().eq_ignore_ascii_case("README.md"))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(vec![LessonError::whole(
            dir,
            "no lessons here: expected *.md lesson files (README.md is not a lesson)",
        )]);
    }
    let mut lessons = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        let source = match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                errors.push(LessonError::whole(&file, format!("cannot read: {e}")));
                continue;
            }
        };
        let base = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let resolve = |dest: &str| -> Option<String> {
            std::fs::read_to_string(base.join(dest))
                .ok()
                .or_else(|| builtin_fallback(dest))
        };
        match parse(&file, &source, &resolve) {
            Ok(lesson) => lessons.push(Located::new(lesson, &source)),
            Err(mut e) => errors.append(&mut e),
        }
    }
    check_folder(&lessons, &mut errors);
    if errors.is_empty() {
        let mut lessons: Vec<Lesson> = lessons.into_iter().map(|l| l.lesson).collect();
        sort(&mut lessons);
        Ok(lessons)
    } else {
        Err(errors)
    }
}

fn builtin_fallback(dest: &str) -> Option<String> {
    let parent = dest.rsplit('/').nth(1)?;
    let grandparent = dest.rsplit('/').nth(2)?;
    (parent == "diagrams" && grandparent == "assets")
        .then(|| embedded::diagram(dest).map(str::to_string))
        .flatten()
}

/// What holds across the lessons of a folder: unique ids, and needs that
/// some lesson provides.
fn check_folder(lessons: &[Located], errors: &mut Vec<LessonError>) {
    check_unique_ids(lessons, errors);
    let placed: Vec<Placed<'_>> = lessons
        .iter()
        .map(|l| Placed {
            lesson: &l.lesson,
            needs_at: l.needs_at,
            provides_at: l.provides_at,
        })
        .collect();
    needs::validate(&placed, errors);
}

/// Lesson ids must be unique.
fn check_unique_ids(lessons: &[Located], errors: &mut Vec<LessonError>) {
    let mut seen: BTreeMap<&str, &Lesson> = BTreeMap::new();
    for Located { lesson, id_at, .. } in lessons {
        match seen.get(lesson.front.id.as_str()) {
            Some(first) => errors.push(LessonError::new(
                &lesson.path,
                *id_at,
                format!(
                    "duplicate lesson id `{}`: {} already uses it; expected ids unique across lessons",
                    lesson.front.id,
                    first.path.display()
                ),
            )),
            None => {
                seen.insert(&lesson.front.id, lesson);
            }
        }
    }
}

fn sort(lessons: &mut [Lesson]) {
    lessons.sort_by(|a, b| (a.front.order, &a.front.id).cmp(&(b.front.order, &b.front.id)));
}
