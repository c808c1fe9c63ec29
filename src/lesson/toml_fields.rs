//! Typed reading of one TOML table inside a lesson's code block, with every
//! problem reported at its position in the lesson file.

use std::ops::Range;
use std::time::Duration;

use toml_edit::{Item, Table, Value};

use super::duration::{EXPECTED as DURATION_EXPECTED, parse_duration};
use super::error::{Diagnostics, did_you_mean, one_of};

/// Maps offsets inside a code block's text to offsets in the lesson source.
#[derive(Debug, Clone, Default)]
pub struct ContentMap {
    /// (offset in the block's text, offset in the source), one per text piece.
    pieces: Vec<(usize, usize)>,
    /// Where to point when nothing better is known: the opening fence.
    pub fallback: usize,
}

impl ContentMap {
    pub fn new(fallback: usize) -> Self {
        ContentMap {
            pieces: Vec::new(),
            fallback,
        }
    }

    pub fn push(&mut self, content_offset: usize, source_offset: usize) {
        self.pieces.push((content_offset, source_offset));
    }

    pub fn source(&self, content_offset: usize) -> usize {
        let i = self.pieces.partition_point(|(c, _)| *c <= content_offset);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some((c, s)) => s + (content_offset - c),
            None => self.fallback,
        }
    }

    pub fn span_start(&self, span: Option<Range<usize>>) -> usize {
        span.map_or(self.fallback, |r| self.source(r.start))
    }
}

/// One table being read: remembers what it is (for messages) and which keys it
/// allows, so the leftovers can be reported as unknown.
pub struct Fields<'t> {
    pub table: &'t Table,
    /// "step-config", "check `deployment`", ... for messages.
    pub what: String,
    pub allowed: Vec<&'static str>,
    /// Source offset of the table (its header, or the opening fence).
    pub at: usize,
}

impl<'t> Fields<'t> {
    pub fn key_at(&self, map: &ContentMap, key: &str) -> usize {
        match self.table.key(key).and_then(|k| k.span()) {
            Some(span) => map.source(span.start),
            None => self.at,
        }
    }

    pub fn value_at(&self, map: &ContentMap, key: &str) -> usize {
        match self.table.get(key).and_then(Item::span) {
            Some(span) => map.source(span.start),
            None => self.key_at(map, key),
        }
    }

    fn value(&self, key: &str) -> Option<&'t Item> {
        self.table.get(key)
    }

    pub fn missing(&self, diag: &mut Diagnostics, key: &str, example: &str) {
        diag.at(
            self.at,
            format!(
                "{} is missing `{key}` (expected `{key} = {example}`)",
                self.what
            ),
        );
    }

    pub fn string(
        &self,
        map: &ContentMap,
        diag: &mut Diagnostics,
        key: &str,
        required: bool,
    ) -> Option<String> {
        let Some(item) = self.value(key) else {
            if required {
                self.missing(diag, key, "\"...\"");
            }
            return None;
        };
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                diag.at(
                    self.value_at(map, key),
                    format!("`{key}` must be a string, found {}", item.type_name()),
                );
                None
            }
        }
    }

    pub fn boolean(&self, map: &ContentMap, diag: &mut Diagnostics, key: &str) -> bool {
        let Some(item) = self.value(key) else {
            return false;
        };
        item.as_bool().unwrap_or_else(|| {
            diag.at(
                self.value_at(map, key),
                format!(
                    "`{key}` must be `true` or `false`, found {}",
                    item.type_name()
                ),
            );
            false
        })
    }

    pub fn integer<T: TryFrom<i64>>(
        &self,
        map: &ContentMap,
        diag: &mut Diagnostics,
        key: &str,
        required: bool,
    ) -> Option<T> {
        let Some(item) = self.value(key) else {
            if required {
                self.missing(diag, key, "2");
            }
            return None;
        };
        let parsed = item.as_integer().and_then(|n| T::try_from(n).ok());
        if parsed.is_none() {
            diag.at(
                self.value_at(map, key),
                format!(
                    "`{key}` must be a whole number in range, found {}",
                    item.type_name()
                ),
            );
        }
        parsed
    }

    /// A duration written as a string (`"90s"`, `"15m"`, `"1h30m"`).
    pub fn duration(
        &self,
        map: &ContentMap,
        diag: &mut Diagnostics,
        key: &str,
        required: bool,
    ) -> Option<Duration> {
        let Some(item) = self.value(key) else {
            if required {
                self.missing(diag, key, "\"90s\"");
            }
            return None;
        };
        let parsed = item.as_str().and_then(parse_duration);
        if parsed.is_none() {
            let found = item
                .as_value()
                .map_or_else(|| item.type_name().to_string(), |v| v.to_string());
            diag.at(
                self.value_at(map, key),
                format!(
                    "malformed duration {} for `{key}`: {DURATION_EXPECTED}, as a string",
                    found.trim()
                ),
            );
        }
        parsed
    }

    /// An array of strings, each with its source offset.
    pub fn strings(
        &self,
        map: &ContentMap,
        diag: &mut Diagnostics,
        key: &str,
    ) -> Vec<(String, usize)> {
        let Some(item) = self.value(key) else {
            return Vec::new();
        };
        let Some(array) = item.as_array() else {
            diag.at(
                self.value_at(map, key),
                format!("`{key}` must be a list of strings, e.g. `[\"a\", \"b\"]`"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for value in array.iter() {
            let at = map.span_start(value.span());
            match value.as_str() {
                Some(s) => out.push((s.to_string(), at)),
                None => diag.at(
                    at,
                    format!("`{key}` must hold strings, found {}", value.type_name()),
                ),
            }
        }
        out
    }

    /// An array of integers, each converted to `T`.
    pub fn integers<T: TryFrom<i64>>(
        &self,
        map: &ContentMap,
        diag: &mut Diagnostics,
        key: &str,
    ) -> Option<Vec<T>> {
        let item = self.value(key)?;
        let Some(array) = item.as_array() else {
            diag.at(
                self.value_at(map, key),
                format!("`{key}` must be a list of whole numbers, e.g. `[8080]`"),
            );
            return None;
        };
        let mut out = Vec::new();
        for value in array.iter() {
            match value.as_integer().and_then(|n| T::try_from(n).ok()) {
                Some(n) => out.push(n),
                None => {
                    diag.at(
                        map.span_start(value.span()),
                        format!("`{key}` must hold whole numbers in range"),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }

    /// Any TOML value as JSON (for `equals`).
    pub fn json(&self, key: &str) -> Option<serde_json::Value> {
        self.value(key)?.as_value().map(to_json)
    }

    /// Reports every key this table does not allow.
    pub fn reject_unknown(&self, map: &ContentMap, diag: &mut Diagnostics) {
        for (key, _) in self.table.iter() {
            if !self.allowed.contains(&key) {
                diag.at(
                    self.key_at(map, key),
                    format!(
                        "unknown key `{key}` in {}{}; expected one of {}",
                        self.what,
                        did_you_mean(key, self.allowed.iter().copied()),
                        one_of(&self.allowed)
                    ),
                );
            }
        }
    }
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::String(s) => serde_json::Value::String(s.value().clone()),
        Value::Integer(n) => serde_json::Value::from(*n.value()),
        Value::Float(f) => serde_json::Value::from(*f.value()),
        Value::Boolean(b) => serde_json::Value::Bool(*b.value()),
        Value::Datetime(d) => serde_json::Value::String(d.value().to_string()),
        Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
        Value::InlineTable(t) => {
            serde_json::Value::Object(t.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect())
        }
    }
}
