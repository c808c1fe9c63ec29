//! A step's ```` ```toml step-config ```` block: title, timeout, flags, backends,
//! what the episode typed, hints and `[[check]]` tables.

use std::time::Duration;

use toml_edit::ImDocument;

use super::checks::parse_check;
use super::error::{Diagnostics, did_you_mean, one_of};
use super::front_matter::parse_backends;
use super::model::{BackendKind, Step};
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
    step.hints = fields
        .strings(map, diag, "hints")
        .into_iter()
        .map(|(hint, _)| hint)
        .collect();

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
