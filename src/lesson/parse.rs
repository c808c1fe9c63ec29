//! Markdown -> `Lesson`: walks pulldown-cmark's offset iterator over the body,
//! splits it into prose, steps, step configs and HTML comments, and validates
//! everything, collecting all errors rather than stopping at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

use super::body::{Body, info_words};
use super::error::{Diagnostics, LessonError, did_you_mean};
use super::front_matter;
use super::model::{FrontMatter, Lesson, Step};
use super::profile::builtin_variable_names;
use super::toml_fields::ContentMap;
use super::vars::find_vars;

/// The info-string word that marks a code block as a step's command.
pub const STEP_MARKER: &str = "step";
/// The info string (after `toml`) of the block that configures the step above it.
pub const CONFIG_MARKER: &str = "step-config";

/// Parses and validates one lesson, checking variables against every variable the
/// built-in profiles define. `diagrams` resolves an image destination (as written)
/// to the diagram's text.
pub fn parse(
    path: &Path,
    source: &str,
    diagrams: &dyn Fn(&str) -> Option<String>,
) -> Result<Lesson, Vec<LessonError>> {
    parse_with_variables(path, source, diagrams, &builtin_variable_names())
}

/// As [`parse`], with an explicit set of known variable names.
pub fn parse_with_variables(
    path: &Path,
    source: &str,
    diagrams: &dyn Fn(&str) -> Option<String>,
    known_variables: &BTreeSet<String>,
) -> Result<Lesson, Vec<LessonError>> {
    let mut diag = Diagnostics::new(path, source);

    let (front, body_start) = match front_matter::locate(source) {
        Some(block) => (
            front_matter::parse(source, &block, &mut diag),
            block.body_start,
        ),
        None => {
            diag.at(
                0,
                "expected front matter: a first line `---`, then `key: value` lines \
                 (id, title, summary, minutes, order), then a closing `---`",
            );
            (empty_front(), 0)
        }
    };

    let (items, image_refs) = collect_items(source, body_start, &mut diag);
    let mut body = Body::default();
    for item in items {
        body.take(item, source, &mut diag);
    }
    body.finish(source, &mut diag);

    let mut diagram_texts = BTreeMap::new();
    for (dest, at) in image_refs {
        if !dest.ends_with(".txt") {
            continue;
        }
        match diagrams(&dest) {
            Some(text) => {
                diagram_texts.insert(dest, text);
            }
            None => diag.at(
                at,
                format!(
                    "diagram `{dest}` not found: expected a text file, relative to the lesson \
                     (e.g. `../assets/diagrams/NAME.txt`)"
                ),
            ),
        }
    }

    let mut variables = BTreeSet::new();
    for var in find_vars(source) {
        if known_variables.contains(var.name) {
            variables.insert(var.name.to_string());
        } else {
            diag.at(
                var.start,
                format!(
                    "unknown variable `{}`{}; the profiles define {}",
                    var.name,
                    did_you_mean(var.name, known_variables.iter().map(String::as_str)),
                    known_variables
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    diag.errors.sort_by_key(|e| (e.line, e.column));
    if diag.errors.is_empty() {
        let front_cluster = front.cluster.clone();
        Ok(Lesson {
            path: path.to_path_buf(),
            front,
            blocks: body.blocks,
            steps: body
                .steps
                .into_iter()
                .map(|s| Step {
                    cluster: front_cluster.clone(),
                    ..s
                })
                .collect(),
            notes: body.notes,
            pauses: body.pauses,
            diagrams: diagram_texts,
            variables: variables.into_iter().collect(),
        })
    } else {
        Err(diag.errors)
    }
}

fn empty_front() -> FrontMatter {
    FrontMatter {
        id: String::new(),
        title: String::new(),
        summary: String::new(),
        minutes: 0,
        backends: Vec::new(),
        order: 0,
        cluster: None,
        needs: Vec::new(),
        provides: Vec::new(),
    }
}

/// One top-level piece of the body.
pub(super) enum Item {
    Prose(Range<usize>),
    Code {
        range: Range<usize>,
        info: String,
        text: String,
        map: ContentMap,
    },
    Html {
        range: Range<usize>,
        text: String,
    },
}

type ImageRef = (String, usize);

fn collect_items(
    source: &str,
    body_start: usize,
    diag: &mut Diagnostics,
) -> (Vec<Item>, Vec<ImageRef>) {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut items = Vec::new();
    let mut images = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<Item> = None;
    let parser = Parser::new_ext(&source[body_start..], options).into_offset_iter();
    for (event, range) in parser {
        let range = range.start + body_start..range.end + body_start;
        match event {
            Event::Start(tag) => {
                if let Tag::Image { dest_url, .. } = &tag {
                    images.push((dest_url.to_string(), range.start));
                }
                if depth == 0 {
                    current = Some(match &tag {
                        Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Item::Code {
                            info: info.to_string(),
                            text: String::new(),
                            map: ContentMap::new(range.start),
                            range,
                        },
                        Tag::HtmlBlock => Item::Html {
                            range,
                            text: String::new(),
                        },
                        _ => Item::Prose(range),
                    });
                } else if let Tag::CodeBlock(CodeBlockKind::Fenced(info)) = &tag
                    && info_words(info).iter().any(|(w, _)| *w == STEP_MARKER)
                {
                    diag.at(
                        range.start,
                        "a step must be a top-level code block, not inside a list or a quote",
                    );
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(item) = current.take()
                {
                    items.push(item);
                }
            }
            Event::Text(text) => {
                if depth == 1
                    && let Some(Item::Code { text: buf, map, .. }) = current.as_mut()
                {
                    map.push(buf.len(), range.start);
                    buf.push_str(&text);
                }
            }
            Event::Html(text) => {
                if let Some(Item::Html { text: buf, .. }) = current.as_mut() {
                    buf.push_str(&text);
                }
            }
            _ if depth == 0 => items.push(Item::Prose(range)),
            _ => {}
        }
    }
    (items, images)
}
