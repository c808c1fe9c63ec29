//! Resource words in both of kubectl's forms: `KIND NAME...` and
//! `KIND/NAME...`.

use crate::backend::kubectl_fallback::FallbackError;

/// A resource word and the names after it: `deploy a b`, or `deploy/a pod/b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: String,
    pub names: Vec<String>,
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
