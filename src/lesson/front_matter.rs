//! The front matter: a `---` block of flat `key: value` lines at the top of a
//! lesson. It is a strict subset of YAML, so GitHub shows it as a table; it is
//! read by hand so that every error points at the exact key or value.

use std::collections::BTreeMap;

use super::error::{Diagnostics, did_you_mean, one_of};
use super::model::{BackendKind, FrontMatter, Span};

pub const KEYS: [&str; 9] = [
    "id", "title", "summary", "minutes", "backends", "order", "cluster", "needs", "provides",
];
/// The clusters a lesson may name: the practice cluster, or the EKS cluster
/// the profile names.
pub const CLUSTERS: [&str; 2] = ["practice", "eks"];
const REQUIRED: [&str; 5] = ["id", "title", "summary", "minutes", "order"];

/// Where the front matter sits: `content` is the byte range between the fences,
/// `body_start` where the markdown after the closing fence begins.
pub struct FrontBlock {
    pub content: std::ops::Range<usize>,
    pub body_start: usize,
}

/// Finds the front matter if the file opens with a `---` line.
pub fn locate(source: &str) -> Option<FrontBlock> {
    let first_end = source.find('\n')?;
    if source[..first_end].trim_end() != "---" {
        return None;
    }
    let content_start = first_end + 1;
    let mut line_start = content_start;
    while line_start <= source.len() {
        let line_end = source[line_start..]
            .find('\n')
            .map_or(source.len(), |i| line_start + i);
        let line = source[line_start..line_end].trim_end();
        if line == "---" || line == "..." {
            return Some(FrontBlock {
                content: content_start..line_start,
                body_start: (line_end + 1).min(source.len()),
            });
        }
        if line_end == source.len() {
            break;
        }
        line_start = line_end + 1;
    }
    None
}

/// A scalar or a flow list, with the byte offset of each value.
enum Raw {
    Scalar(String, usize),
    List(Vec<(String, usize)>, usize),
}

impl Raw {
    fn offset(&self) -> usize {
        match self {
            Raw::Scalar(_, at) | Raw::List(_, at) => *at,
        }
    }
}

/// Parses the front matter, recording every problem in `diag`. Missing or broken
/// values are reported and replaced by neutral defaults so parsing can go on.
pub fn parse(source: &str, block: &FrontBlock, diag: &mut Diagnostics) -> FrontMatter {
    let mut values: BTreeMap<&'static str, Raw> = BTreeMap::new();
    let mut broken: Vec<&'static str> = Vec::new();
    let mut offset = block.content.start;
    for line in source[block.content.clone()].split_inclusive('\n') {
        let line_offset = offset;
        offset += line.len();
        let text = line.trim_end();
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = text.len() - trimmed.len();
        let key_at = line_offset + indent;
        let Some(colon) = trimmed.find(':') else {
            diag.at(
                key_at,
                "expected `key: value` in the front matter (nested YAML is not supported)",
            );
            continue;
        };
        let key = trimmed[..colon].trim_end();
        let after = &trimmed[colon + 1..];
        let value_text = after.trim_start();
        let value_at = key_at + colon + 1 + (after.len() - value_text.len());
        let Some(known) = KEYS.iter().find(|k| **k == key) else {
            diag.at(
                key_at,
                format!(
                    "unknown front matter key `{key}`{}; expected one of {}",
                    did_you_mean(key, KEYS),
                    one_of(&KEYS)
                ),
            );
            continue;
        };
        if values.contains_key(known) {
            diag.at(
                key_at,
                format!("`{key}` is given twice in the front matter"),
            );
            continue;
        }
        match parse_value(value_text, value_at) {
            Ok(raw) => {
                values.insert(known, raw);
            }
            Err((at, message)) => {
                // Reported once here; not again as "missing".
                broken.push(*known);
                diag.at(at, message);
            }
        }
    }

    let fence_at = 0;
    for key in REQUIRED {
        if !values.contains_key(key) && !broken.contains(&key) {
            diag.at(
                fence_at,
                format!("the front matter is missing `{key}` (expected a line `{key}: ...`)"),
            );
        }
    }

    let text = |key: &str, diag: &mut Diagnostics| match values.get(key) {
        Some(Raw::Scalar(s, at)) => {
            if s.is_empty() {
                diag.at(*at, format!("`{key}` is empty; expected some text"));
            }
            s.clone()
        }
        Some(Raw::List(_, at)) => {
            diag.at(*at, format!("`{key}` must be text, not a list"));
            String::new()
        }
        None => String::new(),
    };
    let id = text("id", diag);
    if !id.is_empty() && !is_identifier(&id) {
        let at = values.get("id").map_or(0, Raw::offset);
        diag.at(
            at,
            format!("lesson id `{id}`: expected lower-case letters, digits and `-`"),
        );
    }
    let title = text("title", diag);
    let summary = text("summary", diag);
    let minutes = integer(values.get("minutes"), "minutes", diag).unwrap_or(0);
    let minutes = u32::try_from(minutes).unwrap_or_else(|_| {
        let at = values.get("minutes").map_or(0, Raw::offset);
        diag.at(at, "`minutes` must be a whole number of minutes, 0 or more");
        0
    });
    let order = integer(values.get("order"), "order", diag).unwrap_or(0);
    let order = i32::try_from(order).unwrap_or_else(|_| {
        let at = values.get("order").map_or(0, Raw::offset);
        diag.at(at, "`order` is out of range");
        0
    });
    let backends = match values.get("backends") {
        None => Vec::new(),
        Some(Raw::Scalar(s, at)) => parse_backends(&[(s.clone(), *at)], diag),
        Some(Raw::List(items, _)) => parse_backends(items, diag),
    };
    let cluster = match values.get("cluster") {
        None => None,
        Some(Raw::Scalar(name, at)) if !CLUSTERS.contains(&name.as_str()) => {
            diag.at(
                *at,
                format!("unknown cluster `{name}`: expected {}", one_of(&CLUSTERS)),
            );
            None
        }
        Some(Raw::Scalar(name, _)) => Some(name.clone()),
        Some(raw @ Raw::List(..)) => {
            diag.at(raw.offset(), "`cluster` takes one name, not a list");
            None
        }
    };
    let needs = names(values.get("needs"), "needs", diag);
    let provides = names(values.get("provides"), "provides", diag);
    for (need, at) in &needs {
        if provides.iter().any(|(p, _)| p == need) {
            diag.at(
                *at,
                format!("`{need}` is both needed and provided by this lesson; a lesson cannot need what it makes itself"),
            );
        }
    }
    FrontMatter {
        id,
        title,
        summary,
        minutes,
        backends,
        order,
        cluster,
        needs: needs.into_iter().map(|(n, _)| n).collect(),
        provides: provides.into_iter().map(|(n, _)| n).collect(),
    }
}

/// The names of `needs` or `provides` (a list, or one name), with their
/// offsets; each must look like an id and appear once.
fn names(raw: Option<&Raw>, key: &str, diag: &mut Diagnostics) -> Vec<(String, usize)> {
    let items = match raw {
        None => return Vec::new(),
        Some(Raw::Scalar(s, at)) => vec![(s.clone(), *at)],
        Some(Raw::List(items, _)) => items.clone(),
    };
    let mut out: Vec<(String, usize)> = Vec::new();
    for (name, at) in items {
        if !is_identifier(&name) {
            diag.at(
                at,
                format!("`{key}` entry `{name}`: expected lower-case letters, digits and `-`, e.g. `eks-cluster`"),
            );
        } else if out.iter().any(|(n, _)| *n == name) {
            diag.at(at, format!("`{name}` is listed twice in `{key}`"));
        } else {
            out.push((name, at));
        }
    }
    out
}

/// Position of the `id` value in a lesson's front matter (1:1 if there is none).
pub fn id_position(source: &str) -> Span {
    key_position(source, "id")
}

/// Position of a front matter key's value (1:1 if the key is not there).
pub fn key_position(source: &str, key: &str) -> Span {
    let Some(block) = locate(source) else {
        return Span { line: 1, column: 1 };
    };
    for (i, line) in source[block.content].split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let column = key.len() + 2 + rest.len() - rest.trim_start().len();
            return Span {
                line: i + 2,
                column,
            };
        }
    }
    Span { line: 1, column: 1 }
}

pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn integer(raw: Option<&Raw>, key: &str, diag: &mut Diagnostics) -> Option<i64> {
    match raw? {
        Raw::Scalar(s, at) => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                diag.at(*at, format!("`{key}` must be a whole number, found `{s}`"));
                None
            }
        },
        Raw::List(_, at) => {
            diag.at(*at, format!("`{key}` must be a whole number, not a list"));
            None
        }
    }
}

/// Backend names with their offsets -> kinds; unknown names are reported.
pub fn parse_backends(items: &[(String, usize)], diag: &mut Diagnostics) -> Vec<BackendKind> {
    let names: Vec<&str> = BackendKind::ALL.iter().map(|b| b.name()).collect();
    let mut out = Vec::new();
    for (name, at) in items {
        match BackendKind::parse(name) {
            Some(kind) if !out.contains(&kind) => out.push(kind),
            Some(_) => diag.at(*at, format!("backend `{name}` is listed twice")),
            None => diag.at(
                *at,
                format!(
                    "unknown backend `{name}`{}; expected {}",
                    did_you_mean(name, names.iter().copied()),
                    one_of(&names)
                ),
            ),
        }
    }
    out
}

fn parse_value(text: &str, at: usize) -> Result<Raw, (usize, String)> {
    if let Some(inner) = text.strip_prefix('[') {
        let Some(close) = inner.rfind(']') else {
            return Err((
                at,
                "a list must end with `]`, e.g. `[dry-run, live]`".into(),
            ));
        };
        let mut items = Vec::new();
        let mut item_at = at + 1;
        for part in inner[..close].split(',') {
            let item = part.trim();
            let lead = part.len() - part.trim_start().len();
            if !item.is_empty() {
                let (value, _) = unquote(item, item_at + lead)?;
                items.push((value, item_at + lead));
            }
            item_at += part.len() + 1;
        }
        return Ok(Raw::List(items, at));
    }
    let (value, _) = unquote(text, at)?;
    Ok(Raw::Scalar(value, at))
}

/// A plain, 'single' or "double" quoted YAML scalar.
fn unquote(text: &str, at: usize) -> Result<(String, usize), (usize, String)> {
    let quote = text.chars().next();
    match quote {
        Some(q @ ('"' | '\'')) => {
            let body = &text[1..];
            let mut out = String::new();
            let mut chars = body.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c == '\'' && q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    // YAML writes a quote inside single quotes as two.
                    chars.next();
                    out.push('\'');
                    continue;
                }
                if c == q {
                    let rest = body[i + 1..].trim();
                    if !rest.is_empty() && !rest.starts_with('#') {
                        return Err((
                            at + 1 + i + 1,
                            "unexpected text after the closing quote".into(),
                        ));
                    }
                    return Ok((out, at));
                }
                if c == '\\' && q == '"' {
                    match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, other)) => out.push(other),
                        None => break,
                    }
                } else {
                    out.push(c);
                }
            }
            Err((at, format!("missing closing {q}")))
        }
        _ => {
            // A ` #` starts a comment in plain YAML scalars.
            let plain = text.find(" #").map_or(text, |i| &text[..i]).trim_end();
            if let Some(i) = plain.find(": ") {
                // YAML (and so GitHub's front matter table) would read a nested map.
                return Err((
                    at + i,
                    "a value containing `: ` must be quoted, e.g. `title: \"Demo: EKS\"`".into(),
                ));
            }
            Ok((plain.to_string(), at))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn front(text: &str) -> (FrontMatter, Vec<String>) {
        let source = format!("---\n{text}---\nbody\n");
        let block = locate(&source).expect("front matter found");
        assert_eq!(&source[block.body_start..], "body\n");
        let mut diag = Diagnostics::new(Path::new("f.md"), &source);
        let fm = parse(&source, &block, &mut diag);
        (fm, diag.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn quoted_commented_and_list_values() {
        let (fm, errors) = front(
            "# a comment\nid: x-1\ntitle: 'It''s: quoted'\nsummary: \"Say \\\"hi\\\"\" # trailing\n\
             minutes: 3 # about\norder: -2\nbackends: live\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.id, "x-1");
        assert_eq!(fm.title, "It's: quoted");
        assert_eq!(fm.summary, "Say \"hi\"");
        assert_eq!(fm.minutes, 3);
        assert_eq!(fm.order, -2);
        assert_eq!(fm.backends, [BackendKind::Live]);
    }

    #[test]
    fn bad_values_are_reported_once_each() {
        let (_, errors) = front(
            "id: Not_Valid\ntitle: t\nsummary: s\nminutes: -1\norder: 1\nbackends: [live, live]\nid: again\n",
        );
        assert_eq!(errors.len(), 4, "{errors:#?}");
        assert!(
            errors[0].starts_with("f.md:8:1: `id` is given twice"),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("f.md:2:5: lesson id `Not_Valid`"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("f.md:5:10: `minutes` must be"))
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("f.md:7:18: backend `live` is listed twice"))
        );
    }

    #[test]
    fn no_front_matter_without_an_opening_fence() {
        assert!(locate("# Title\n---\n").is_none());
        assert!(
            locate("---\nid: x\n").is_none(),
            "an unclosed block is not front matter"
        );
    }
}
