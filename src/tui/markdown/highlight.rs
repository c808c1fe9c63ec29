//! Syntax highlighting for the languages lessons show: sh/bash, yaml, json and
//! sql. Small hand-written line tokenizers: fast, and good enough for reading.

use ratatui::style::Style;

use crate::tui::markdown::wrap::Seg;
use crate::tui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Shell,
    Yaml,
    Json,
    Sql,
    Plain,
}

impl Language {
    /// From a fenced block's info string (`sh`, `bash title=x`, `YAML`...).
    pub fn from_info(info: &str) -> Self {
        let word = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match word.as_str() {
            "sh" | "bash" | "shell" | "console" | "zsh" | "shell-session" => Language::Shell,
            "yaml" | "yml" => Language::Yaml,
            "json" | "jsonc" => Language::Json,
            "sql" | "trino" => Language::Sql,
            _ => Language::Plain,
        }
    }
}

/// One `Vec<Seg>` per source line.
pub fn highlight(language: Language, code: &str, theme: &Theme) -> Vec<Vec<Seg>> {
    let code = code.strip_suffix('\n').unwrap_or(code);
    code.split('\n')
        .map(|line| {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let mut out = Tokens::new(theme);
            match language {
                Language::Shell => shell_line(line, &mut out),
                Language::Yaml => yaml_line(line, &mut out),
                Language::Json => json_line(line, &mut out),
                Language::Sql => sql_line(line, &mut out),
                Language::Plain => out.push(line, theme.code),
            }
            out.segs
        })
        .collect()
}

struct Tokens<'t> {
    theme: &'t Theme,
    segs: Vec<Seg>,
}

impl<'t> Tokens<'t> {
    fn new(theme: &'t Theme) -> Self {
        Tokens {
            theme,
            segs: Vec::new(),
        }
    }

    fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        match self.segs.last_mut() {
            Some(last) if last.style == style => last.text.push_str(text),
            _ => self.segs.push(Seg::new(text, style)),
        }
    }
}

/// Length in bytes of a `{{variable}}` at the start of `s`, if there is one.
fn template_var_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix("{{")?;
    rest.find("}}").map(|end| end + 4)
}

/// Length of a quoted string at the start of `s` (to the closing quote or the
/// end of the line), honouring backslash escapes except in single quotes.
fn quoted_len(s: &str, quote: char, escapes: bool) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if escapes && c == '\\' {
            escaped = true;
        } else if c == quote {
            return i + c.len_utf8();
        }
    }
    s.len()
}

fn word_len(s: &str, is_word: impl Fn(char) -> bool) -> usize {
    s.char_indices()
        .find(|&(_, c)| !is_word(c))
        .map_or(s.len(), |(i, _)| i)
}

const SHELL_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case",
    "esac", "function", "export", "local", "return", "sudo",
];

fn shell_line(line: &str, out: &mut Tokens) {
    let t = out.theme;
    let mut rest = line;
    // The first word of a command (after start, `|`, `&&`, `;`) is the program.
    let mut command_position = true;
    while let Some(c) = rest.chars().next() {
        let len = if let Some(n) = template_var_len(rest) {
            out.push(&rest[..n], t.code_variable);
            n
        } else if c == '#'
            && (rest.len() == line.len()
                || line[..line.len() - rest.len()].ends_with(char::is_whitespace))
        {
            out.push(rest, t.code_comment);
            rest.len()
        } else if c == '\'' || c == '"' {
            let n = quoted_len(rest, c, c == '"');
            out.push(&rest[..n], t.code_string);
            command_position = false;
            n
        } else if c == '$' {
            let after = &rest[1..];
            let n = if after.starts_with('{') {
                after.find('}').map_or(rest.len(), |e| e + 2)
            } else if after.starts_with('(') {
                2
            } else {
                1 + word_len(after, |c| c.is_ascii_alphanumeric() || c == '_')
            };
            out.push(&rest[..n], t.code_variable);
            n
        } else if c.is_whitespace() {
            let n = word_len(rest, char::is_whitespace);
            out.push(&rest[..n], t.code);
            n
        } else if "|&;()<>\\".contains(c) {
            let n = word_len(rest, |c| "|&;()<>\\".contains(c));
            out.push(&rest[..n], t.code_punct);
            command_position = c != '\\' && c != '>' && c != '<';
            n
        } else {
            let n = word_len(rest, |c| !c.is_whitespace() && !"|&;()<>'\"$".contains(c));
            let n = n
                .min(rest.find("{{").filter(|&i| i > 0).unwrap_or(n))
                .max(c.len_utf8());
            let word = &rest[..n];
            let style = if SHELL_KEYWORDS.contains(&word) {
                t.code_keyword
            } else if command_position {
                command_position = false;
                t.code_keyword
            } else if word.starts_with('-') {
                t.code_number
            } else {
                t.code
            };
            out.push(word, style);
            n
        };
        rest = &rest[len..];
    }
}

fn yaml_scalar_style(value: &str, t: &Theme) -> Style {
    let v = value.trim();
    if matches!(v, "true" | "false" | "null" | "~" | "yes" | "no")
        || (!v.is_empty() && v.parse::<f64>().is_ok())
    {
        t.code_number
    } else {
        t.code_string
    }
}

fn yaml_value(value: &str, out: &mut Tokens) {
    let t = out.theme;
    let mut rest = value;
    while let Some(c) = rest.chars().next() {
        let n = if let Some(n) = template_var_len(rest) {
            out.push(&rest[..n], t.code_variable);
            n
        } else if c == '#' {
            out.push(rest, t.code_comment);
            rest.len()
        } else if c == '"' || c == '\'' {
            let n = quoted_len(rest, c, c == '"');
            out.push(&rest[..n], t.code_string);
            n
        } else if c.is_whitespace() || "[]{},|>".contains(c) {
            out.push(&rest[..c.len_utf8()], t.code_punct);
            c.len_utf8()
        } else {
            let end = [rest.find(" #"), rest.find("{{").filter(|&i| i > 0)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(rest.len());
            let n = word_len(&rest[..end], |c| !",]}".contains(c)).max(c.len_utf8());
            out.push(&rest[..n], yaml_scalar_style(&rest[..n], t));
            n
        };
        rest = &rest[n..];
    }
}

fn yaml_line(line: &str, out: &mut Tokens) {
    let t = out.theme;
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    out.push(indent, t.code);
    if trimmed.starts_with('#') {
        out.push(trimmed, t.code_comment);
        return;
    }
    if trimmed == "---" || trimmed == "..." {
        out.push(trimmed, t.code_punct);
        return;
    }
    let mut rest = trimmed;
    while let Some(after) = rest.strip_prefix("- ") {
        out.push("- ", t.code_punct);
        rest = after;
    }
    // A key is text up to ": " (or a trailing ":") outside quotes.
    let key_end = rest
        .find(": ")
        .filter(|&i| !rest[..i].contains(['"', '\'', '{']))
        .or_else(|| rest.strip_suffix(':').map(str::len));
    match key_end {
        Some(i) => {
            out.push(&rest[..i], t.code_keyword);
            out.push(":", t.code_punct);
            yaml_value(&rest[i + 1..], out);
        }
        None => yaml_value(rest, out),
    }
}

fn json_line(line: &str, out: &mut Tokens) {
    let t = out.theme;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let n = if let Some(n) = template_var_len(rest) {
            out.push(&rest[..n], t.code_variable);
            n
        } else if c == '"' {
            let n = quoted_len(rest, '"', true);
            let is_key = rest[n..].trim_start().starts_with(':');
            out.push(
                &rest[..n],
                if is_key {
                    t.code_keyword
                } else {
                    t.code_string
                },
            );
            n
        } else if c == '-' || c.is_ascii_digit() {
            let n = word_len(rest, |c| c.is_ascii_digit() || ".eE+-".contains(c));
            out.push(&rest[..n], t.code_number);
            n
        } else if c.is_ascii_alphabetic() {
            let n = word_len(rest, |c| c.is_ascii_alphabetic());
            out.push(&rest[..n], t.code_number);
            n
        } else {
            out.push(&rest[..c.len_utf8()], t.code_punct);
            c.len_utf8()
        };
        rest = &rest[n..];
    }
}

const SQL_KEYWORDS: &[&str] = &[
    "select", "from", "where", "and", "or", "not", "in", "is", "null", "as", "on", "join", "left",
    "right", "inner", "outer", "full", "cross", "group", "by", "order", "having", "limit",
    "offset", "union", "all", "distinct", "insert", "into", "values", "update", "set", "delete",
    "create", "table", "schema", "catalog", "drop", "alter", "show", "schemas", "tables",
    "catalogs", "columns", "describe", "with", "case", "when", "then", "else", "end", "asc",
    "desc", "like", "between", "exists", "true", "false", "use", "explain", "analyze", "count",
    "sum", "avg", "min", "max", "cast",
];

fn sql_line(line: &str, out: &mut Tokens) {
    let t = out.theme;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let n = if let Some(n) = template_var_len(rest) {
            out.push(&rest[..n], t.code_variable);
            n
        } else if rest.starts_with("--") {
            out.push(rest, t.code_comment);
            rest.len()
        } else if c == '\'' {
            let n = quoted_len(rest, '\'', false);
            out.push(&rest[..n], t.code_string);
            n
        } else if c == '"' {
            let n = quoted_len(rest, '"', false);
            out.push(&rest[..n], t.code_variable);
            n
        } else if c.is_ascii_digit() {
            let n = word_len(rest, |c| c.is_ascii_digit() || c == '.');
            out.push(&rest[..n], t.code_number);
            n
        } else if c.is_alphanumeric() || c == '_' {
            let n = word_len(rest, |c| c.is_alphanumeric() || c == '_');
            let word = &rest[..n];
            let style = if SQL_KEYWORDS.contains(&word.to_ascii_lowercase().as_str()) {
                t.code_keyword
            } else {
                t.code
            };
            out.push(word, style);
            n
        } else {
            out.push(&rest[..c.len_utf8()], t.code_punct);
            c.len_utf8()
        };
        rest = &rest[n..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styled<'a>(segs: &'a [Seg], text: &str) -> &'a Seg {
        segs.iter()
            .find(|s| s.text == text)
            .unwrap_or_else(|| panic!("no segment {text:?} in {segs:?}"))
    }

    #[test]
    fn shell_program_flags_strings_variables_comments() {
        let t = Theme::dark();
        let lines = highlight(
            Language::Shell,
            "kubectl get pods -l 'app=trino' | grep $NAME # look\nhelm install {{chart}}",
            &t,
        );
        assert_eq!(lines.len(), 2);
        let l = &lines[0];
        assert_eq!(styled(l, "kubectl").style, t.code_keyword);
        assert_eq!(styled(l, "-l").style, t.code_number);
        assert_eq!(styled(l, "'app=trino'").style, t.code_string);
        assert_eq!(
            styled(l, "grep").style,
            t.code_keyword,
            "program after a pipe"
        );
        assert_eq!(styled(l, "$NAME").style, t.code_variable);
        assert_eq!(styled(l, "# look").style, t.code_comment);
        assert_eq!(styled(&lines[1], "{{chart}}").style, t.code_variable);
        let text: String = l.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(text, "kubectl get pods -l 'app=trino' | grep $NAME # look");
    }

    #[test]
    fn yaml_keys_values_and_comments() {
        let t = Theme::dark();
        let lines = highlight(
            Language::Yaml,
            "spec:\n  replicas: 3\n  - name: \"web\" # main\n",
            &t,
        );
        assert_eq!(lines.len(), 3);
        assert_eq!(styled(&lines[0], "spec").style, t.code_keyword);
        assert_eq!(styled(&lines[1], "replicas").style, t.code_keyword);
        assert_eq!(styled(&lines[1], "3").style, t.code_number);
        assert_eq!(styled(&lines[2], "name").style, t.code_keyword);
        assert_eq!(styled(&lines[2], "\"web\"").style, t.code_string);
        assert_eq!(styled(&lines[2], "# main").style, t.code_comment);
    }

    #[test]
    fn json_keys_strings_numbers() {
        let t = Theme::dark();
        let lines = highlight(
            Language::Json,
            r#"{"state": "FINISHED", "rows": 12, "ok": true}"#,
            &t,
        );
        let l = &lines[0];
        assert_eq!(styled(l, "\"state\"").style, t.code_keyword);
        assert_eq!(styled(l, "\"FINISHED\"").style, t.code_string);
        assert_eq!(styled(l, "12").style, t.code_number);
        assert_eq!(styled(l, "true").style, t.code_number);
    }

    #[test]
    fn sql_keywords_any_case() {
        let t = Theme::dark();
        let lines = highlight(
            Language::Sql,
            "select count(*) FROM tpch.tiny.nation -- all",
            &t,
        );
        let l = &lines[0];
        assert_eq!(styled(l, "select").style, t.code_keyword);
        assert_eq!(styled(l, "FROM").style, t.code_keyword);
        assert_eq!(styled(l, "-- all").style, t.code_comment);
    }

    #[test]
    fn info_strings() {
        assert_eq!(Language::from_info("bash"), Language::Shell);
        assert_eq!(Language::from_info("YAML title=x"), Language::Yaml);
        assert_eq!(Language::from_info("step id=x"), Language::Plain);
    }

    #[test]
    fn odd_input_never_panics() {
        let t = Theme::dark();
        for lang in [
            Language::Shell,
            Language::Yaml,
            Language::Json,
            Language::Sql,
        ] {
            for s in [
                "", "\"", "'", "$", "${", "{{", "{{x", "#", "é'日", "- ", ":", "--", "\\",
            ] {
                let lines = highlight(lang, s, &t);
                let text: String = lines[0].iter().map(|s| s.text.as_str()).collect();
                assert_eq!(text, s, "{lang:?} lost text");
            }
        }
    }
}
