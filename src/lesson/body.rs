//! Assembling the body: prose stretches, steps with their config blocks, and
//! speaker notes, in reading order.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use super::error::{Diagnostics, LessonError, did_you_mean};
use super::front_matter::is_identifier;
use super::model::{Block, Span, SpeakerNote, Step};
use super::parse::{CONFIG_MARKER, Item, STEP_MARKER};
use super::step_config;

const STEP_ATTRIBUTES: [&str; 1] = ["id"];

/// Whitespace-separated words with their byte offsets in `s`.
pub(super) fn info_words(s: &str) -> Vec<(&str, usize)> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                words.push((&s[st..i], st));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        words.push((&s[st..], st));
    }
    words
}

/// Source offset of a fenced block's info string (after indentation and fence).
fn info_offset(source: &str, block_start: usize) -> usize {
    let line = &source[block_start..];
    let indent = line.len() - line.trim_start_matches(' ').len();
    let after_indent = &line[indent..];
    let fence = after_indent.len() - after_indent.trim_start_matches(['`', '~']).len();
    let after_fence = &after_indent[fence..];
    let spaces = after_fence.len() - after_fence.trim_start_matches([' ', '\t']).len();
    block_start + indent + fence + spaces
}

#[derive(Default)]
pub(super) struct Body {
    pub(super) blocks: Vec<Block>,
    pub(super) steps: Vec<Step>,
    pub(super) notes: Vec<SpeakerNote>,
    pub(super) pauses: Vec<Span>,
    prose: Option<Range<usize>>,
    /// The step whose command was just read and whose config must come next.
    awaiting_config: Option<usize>,
    /// Step id -> offset of its first definition.
    ids: BTreeMap<String, usize>,
}

impl Body {
    pub(super) fn take(&mut self, item: Item, source: &str, diag: &mut Diagnostics) {
        match item {
            Item::Code {
                range,
                info,
                text,
                map,
            } => {
                let words = info_words(&info);
                let is_config = words.first().map(|w| w.0) == Some("toml")
                    && words.get(1).map(|w| w.0) == Some(CONFIG_MARKER);
                if is_config {
                    self.flush_prose(source, diag);
                    match self.awaiting_config.take() {
                        Some(i) => step_config::apply(&mut self.steps[i], &text, &map, diag),
                        None => diag.at(
                            range.start,
                            "a `toml step-config` block must come right after a step's command \
                             block (```sh step id=...)",
                        ),
                    }
                } else if words.iter().any(|(w, _)| *w == STEP_MARKER) {
                    self.expect_no_pending_config(diag);
                    self.flush_prose(source, diag);
                    let info_at = info_offset(source, range.start);
                    self.start_step(&words, info_at, &text, range.start, diag);
                } else {
                    self.expect_no_pending_config(diag);
                    self.extend_prose(range);
                }
            }
            Item::Html { range, text } => {
                self.expect_no_pending_config(diag);
                let trimmed = text.trim();
                if let Some(inner) = trimmed.strip_prefix("<!--") {
                    self.flush_prose(source, diag);
                    let inner = inner.trim_end().trim_end_matches("-->").trim();
                    if let Some(note) = inner.strip_prefix("notes:") {
                        self.notes.push(SpeakerNote {
                            text: dedent(note),
                            span: diag.span(range.start),
                        });
                    } else if inner == "pause" {
                        self.pauses.push(diag.span(range.start));
                    }
                } else {
                    self.extend_prose(range);
                }
            }
            Item::Prose(range) => {
                self.expect_no_pending_config(diag);
                self.extend_prose(range);
            }
        }
    }

    pub(super) fn finish(&mut self, source: &str, diag: &mut Diagnostics) {
        self.expect_no_pending_config(diag);
        self.flush_prose(source, diag);
    }

    fn extend_prose(&mut self, range: Range<usize>) {
        self.prose = Some(match self.prose.take() {
            Some(open) => open.start..range.end,
            None => range,
        });
    }

    fn flush_prose(&mut self, source: &str, diag: &mut Diagnostics) {
        if let Some(range) = self.prose.take() {
            let text = source[range.clone()].trim_end();
            if !text.trim().is_empty() {
                self.blocks.push(Block::Markdown {
                    source: text.to_string(),
                    span: diag.span(range.start),
                });
            }
        }
    }

    fn expect_no_pending_config(&mut self, diag: &mut Diagnostics) {
        if let Some(i) = self.awaiting_config.take() {
            let step = &self.steps[i];
            let message = format!(
                "step `{}` has no step-config: expected a ```toml step-config block right \
                 after its command (with at least `title` and `timeout`)",
                step.id
            );
            let error = LessonError::new(&diag.path, step.span, message);
            diag.errors.push(error);
        }
    }

    fn start_step(
        &mut self,
        words: &[(&str, usize)],
        info_at: usize,
        command: &str,
        block_at: usize,
        diag: &mut Diagnostics,
    ) {
        if words.first().map(|w| w.0) == Some(STEP_MARKER) {
            diag.at(
                info_at,
                "expected a language before `step` (e.g. ```sh step id=...), so that the \
                 command reads as an ordinary code block",
            );
        }
        let mut id: Option<(String, usize)> = None;
        for (word, at) in words.iter().skip(1) {
            let at = info_at + at;
            if *word == STEP_MARKER {
                continue;
            }
            let Some((key, value)) = word.split_once('=') else {
                diag.at(
                    at,
                    format!("expected `key=value` after `step`, found `{word}`"),
                );
                continue;
            };
            if key == "id" {
                id = Some((value.to_string(), at + key.len() + 1));
            } else {
                diag.at(
                    at,
                    format!(
                        "unknown step attribute `{key}`{}; expected `id=...` (everything else \
                         goes in the step-config block)",
                        did_you_mean(key, STEP_ATTRIBUTES)
                    ),
                );
            }
        }
        let id = match id {
            Some((value, at)) => {
                if !is_identifier(&value) {
                    diag.at(
                        at,
                        format!("step id `{value}`: expected lower-case letters, digits and `-`"),
                    );
                }
                if let Some(first) = self.ids.get(&value) {
                    let first_line = diag.span(*first).line;
                    diag.at(
                        at,
                        format!(
                            "duplicate step id `{value}`: it is already used on line \
                             {first_line}; expected ids unique within the lesson"
                        ),
                    );
                } else {
                    self.ids.insert(value.clone(), at);
                }
                value
            }
            None => {
                let marker_at = words
                    .iter()
                    .find(|(w, _)| *w == STEP_MARKER)
                    .map_or(info_at, |(_, at)| info_at + at);
                diag.at(
                    marker_at,
                    "a step needs an id: expected `step id=some-name` in the info string",
                );
                String::new()
            }
        };
        let command = command.trim_end_matches('\n').to_string();
        if command.trim().is_empty() {
            diag.at(block_at, format!("step `{id}` has an empty command"));
        }
        self.steps.push(Step {
            id,
            title: String::new(),
            command,
            episode_command: None,
            episode_why: None,
            timeout: Duration::ZERO,
            billable: false,
            interactive: false,
            background: false,
            backends: Vec::new(),
            profiles: Vec::new(),
            skip_reason: None,
            skipped_on_profile: None,
            checks: Vec::new(),
            hints: Vec::new(),
            span: diag.span(block_at),
            cluster: None,
        });
        self.blocks.push(Block::Step(self.steps.len() - 1));
        self.awaiting_config = Some(self.steps.len() - 1);
    }
}

/// Removes the indentation common to all non-blank lines and trims the ends.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines = text.lines();
    let mut out: Vec<&str> = Vec::new();
    if let Some(first) = lines.next() {
        out.push(first.trim());
    }
    out.extend(lines.map(|l| l.get(indent..).unwrap_or(l.trim_start()).trim_end()));
    out.join("\n").trim().to_string()
}
