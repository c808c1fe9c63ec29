//! The two pattern languages the container's tools need: grep's basic
//! regular expressions (`^ $ . * [...]` and `\` escapes; with `-E` also
//! `+ ?`) and the shell's wildcards (`* ? [...]`).

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Char(char),
    Any,
    Class {
        negated: bool,
        items: Vec<(char, char)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    One,
    /// `*`
    Many,
    /// `+` (extended)
    OneOrMore,
    /// `?` (extended)
    Optional,
}

/// A compiled grep pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regex {
    anchored_start: bool,
    anchored_end: bool,
    pieces: Vec<(Atom, Repeat)>,
    ignore_case: bool,
}

impl Regex {
    pub fn new(pattern: &str, extended: bool, ignore_case: bool) -> Regex {
        let mut chars: Vec<char> = pattern.chars().collect();
        let anchored_start = chars.first() == Some(&'^');
        if anchored_start {
            chars.remove(0);
        }
        let anchored_end = chars.last() == Some(&'$') && !ends_escaped(&chars);
        if anchored_end {
            chars.pop();
        }
        let mut pieces: Vec<(Atom, Repeat)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let repeat = match c {
                '*' if !pieces.is_empty() => Some(Repeat::Many),
                '+' if extended && !pieces.is_empty() => Some(Repeat::OneOrMore),
                '?' if extended && !pieces.is_empty() => Some(Repeat::Optional),
                _ => None,
            };
            if let Some(r) = repeat {
                if let Some(last) = pieces.last_mut() {
                    last.1 = r;
                }
                i += 1;
                continue;
            }
            let atom = match c {
                '.' => Atom::Any,
                '\\' if i + 1 < chars.len() => {
                    i += 1;
                    Atom::Char(chars[i])
                }
                '[' => {
                    let (atom, next) = class(&chars, i);
                    i = next;
                    pieces.push((atom, Repeat::One));
                    continue;
                }
                c => Atom::Char(c),
            };
            pieces.push((atom, Repeat::One));
            i += 1;
        }
        Regex {
            anchored_start,
            anchored_end,
            pieces,
            ignore_case,
        }
    }

    pub fn is_match(&self, line: &str) -> bool {
        let text: Vec<char> = line.chars().collect();
        let starts: Vec<usize> = if self.anchored_start {
            vec![0]
        } else {
            (0..=text.len()).collect()
        };
        starts
            .into_iter()
            .any(|s| self.match_here(&self.pieces, &text, s))
    }

    fn match_here(&self, pieces: &[(Atom, Repeat)], text: &[char], at: usize) -> bool {
        let Some(((atom, repeat), rest)) = pieces.split_first() else {
            return !self.anchored_end || at == text.len();
        };
        let fits = |i: usize| i < text.len() && self.atom_matches(atom, text[i]);
        match repeat {
            Repeat::One => fits(at) && self.match_here(rest, text, at + 1),
            Repeat::Optional => {
                (fits(at) && self.match_here(rest, text, at + 1)) || self.match_here(rest, text, at)
            }
            Repeat::Many | Repeat::OneOrMore => {
                let min = usize::from(*repeat == Repeat::OneOrMore);
                let mut end = at;
                while fits(end) {
                    end += 1;
                }
                (at + min..=end)
                    .rev()
                    .any(|i| self.match_here(rest, text, i))
            }
        }
    }

    fn atom_matches(&self, atom: &Atom, c: char) -> bool {
        let fold = |c: char| {
            if self.ignore_case {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c
            }
        };
        match atom {
            Atom::Any => true,
            Atom::Char(a) => fold(*a) == fold(c),
            Atom::Class { negated, items } => {
                let inside = items
                    .iter()
                    .any(|(lo, hi)| (*lo..=*hi).contains(&c) || (*lo..=*hi).contains(&fold(c)));
                inside != *negated
            }
        }
    }
}

fn ends_escaped(chars: &[char]) -> bool {
    chars.len() >= 2 && chars[chars.len() - 2] == '\\'
}

/// A `[...]` class starting at `start`; returns it and the index after `]`.
fn class(chars: &[char], start: usize) -> (Atom, usize) {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('^' | '!'));
    if negated {
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    while i < chars.len() && (chars[i] != ']' || first) {
        first = false;
        let lo = chars[i];
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
            items.push((lo, chars[i + 2]));
            i += 3;
        } else {
            items.push((lo, lo));
            i += 1;
        }
    }
    if i >= chars.len() {
        // No closing bracket: a literal `[`.
        return (Atom::Char('['), start + 1);
    }
    (Atom::Class { negated, items }, i + 1)
}

/// Whether a shell word has wildcards to expand.
pub fn has_wildcards(word: &str) -> bool {
    word.contains(['*', '?', '['])
}

/// Shell wildcard match of one path component; a leading `.` must be
/// matched explicitly.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    if name.starts_with('.') && !pattern.starts_with('.') {
        return false;
    }
    let mut regex = String::from("^");
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => regex.push_str(".*"),
            '?' => regex.push('.'),
            '[' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|c| *c == ']')
                    .map(|p| p + i + 1);
                match end {
                    Some(end) => {
                        regex.extend(&chars[i..=end]);
                        i = end;
                    }
                    None => regex.push_str("\\["),
                }
            }
            c => {
                regex.push('\\');
                regex.push(c);
            }
        }
        i += 1;
    }
    regex.push('$');
    Regex::new(&regex, false, false).is_match(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_regular_expressions() {
        let re = |p: &str| Regex::new(p, false, false);
        assert!(re("coordinator").is_match("coordinator=true"));
        assert!(re("^coord.*=true$").is_match("coordinator=true"));
        assert!(!re("^true").is_match("coordinator=true"));
        assert!(re("http-server\\.http\\.port").is_match("http-server.http.port=8080"));
        assert!(re("[0-9][0-9]*$").is_match("port=8080"));
        assert!(!re("[^a-z=]").is_match("abc=def"));
        assert!(Regex::new("COORD", false, true).is_match("coordinator=true"));
        assert!(Regex::new("8+0?$", true, false).is_match("port=88"));
        assert!(re("a*").is_match(""));
    }

    #[test]
    fn wildcards_match_names() {
        assert!(wildcard_match("*.properties", "config.properties"));
        assert!(!wildcard_match("*.properties", "jvm.config"));
        assert!(!wildcard_match("*", "..data"));
        assert!(wildcard_match("..*", "..data"));
        assert!(wildcard_match("tp?h.*", "tpch.properties"));
    }
}
