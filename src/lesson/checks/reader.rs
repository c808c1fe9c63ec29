//! Reading one `[[check]]` table: the keys every check has, then the kind's
//! own keys through a [`CheckReader`] that reports each problem at its place
//! in the lesson file.

use std::time::Duration;

use toml_edit::Table;

use super::CheckKind;
use crate::lesson::error::{Diagnostics, did_you_mean, one_of};
use crate::lesson::model::{Check, Span};
use crate::lesson::toml_fields::{ContentMap, Fields};

/// The keys every check has.
const COMMON: [&str; 3] = ["kind", "timeout", "hint"];

/// Reads one check; `None` when it is too broken to use (errors are in `diag`).
pub(in crate::lesson) fn parse_check(
    table: &Table,
    at: usize,
    map: &ContentMap,
    diag: &mut Diagnostics,
) -> Option<Check> {
    let mut fields = Fields {
        table,
        what: "a check".to_string(),
        allowed: COMMON.to_vec(),
        at,
    };
    let kind = fields.string(map, diag, "kind", true);
    let keys = match &kind {
        Some(k) => match CheckKind::keys(k) {
            Some(keys) => Some(keys),
            None => {
                diag.at(
                    fields.value_at(map, "kind"),
                    format!(
                        "unknown check kind `{k}`{}; expected one of {}",
                        did_you_mean(k, super::KINDS.iter().copied()),
                        one_of(super::KINDS)
                    ),
                );
                None
            }
        },
        None => None,
    };
    let timeout = fields.duration(map, diag, "timeout", true);
    let hint = fields.string(map, diag, "hint", true);
    // Without a kind the other keys cannot be judged.
    let (Some(kind), Some(keys)) = (kind, keys) else {
        return None;
    };
    fields.what = format!("check `{kind}`");
    fields.allowed.extend_from_slice(keys);
    fields.reject_unknown(map, diag);

    let mut reader = CheckReader { fields, map, diag };
    let check_kind = CheckKind::read(&kind, &mut reader)?;
    Some(Check {
        kind: check_kind,
        timeout: timeout.unwrap_or(Duration::ZERO),
        hint: hint.unwrap_or_default(),
        span: Span::default(),
    })
}

/// A check kind's view of its `[[check]]` table. Each reading method reports
/// what is wrong (missing, wrong type, not one of the allowed values) at its
/// place in the lesson, and answers `None` then.
pub struct CheckReader<'t, 's> {
    fields: Fields<'t>,
    map: &'t ContentMap,
    diag: &'t mut Diagnostics<'s>,
}

impl CheckReader<'_, '_> {
    /// A required text.
    pub fn string(&mut self, key: &str) -> Option<String> {
        self.fields.string(self.map, self.diag, key, true)
    }

    pub fn optional_string(&mut self, key: &str) -> Option<String> {
        self.fields.string(self.map, self.diag, key, false)
    }

    /// A required whole number.
    pub fn integer<T: TryFrom<i64>>(&mut self, key: &str) -> Option<T> {
        self.fields.integer(self.map, self.diag, key, true)
    }

    pub fn optional_integer<T: TryFrom<i64>>(&mut self, key: &str) -> Option<T> {
        self.fields.integer(self.map, self.diag, key, false)
    }

    /// A list of whole numbers, e.g. `[8080]`.
    pub fn integers<T: TryFrom<i64>>(&mut self, key: &str) -> Option<Vec<T>> {
        self.fields.integers(self.map, self.diag, key)
    }

    /// Any TOML value, as JSON.
    pub fn json(&self, key: &str) -> Option<serde_json::Value> {
        self.fields.json(key)
    }

    /// Whether the table has this key at all.
    pub fn has(&self, key: &str) -> bool {
        self.fields.table.get(key).is_some()
    }

    /// `value` if it is one of `allowed`; otherwise reports it, with a
    /// suggestion, and answers `None`.
    pub fn one_of(&mut self, key: &str, value: Option<String>, allowed: &[&str]) -> Option<String> {
        match value {
            Some(v) if !allowed.contains(&v.as_str()) => {
                self.error_at_value(
                    key,
                    format!(
                        "`{key}` = `{v}` is not valid{}; expected {}",
                        did_you_mean(&v, allowed.iter().copied()),
                        one_of(allowed)
                    ),
                );
                None
            }
            other => other,
        }
    }

    /// Reports a problem with one key's value, at that value.
    pub fn error_at_value(&mut self, key: &str, message: impl Into<String>) {
        let at = self.fields.value_at(self.map, key);
        self.diag.at(at, message);
    }

    /// Reports a problem with the check as a whole, at its table.
    pub fn error(&mut self, message: impl Into<String>) {
        self.diag.at(self.fields.at, message);
    }
}
