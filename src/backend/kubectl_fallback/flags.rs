//! kubectl's flag syntax, for the fallback's parser: `--flag=value`,
//! `--flag value`, `-n ns`, glued short flags (`-owide`, `-lapp=web`),
//! booleans with an optional `=true|false`, and resource words in both the
//! `KIND NAME...` and `KIND/NAME` forms. Pure.

use super::FallbackError;
use super::args::Target;

/// How a flag takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Takes {
    Value,
    Bool,
}

pub(super) struct FlagSpec {
    pub(super) names: &'static [&'static str],
    pub(super) takes: Takes,
}

pub(super) const NAMESPACE: FlagSpec = FlagSpec {
    names: &["-n", "--namespace"],
    takes: Takes::Value,
};
pub(super) const SELECTOR: FlagSpec = FlagSpec {
    names: &["-l", "--selector"],
    takes: Takes::Value,
};

/// Flags and positional words of one command, after checking every flag is known.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub(super) positional: Vec<String>,
    /// (canonical flag name, value); bools get "true"/"false".
    pub(super) flags: Vec<(&'static str, String)>,
}

impl Parsed {
    pub(super) fn value(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn bool(&self, name: &str) -> bool {
        self.value(name) == Some("true")
    }

    pub(super) fn namespace(&self) -> String {
        self.value("--namespace").unwrap_or("default").to_string()
    }

    pub(super) fn selector(&self) -> Option<String> {
        self.value("--selector").map(str::to_string)
    }
}

pub(super) fn split_flags(
    command: &str,
    words: &[String],
    specs: &[FlagSpec],
) -> Result<Parsed, FallbackError> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == "--" {
            parsed.positional.extend(words[i..].iter().cloned());
            break;
        }
        if !word.starts_with('-') || word == "-" {
            parsed.positional.push(word.clone());
            continue;
        }
        let (flag, inline) = if word.starts_with("--") {
            match word.split_once('=') {
                Some((f, v)) => (f, Some(v.to_string())),
                None => (word.as_str(), None),
            }
        } else if word.len() > 2 && word.is_char_boundary(2) {
            // `-owide`, `-lapp=web`, `-n=prod`: a short flag glued to its value.
            let glued = word[2..].strip_prefix('=').unwrap_or(&word[2..]);
            (&word[..2], Some(glued.to_string()))
        } else {
            (word.as_str(), None)
        };
        let Some(spec) = specs.iter().find(|s| s.names.contains(&flag)) else {
            return Err(FallbackError::Usage(format!(
                "the built-in kubectl fallback does not support the flag {flag} for `kubectl {command}`; install kubectl for the full command"
            )));
        };
        let canonical = spec.names[spec.names.len() - 1];
        let value = match (spec.takes, inline) {
            (Takes::Value, Some(v)) => v,
            (Takes::Value, None) => {
                let Some(v) = words.get(i) else {
                    return Err(FallbackError::Usage(format!(
                        "flag needs an argument: {flag}"
                    )));
                };
                i += 1;
                v.clone()
            }
            (Takes::Bool, None) => "true".to_string(),
            (Takes::Bool, Some(v)) => match v.as_str() {
                "true" | "false" => v,
                _ => {
                    return Err(FallbackError::Usage(format!(
                        "invalid argument {v:?} for {flag}: it takes true or false"
                    )));
                }
            },
        };
        parsed.flags.push((canonical, value));
    }
    Ok(parsed)
}

/// `deploy a b` or `deploy/a deploy/b` (the slash form may mix kinds).
pub(super) fn targets(words: &[String]) -> Result<Vec<Target>, FallbackError> {
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if first.contains('/') {
        let mut out: Vec<Target> = Vec::new();
        for word in words {
            let Some((kind, name)) = word.split_once('/') else {
                return Err(FallbackError::Usage(format!(
                    "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (got {word:?})"
                )));
            };
            if kind.is_empty() || name.is_empty() {
                return Err(FallbackError::Usage(format!(
                    "arguments in resource/name form must have a single resource and name (got {word:?})"
                )));
            }
            match out.iter_mut().find(|t| t.kind == kind) {
                Some(t) => t.names.push(name.to_string()),
                None => out.push(Target {
                    kind: kind.to_string(),
                    names: vec![name.to_string()],
                }),
            }
        }
        return Ok(out);
    }
    if words[1..].iter().any(|w| w.contains('/')) {
        return Err(FallbackError::Usage(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form".into(),
        ));
    }
    if first.contains(',') {
        return Err(FallbackError::Usage(format!(
            "the built-in kubectl fallback takes one resource type at a time (got {first:?}); install kubectl for more"
        )));
    }
    Ok(vec![Target {
        kind: first.clone(),
        names: words[1..].to_vec(),
    }])
}

pub(super) fn one_target(command: &str, words: &[String]) -> Result<Target, FallbackError> {
    let mut all = targets(words)?;
    match all.len() {
        0 => Err(FallbackError::Usage(format!(
            "you must specify the type of resource for `kubectl {command}`"
        ))),
        1 => Ok(all.remove(0)),
        _ => Err(FallbackError::Usage(format!(
            "the built-in kubectl fallback's `{command}` takes one resource type at a time; install kubectl for more"
        ))),
    }
}

pub(super) fn parse_number<T: std::str::FromStr>(
    flag: &str,
    value: &str,
) -> Result<T, FallbackError> {
    value
        .parse()
        .map_err(|_| FallbackError::Usage(format!("invalid argument {value:?} for {flag}")))
}
