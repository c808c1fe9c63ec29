//! Wildcard expansion of shell words against the container's files.

use crate::sim::container::fs::NodeKind;
use crate::sim::container::pattern::{has_wildcards, wildcard_match};
use crate::sim::container::view::View;

pub(super) fn escape_wildcards(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Paths matching a wildcard pattern, sorted; none when nothing matches
/// (the word then stays as written).
pub(super) fn expand_glob(view: &View, cwd: &str, pattern: &str) -> Vec<String> {
    let absolute_pattern = pattern.starts_with('/');
    let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    let mut found: Vec<String> = vec![if absolute_pattern {
        "/".into()
    } else {
        String::new()
    }];
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next = Vec::new();
        for base in &found {
            let dir = if base.is_empty() { "." } else { base.as_str() };
            if has_wildcards(part) && !part.contains('\\') || has_unescaped_wildcards(part) {
                let Ok(children) = view.fs.list(cwd, dir) else {
                    continue;
                };
                for (name, node) in children {
                    if wildcard_match(part, name)
                        && (last || node.is_dir() || matches!(node.kind, NodeKind::Symlink(_)))
                    {
                        next.push(join(base, name));
                    }
                }
            } else {
                let literal = unescape(part);
                let candidate = join(base, &literal);
                if view.fs.lookup(cwd, &candidate, true).is_ok() {
                    next.push(candidate);
                }
            }
        }
        found = next;
    }
    found.sort();
    found
}

fn has_unescaped_wildcards(part: &str) -> bool {
    let mut escaped = false;
    for c in part.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, '*' | '?' | '[') {
            return true;
        }
    }
    false
}

fn unescape(part: &str) -> String {
    let mut out = String::new();
    let mut escaped = false;
    for c in part.chars() {
        if c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        escaped = false;
        out.push(c);
    }
    out
}

fn join(base: &str, name: &str) -> String {
    if base.is_empty() {
        name.to_string()
    } else if base.ends_with('/') {
        format!("{base}{name}")
    } else {
        format!("{base}/{name}")
    }
}
