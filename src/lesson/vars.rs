//! Profile variables in lesson text: `{{name}}` (spaces inside the braces allowed).
//! Anything else between double braces (a Helm template such as `{{ .Values.x }}`)
//! is not a variable and is left alone.

/// One `{{name}}` in a text: the name and the byte range of the whole reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef<'a> {
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every variable reference in `text`, in order.
pub fn find_vars(text: &str) -> Vec<VarRef<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| i + from) {
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let inner = text[open + 2..close].trim();
        if is_name(inner) {
            found.push(VarRef {
                name: inner,
                start: open,
                end: close + 2,
            });
            from = close + 2;
        } else {
            from = open + 2;
        }
    }
    found
}

/// Replaces each variable that `lookup` knows; unknown ones are returned as errors
/// and left as written.
pub fn substitute<'v>(
    text: &str,
    lookup: impl Fn(&str) -> Option<&'v str>,
) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut unknown = Vec::new();
    let mut last = 0;
    for var in find_vars(text) {
        out.push_str(&text[last..var.start]);
        match lookup(var.name) {
            Some(value) => out.push_str(value),
            None => {
                out.push_str(&text[var.start..var.end]);
                unknown.push(var.name.to_string());
            }
        }
        last = var.end;
    }
    out.push_str(&text[last..]);
    (out, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_and_skips_templates() {
        let text = "a {{cluster_name}} b {{ region }} {{ .Values.x }} {{x-y}}";
        let names: Vec<&str> = find_vars(text).iter().map(|v| v.name).collect();
        assert_eq!(names, ["cluster_name", "region"]);
        assert_eq!(find_vars(text)[0].start, 2);
    }

    #[test]
    fn substitutes_known_and_reports_unknown() {
        let (out, unknown) = substitute("{{a}}-{{b}}-{{ a }}", |n| (n == "a").then_some("1"));
        assert_eq!(out, "1-{{b}}-1");
        assert_eq!(unknown, ["b"]);
    }
}
