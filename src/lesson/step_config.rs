//! A step's ```` ```toml step-config ```` block: title, timeout, flags, backends,
//! what the episode typed, hints and `[[check]]` tables.

use std::time::Duration;

use toml_edit::{ImDocument, InlineTable, Value};

use super::checks::parse_check;
use super::error::{Diagnostics, did_you_mean, one_of};
use super::front_matter::parse_backends;
use super::model::{BackendKind, Step, StepHint};
use super::profile::Profile;
use super::toml_fields::{ContentMap, Fields};

pub const KEYS: [&str; 12] = [
    "title",
    "timeout",
    "billable",
    "interactive",
    "background",
    "runs-on",
    "profiles",
    "skip-reason",
    "episode",
    "episode-why",
    "hints",
    "check",
];

/// Fills `step` from the config block's text; every problem goes to `diag`.
pub fn apply(step: &mut Step, text: &str, map: &ContentMap, diag: &mut Diagnostics) {
    let doc = match ImDocument::parse(text) {
        Ok(doc) => doc,
        Err(err) => {
            let at = map.span_start(err.span());
            diag.at(
                at,
                format!("step-config is not valid TOML: {}", err.message().trim()),
            );
            return;
        }
    };
    let fields = Fields {
        table: doc.as_table(),
        what: format!("the step-config of `{}`", step.id),
        allowed: KEYS.to_vec(),
        at: map.fallback,
    };
    fields.reject_unknown(map, diag);

    step.title = fields.string(map, diag, "title", true).unwrap_or_default();
    step.timeout = fields
        .duration(map, diag, "timeout", true)
        .unwrap_or(Duration::ZERO);
    step.billable = fields.boolean(map, diag, "billable");
    step.interactive = fields.boolean(map, diag, "interactive");
    step.background = fields.boolean(map, diag, "background");
    if step.interactive && step.background {
        diag.at(
            fields.key_at(map, "background"),
            "a step cannot be both `interactive` (it takes the terminal) and `background`",
        );
    }
    if doc.get("runs-on").is_some() {
        let names = fields.strings(map, diag, "runs-on");
        step.backends = parse_backends(&names, diag);
        if step.backends.is_empty() && names.is_empty() {
            diag.at(
                fields.value_at(map, "runs-on"),
                "`runs-on` lists no backend; leave it out to run everywhere",
            );
        }
    }
    if doc.get("profiles").is_some() {
        let names = fields.strings(map, diag, "profiles");
        step.profiles = parse_profiles(&names, diag);
        if names.is_empty() {
            diag.at(
                fields.value_at(map, "profiles"),
                "`profiles` lists no profile; leave it out to run on every profile",
            );
        }
    }
    step.skip_reason = fields.string(map, diag, "skip-reason", false);
    let skips_backend = !step.backends.is_empty() && step.backends.len() < BackendKind::ALL.len();
    let known = Profile::names();
    let skips_profile =
        !step.profiles.is_empty() && known.iter().any(|p| !step.profiles.iter().any(|s| s == p));
    if (skips_backend || skips_profile) && step.skip_reason.is_none() {
        fields.missing(diag, "skip-reason", "\"why it does not run elsewhere\"");
    }
    step.episode_command = fields.string(map, diag, "episode", false);
    step.episode_why = fields.string(map, diag, "episode-why", false);
    if step.episode_why.is_some() && step.episode_command.is_none() {
        diag.at(
            fields.key_at(map, "episode-why"),
            "`episode-why` explains a difference, so it needs `episode` (what the episode typed)",
        );
    }
    step.hints = parse_hints(&fields, map, diag);

    match doc.get("check") {
        None => {}
        Some(item) => match item.as_array_of_tables() {
            Some(tables) => {
                for table in tables.iter() {
                    let at = map.span_start(table.span());
                    if let Some(mut check) = parse_check(table, at, map, diag) {
                        check.span = diag.span(at);
                        step.checks.push(check);
                    }
                }
            }
            None => diag.at(
                fields.key_at(map, "check"),
                "checks are written as `[[check]]` tables (double brackets), one per check",
            ),
        },
    }
}

/// The keys of a hint written as a table.
const HINT_KEYS: [&str; 2] = ["when", "text"];

const HINTS_EXPECTED: &str = "`hints` holds plain strings (shown under every failure) or \
     `{ when = \"text of the error\", text = \"the hint\" }` (shown when the failure shows that text)";

/// `hints = ["...", { when = "...", text = "..." }]`: a plain string is shown
/// under every failure of the step, a table only when the failure shows its
/// `when`. Each is written one way: a table always has a `when`.
fn parse_hints(fields: &Fields, map: &ContentMap, diag: &mut Diagnostics) -> Vec<StepHint> {
    let Some(item) = fields.table.get("hints") else {
        return Vec::new();
    };
    let Some(array) = item.as_array() else {
        diag.at(fields.value_at(map, "hints"), HINTS_EXPECTED);
        return Vec::new();
    };
    let mut hints = Vec::new();
    for value in array.iter() {
        let at = map.span_start(value.span());
        match value {
            Value::String(text) if text.value().trim().is_empty() => {
                diag.at(at, "a hint is empty; say what to do, or leave it out");
            }
            Value::String(text) => hints.push(StepHint::always(text.value().clone())),
            Value::InlineTable(table) => {
                if let Some(hint) = parse_hint_table(table, at, map, diag) {
                    hints.push(hint);
                }
            }
            other => diag.at(at, format!("{HINTS_EXPECTED}; found {}", other.type_name())),
        }
    }
    hints
}

fn parse_hint_table(
    table: &InlineTable,
    at: usize,
    map: &ContentMap,
    diag: &mut Diagnostics,
) -> Option<StepHint> {
    let key_at = |key: &str| {
        table
            .key(key)
            .and_then(|k| k.span())
            .map_or(at, |span| map.source(span.start))
    };
    for (key, _) in table.iter() {
        if !HINT_KEYS.contains(&key) {
            diag.at(
                key_at(key),
                format!(
                    "unknown key `{key}` in a hint{}; expected one of {}",
                    did_you_mean(key, HINT_KEYS.iter().copied()),
                    one_of(&HINT_KEYS)
                ),
            );
        }
    }
    let mut field = |key: &str, missing: &str| -> Option<String> {
        let Some(value) = table.get(key) else {
            diag.at(at, missing);
            return None;
        };
        let value_at = map.span_start(value.span());
        match value.as_str() {
            Some(s) if s.trim().is_empty() => {
                diag.at(value_at, format!("the hint's `{key}` is empty"));
                None
            }
            Some(s) => Some(s.to_string()),
            None => {
                diag.at(
                    value_at,
                    format!(
                        "the hint's `{key}` must be a string, found {}",
                        value.type_name()
                    ),
                );
                None
            }
        }
    };
    let when = field(
        "when",
        "a hint table is missing `when = \"text of the error\"`; a hint for every failure is a plain string",
    );
    let text = field("text", "a hint table is missing `text = \"what to do\"`");
    Some(StepHint::when(when?, text?))
}

/// Profile names as written in `profiles = [...]`: each must be a profile
/// trinetes knows, listed once.
fn parse_profiles(items: &[(String, usize)], diag: &mut Diagnostics) -> Vec<String> {
    let known = Profile::names();
    let mut out: Vec<String> = Vec::new();
    for (name, at) in items {
        if !known.contains(&name.as_str()) {
            diag.at(
                *at,
                format!(
                    "unknown profile `{name}`{}; expected {}",
                    did_you_mean(name, known.iter().copied()),
                    one_of(&known)
                ),
            );
        } else if out.contains(name) {
            diag.at(*at, format!("profile `{name}` is listed twice"));
        } else {
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::lesson::{LessonError, StepHint, parse};

    /// A lesson whose one step's config ends with `config`.
    fn lesson(config: &str) -> String {
        format!(
            "---\nid: t\ntitle: T\nsummary: S.\nminutes: 1\norder: 1\n---\n\n# T\n\n\
             ```sh step id=look\nkubectl get pods\n```\n\n\
             ```toml step-config\ntitle = \"Look\"\ntimeout = \"10s\"\n{config}\n```\n"
        )
    }

    fn errors(config: &str) -> Vec<LessonError> {
        parse(Path::new("t.md"), &lesson(config), &|_| None).expect_err("must not validate")
    }

    /// The one error `config` gives: its line (in the lesson) and message.
    fn one_error(config: &str) -> (usize, String) {
        let errors = errors(config);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        (errors[0].line, errors[0].message.clone())
    }

    #[test]
    fn hints_are_plain_strings_or_tables_with_when_in_order() {
        let src = lesson(
            "hints = [\n  \"first\",\n  { when = \"address already in use\", text = \"stop the other listener\" },\n  \"last\",\n]",
        );
        let parsed = parse(Path::new("t.md"), &src, &|_| None).expect("valid");
        assert_eq!(
            parsed.steps[0].hints,
            [
                StepHint::always("first"),
                StepHint::when("address already in use", "stop the other listener"),
                StepHint::always("last"),
            ]
        );
    }

    #[test]
    fn a_hint_table_without_when_is_refused_with_what_to_write() {
        let (line, message) = one_error("hints = [{ text = \"x\" }]");
        assert_eq!(line, 18);
        assert!(message.contains("missing `when"), "{message}");
        assert!(message.contains("plain string"), "{message}");
    }

    #[test]
    fn a_hint_table_without_text_or_with_an_unknown_key_is_refused() {
        let (_, message) = one_error("hints = [{ when = \"refused\" }]");
        assert!(message.contains("missing `text"), "{message}");
        let (_, message) = one_error("hints = [{ when = \"refused\", text = \"x\", wen = \"y\" }]");
        assert!(message.contains("unknown key `wen`"), "{message}");
        assert!(message.contains("did you mean `when`?"), "{message}");
    }

    #[test]
    fn empty_hints_and_other_values_are_refused() {
        let (_, message) = one_error("hints = [\"  \"]");
        assert!(message.contains("a hint is empty"), "{message}");
        let (_, message) = one_error("hints = [{ when = \"\", text = \"x\" }]");
        assert!(message.contains("`when` is empty"), "{message}");
        let (_, message) = one_error("hints = [3]");
        assert!(message.contains("{ when ="), "{message}");
        let (_, message) = one_error("hints = \"one\"");
        assert!(message.contains("plain strings"), "{message}");
        let (_, message) = one_error("hints = [{ when = 1, text = \"x\" }]");
        assert!(message.contains("must be a string"), "{message}");
    }
}
