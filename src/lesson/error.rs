//! Lesson errors with their `file:line:column`, and the collector that turns
//! byte offsets into positions so that validation can report every error at once.

use std::fmt;
use std::path::{Path, PathBuf};

use super::model::Span;

/// One problem in a lesson file. Displays as `file:line:column: message`,
/// or `path: message` for a problem with a whole file or folder (line 0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LessonError {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file.display(), self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl LessonError {
    pub fn new(file: &Path, span: Span, message: impl Into<String>) -> Self {
        LessonError {
            file: file.to_path_buf(),
            line: span.line,
            column: span.column,
            message: message.into(),
        }
    }

    /// A problem with a whole file or folder, which has no position.
    pub fn whole(path: &Path, message: impl Into<String>) -> Self {
        LessonError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            message: message.into(),
        }
    }
}

/// Byte offset -> 1-based line and column (in characters) for one source text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { line_starts }
    }

    pub fn span(&self, source: &str, offset: usize) -> Span {
        let offset = offset.min(source.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        // Columns count characters; an offset inside a character counts as that character.
        let column = source
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        Span { line, column }
    }
}

/// Collects every error found in one lesson file.
pub struct Diagnostics<'s> {
    pub path: PathBuf,
    source: &'s str,
    index: LineIndex,
    pub errors: Vec<LessonError>,
}

impl<'s> Diagnostics<'s> {
    pub fn new(path: &Path, source: &'s str) -> Self {
        Diagnostics {
            path: path.to_path_buf(),
            source,
            index: LineIndex::new(source),
            errors: Vec::new(),
        }
    }

    pub fn span(&self, offset: usize) -> Span {
        self.index.span(self.source, offset)
    }

    /// Records an error at a byte offset of the lesson source.
    pub fn at(&mut self, offset: usize, message: impl Into<String>) {
        let span = self.span(offset);
        self.errors
            .push(LessonError::new(&self.path, span, message));
    }
}

/// " (did you mean `x`?)" when a known name is close to what was written.
pub fn did_you_mean<'a>(written: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    let best = known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(written, k), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, k)) => format!(" (did you mean `{k}`?)"),
        None => String::new(),
    }
}

/// "`a`, `b` or `c`", for "expected one of" messages.
pub fn one_of(known: &[&str]) -> String {
    let quoted: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_one_based_lines_and_character_columns() {
        let src = "ab\ncdé f\n\nx";
        let index = LineIndex::new(src);
        assert_eq!(index.span(src, 0), Span { line: 1, column: 1 });
        assert_eq!(index.span(src, 3), Span { line: 2, column: 1 });
        // 'é' is two bytes: the space after it is the 4th character.
        assert_eq!(index.span(src, 7), Span { line: 2, column: 4 });
        assert_eq!(index.span(src, 11), Span { line: 4, column: 1 });
    }

    #[test]
    fn suggestions_only_for_close_names() {
        assert_eq!(
            did_you_mean("timout", ["title", "timeout"]),
            " (did you mean `timeout`?)"
        );
        assert_eq!(did_you_mean("zzz", ["title", "timeout"]), "");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
