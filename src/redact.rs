//! Keeps AWS secrets off the screen, out of logs and out of reports.
//!
//! Two rules, applied to every line a real command prints:
//! - the values of the credential variables in trinetes' own environment
//!   (`AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, ...) are replaced
//!   wherever they appear;
//! - text shaped like a credential is replaced even when its value is not
//!   known: access key ids (`AKIA` or `ASIA` and 16 more upper-case letters
//!   or digits), and the value after a secret's name, as `aws configure
//!   list`, `aws sts get-session-token`, `~/.aws/credentials` and
//!   `env` print it.

/// What a redacted secret is replaced with.
pub const MASK: &str = "[REDACTED]";

/// The environment variables whose values are secrets.
pub const SECRET_VARIABLES: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY_ID",
];

/// Names after which a secret value follows (`name = value`, `name: value`,
/// `"Name": "value"`). Compared without case.
const SECRET_NAMES: &[&str] = &[
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "secretaccesskey",
    "sessiontoken",
    "secret_key",
];

/// Values shorter than this are not treated as secrets when they come from
/// the environment: a stub's `AWS_SECRET_ACCESS_KEY=x` would otherwise mask
/// every "x" on the screen.
const MIN_SECRET_LEN: usize = 8;

/// Replaces secrets in text. Cheap to clone; build it once per run.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    known: Vec<String>,
}

impl Redactor {
    /// A redactor that knows the secret values in this process's environment.
    pub fn from_env() -> Redactor {
        Redactor::with_values(
            SECRET_VARIABLES
                .iter()
                .filter_map(|name| std::env::var(name).ok()),
        )
    }

    /// A redactor that knows these secret values (and the patterns).
    pub fn with_values(values: impl IntoIterator<Item = String>) -> Redactor {
        let mut known: Vec<String> = values
            .into_iter()
            .map(|v| v.trim().to_string())
            .filter(|v| v.len() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a value that contains another is masked whole.
        known.sort_by_key(|v| std::cmp::Reverse(v.len()));
        known.dedup();
        Redactor { known }
    }

    /// Adds the values of these variables from an extra environment (the
    /// variables a backend sets for its commands).
    pub fn learn_env<'a>(&mut self, env: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let extra = env
            .into_iter()
            .filter(|(k, _)| SECRET_VARIABLES.contains(k))
            .map(|(_, v)| v.to_string());
        let mut all = std::mem::take(&mut self.known);
        all.extend(extra);
        *self = Redactor::with_values(all);
    }

    /// The text with every secret replaced by [`MASK`].
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for value in &self.known {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), MASK);
            }
        }
        let out = mask_after_names(&out);
        mask_access_key_ids(&out)
    }
}

/// Masks the value after each secret's name: `name = value`, `name: value`,
/// `name=value`, `"Name": "value"`, `name  ****value  shared-credentials-file`
/// (the aws CLI's `configure list` keeps only 4 characters, which are left).
fn mask_after_names(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((start, name_len)) = find_name(&lower, search) {
        let after_name = start + name_len;
        let bytes = text.as_bytes();
        // Skip a closing quote, spaces, then one `=` or `:`, then spaces and an opening quote.
        let mut i = after_name;
        while i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
            i += 1;
        }
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i < bytes.len() && (bytes[i] == b'=' || bytes[i] == b':') {
            i += 1;
        } else {
            search = after_name;
            continue;
        }
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'"' || bytes[i] == b'\'') {
            i += 1;
        }
        let value_start = i;
        while i < bytes.len() && is_secret_char(bytes[i]) {
            i += 1;
        }
        if i - value_start >= MIN_SECRET_LEN {
            out.push_str(&text[copied..value_start]);
            out.push_str(MASK);
            copied = i;
        }
        search = i.max(after_name);
    }
    out.push_str(&text[copied..]);
    out
}

/// The first secret name at or after `from` that stands as a word of its own.
fn find_name(lower: &str, from: usize) -> Option<(usize, usize)> {
    SECRET_NAMES
        .iter()
        .filter_map(|name| {
            let mut at = from;
            while let Some(found) = lower.get(at..).and_then(|rest| rest.find(name)) {
                let start = at + found;
                let end = start + name.len();
                let before_ok = start == 0 || !is_word_byte(lower.as_bytes()[start - 1]);
                let after_ok = end == lower.len() || !is_word_byte(lower.as_bytes()[end]);
                if before_ok && after_ok {
                    return Some((start, name.len()));
                }
                at = end;
            }
            None
        })
        .min_by_key(|(start, _)| *start)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Characters of a base64-ish secret or session token.
fn is_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

/// Masks AWS access key ids: `AKIA`/`ASIA` followed by 16 upper-case
/// letters or digits, standing alone.
fn mask_access_key_ids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 20 <= bytes.len() {
        let prefix = &bytes[i..i + 4];
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if starts_word
            && (prefix == b"AKIA" || prefix == b"ASIA")
            && bytes[i + 4..i + 20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && (i + 20 == bytes.len() || !bytes[i + 20].is_ascii_alphanumeric())
        {
            out.push_str(&text[copied..i]);
            out.push_str(MASK);
            i += 20;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn known_values_are_masked_wherever_they_appear() {
        let r = Redactor::with_values([SECRET.to_string()]);
        assert_eq!(
            r.redact(&format!("debug: signing with {SECRET} now")),
            "debug: signing with [REDACTED] now"
        );
    }

    #[test]
    fn short_values_are_not_treated_as_secrets() {
        let r = Redactor::with_values(["x".to_string()]);
        assert_eq!(r.redact("next step"), "next step");
    }

    #[test]
    fn access_key_ids_are_masked_by_shape() {
        let r = Redactor::default();
        assert_eq!(
            r.redact("key AKIAIOSFODNN7EXAMPLE used"),
            "key [REDACTED] used"
        );
        assert_eq!(r.redact("ASIAIOSFODNN7EXAMPLE"), "[REDACTED]");
        // Not an access key id: too short, or part of a longer word.
        assert_eq!(r.redact("AKIA123"), "AKIA123");
        assert_eq!(r.redact("XAKIAIOSFODNN7EXAMPLE"), "XAKIAIOSFODNN7EXAMPLE");
    }

    #[test]
    fn values_after_secret_names_are_masked() {
        let r = Redactor::default();
        assert_eq!(
            r.redact(&format!("aws_secret_access_key = {SECRET}")),
            "aws_secret_access_key = [REDACTED]"
        );
        assert_eq!(
            r.redact(&format!("AWS_SECRET_ACCESS_KEY={SECRET}")),
            "AWS_SECRET_ACCESS_KEY=[REDACTED]"
        );
        assert_eq!(
            r.redact(&format!(r#"    "SecretAccessKey": "{SECRET}","#)),
            r#"    "SecretAccessKey": "[REDACTED]","#
        );
        assert_eq!(
            r.redact(r#""SessionToken": "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQ==""#),
            r#""SessionToken": "[REDACTED]""#
        );
    }

    #[test]
    fn names_without_a_value_and_other_words_are_left() {
        let r = Redactor::default();
        let line = "set aws_secret_access_key in ~/.aws/credentials";
        assert_eq!(r.redact(line), line);
        let line = "my_aws_secret_access_key_file = /tmp/abcdefghijkl";
        assert_eq!(r.redact(line), line);
    }

    #[test]
    fn learning_a_backend_environment_adds_only_secret_variables() {
        let mut r = Redactor::default();
        r.learn_env([
            ("AWS_SESSION_TOKEN", "token-abcdefgh-123"),
            ("AWS_REGION", "us-east-2"),
        ]);
        assert_eq!(
            r.redact("token-abcdefgh-123 in us-east-2"),
            "[REDACTED] in us-east-2"
        );
    }
}
