//! The shell's syntax: words with their quoting, substitutions, pipes,
//! lists and redirections, lexed and parsed into a script.

/// One piece of a word and how it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// Unquoted: expands variables and wildcards.
    Bare(String),
    /// Double-quoted: expands variables only.
    Double(String),
    /// Single-quoted or escaped: literal.
    Literal(String),
    /// `$(…)` or `` `…` ``: the output of a script; split into words when
    /// unquoted.
    Command { script: String, quoted: bool },
}

pub(super) type Word = Vec<Part>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Redirect {
    /// `>file`, `2>file`, `>>file`: fd, target.
    Out(u32, Word),
    /// `<file`.
    In(Word),
    /// `2>&1`, `>&2`: fd becomes a copy of the other.
    Dup(u32, u32),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Simple {
    pub(super) assignments: Vec<(String, Word)>,
    pub(super) words: Vec<Word>,
    pub(super) redirects: Vec<Redirect>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Connector {
    Then,
    And,
    Or,
}

/// Pipelines and what joins each to the next.
pub(super) type Script = Vec<(Vec<Simple>, Connector)>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token {
    Word(Word),
    Pipe,
    And,
    Or,
    Semi,
    Redirect(Redirect),
}

/// A syntax error, worded as the shell reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError(pub String);

pub(super) fn lex(input: &str) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut word: Word = Vec::new();
    let mut bare = String::new();
    let mut in_word = false;
    let mut i = 0;
    let flush_bare = |word: &mut Word, bare: &mut String| {
        if !bare.is_empty() {
            word.push(Part::Bare(std::mem::take(bare)));
        }
    };
    macro_rules! end_word {
        () => {
            flush_bare(&mut word, &mut bare);
            if in_word {
                tokens.push(Token::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                end_word!();
                i += 1;
            }
            '\n' | ';' | '&' if !(c == '&' && chars.get(i + 1) == Some(&'&')) => {
                end_word!();
                tokens.push(Token::Semi);
                i += 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '&' => {
                end_word!();
                tokens.push(Token::And);
                i += 2;
            }
            '|' => {
                end_word!();
                if chars.get(i + 1) == Some(&'|') {
                    tokens.push(Token::Or);
                    i += 2;
                } else {
                    tokens.push(Token::Pipe);
                    i += 1;
                }
            }
            '>' | '<' => {
                // A lone digit before it is the fd: `2>`.
                let fd = if in_word
                    && word.is_empty()
                    && bare.len() == 1
                    && bare.chars().all(|d| d.is_ascii_digit())
                {
                    let fd = bare.parse().unwrap_or(1);
                    bare.clear();
                    in_word = false;
                    Some(fd)
                } else {
                    end_word!();
                    None
                };
                if c == '<' {
                    i += 1;
                    tokens.push(Token::Redirect(Redirect::In(Vec::new())));
                    continue;
                }
                let fd = fd.unwrap_or(1);
                i += 1;
                if chars.get(i) == Some(&'>') {
                    i += 1;
                }
                if chars.get(i) == Some(&'&') {
                    let digits: String = chars[i + 1..]
                        .iter()
                        .take_while(|d| d.is_ascii_digit())
                        .collect();
                    if digits.is_empty() {
                        return Err(SyntaxError("syntax error: bad fd number".into()));
                    }
                    i += 1 + digits.len();
                    tokens.push(Token::Redirect(Redirect::Dup(
                        fd,
                        digits.parse().unwrap_or(1),
                    )));
                } else {
                    tokens.push(Token::Redirect(Redirect::Out(fd, Vec::new())));
                }
            }
            '\'' => {
                flush_bare(&mut word, &mut bare);
                let end = chars[i + 1..]
                    .iter()
                    .position(|q| *q == '\'')
                    .ok_or_else(|| {
                        SyntaxError("syntax error: unterminated quoted string".into())
                    })?;
                word.push(Part::Literal(chars[i + 1..i + 1 + end].iter().collect()));
                in_word = true;
                i += end + 2;
            }
            '"' => {
                flush_bare(&mut word, &mut bare);
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(SyntaxError(
                                "syntax error: unterminated quoted string".into(),
                            ));
                        }
                        Some('"') => break,
                        Some('\\') if matches!(chars.get(j + 1), Some('"' | '\\' | '$' | '`')) => {
                            // Keep an escaped `$` from expanding.
                            if chars[j + 1] == '$' {
                                word.push(Part::Double(std::mem::take(&mut text)));
                                word.push(Part::Literal("$".into()));
                            } else {
                                text.push(chars[j + 1]);
                            }
                            j += 2;
                        }
                        Some('$') if chars.get(j + 1) == Some(&'(') => {
                            word.push(Part::Double(std::mem::take(&mut text)));
                            let (script, next) = substitution(&chars, j + 2, ')')?;
                            word.push(Part::Command {
                                script,
                                quoted: true,
                            });
                            j = next;
                        }
                        Some('`') => {
                            word.push(Part::Double(std::mem::take(&mut text)));
                            let (script, next) = substitution(&chars, j + 1, '`')?;
                            word.push(Part::Command {
                                script,
                                quoted: true,
                            });
                            j = next;
                        }
                        Some(ch) => {
                            text.push(*ch);
                            j += 1;
                        }
                    }
                }
                word.push(Part::Double(text));
                in_word = true;
                i = j + 1;
            }
            '\\' => {
                flush_bare(&mut word, &mut bare);
                if let Some(next) = chars.get(i + 1)
                    && *next != '\n'
                {
                    word.push(Part::Literal(next.to_string()));
                    in_word = true;
                }
                i += 2;
            }
            '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') => {
                flush_bare(&mut word, &mut bare);
                let (script, next) = substitution(&chars, i + 2, ')')?;
                word.push(Part::Command {
                    script,
                    quoted: false,
                });
                in_word = true;
                i = next;
            }
            '`' => {
                flush_bare(&mut word, &mut bare);
                let (script, next) = substitution(&chars, i + 1, '`')?;
                word.push(Part::Command {
                    script,
                    quoted: false,
                });
                in_word = true;
                i = next;
            }
            c => {
                bare.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    flush_bare(&mut word, &mut bare);
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// The script of a substitution that starts at `start` (after `$(` or
/// `` ` ``) and the index after its closing `)` or `` ` ``; parentheses
/// nest and quotes hide them.
fn substitution(chars: &[char], start: usize, close: char) -> Result<(String, usize), SyntaxError> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\\' => i += 1,
            None if (c == '\'' || c == '"') && close == ')' => quote = Some(c),
            None if c == '(' && close == ')' => depth += 1,
            None if c == close && depth == 0 => {
                return Ok((chars[start..i].iter().collect(), i + 1));
            }
            None if c == ')' && close == ')' => depth -= 1,
            None => {}
        }
        i += 1;
    }
    let what = if close == ')' { "\")\"" } else { "\"`\"" };
    Err(SyntaxError(format!("syntax error: unterminated {what}")))
}

pub(super) fn parse(input: &str) -> Result<Script, SyntaxError> {
    let tokens = lex(input)?;
    let mut script: Script = Vec::new();
    let mut pipeline: Vec<Simple> = Vec::new();
    let mut simple = Simple::default();
    let mut pending_redirect: Option<Redirect> = None;
    let unexpected = |t: &str| SyntaxError(format!("syntax error: unexpected \"{t}\""));
    for token in tokens {
        if let Some(r) = pending_redirect.take() {
            let Token::Word(w) = token else {
                return Err(unexpected("newline"));
            };
            simple.redirects.push(match r {
                Redirect::Out(fd, _) => Redirect::Out(fd, w),
                Redirect::In(_) => Redirect::In(w),
                dup => dup,
            });
            continue;
        }
        match token {
            Token::Word(w) => {
                let assignment = match w.first() {
                    Some(Part::Bare(b)) if simple.words.is_empty() => b
                        .split_once('=')
                        .filter(|(n, _)| is_name(n))
                        .map(|(n, v)| (n.to_string(), v.to_string())),
                    _ => None,
                };
                match assignment {
                    Some((name, first)) => {
                        let mut value = vec![Part::Bare(first)];
                        value.extend(w[1..].iter().cloned());
                        simple.assignments.push((name, value));
                    }
                    None => simple.words.push(w),
                }
            }
            Token::Redirect(r @ Redirect::Dup(..)) => simple.redirects.push(r),
            Token::Redirect(r) => pending_redirect = Some(r),
            Token::Pipe => {
                if simple == Simple::default() {
                    return Err(unexpected("|"));
                }
                pipeline.push(std::mem::take(&mut simple));
            }
            Token::And | Token::Or | Token::Semi => {
                let connector = match token {
                    Token::And => Connector::And,
                    Token::Or => Connector::Or,
                    _ => Connector::Then,
                };
                if simple == Simple::default() {
                    if pipeline.is_empty() && connector == Connector::Then && script.is_empty() {
                        return Err(unexpected(";"));
                    }
                    if !pipeline.is_empty() || connector != Connector::Then {
                        return Err(unexpected(if connector == Connector::And {
                            "&&"
                        } else if connector == Connector::Or {
                            "||"
                        } else {
                            ";"
                        }));
                    }
                    continue;
                }
                pipeline.push(std::mem::take(&mut simple));
                script.push((std::mem::take(&mut pipeline), connector));
            }
        }
    }
    if pending_redirect.is_some() {
        return Err(unexpected("newline"));
    }
    if simple != Simple::default() {
        pipeline.push(simple);
    } else if !pipeline.is_empty() {
        return Err(unexpected("end of file"));
    }
    if !pipeline.is_empty() {
        script.push((pipeline, Connector::Then));
    } else if let Some(last) = script.last()
        && last.1 != Connector::Then
    {
        return Err(unexpected("end of file"));
    }
    Ok(script)
}

pub(super) fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_into_pipelines() {
        let script = parse("cat /etc/hosts | grep -i local && echo 'a b' || exit 3; cd /").unwrap();
        assert_eq!(script.len(), 4);
        assert_eq!(script[0].0.len(), 2);
        assert_eq!(script[0].1, Connector::And);
        assert_eq!(script[1].1, Connector::Or);
        assert_eq!(script[2].1, Connector::Then);
        assert!(parse("| x").is_err());
        assert!(parse("echo 'open").is_err());
        assert!(parse("a &&").is_err());
        let nested = lex("echo $(echo \"$(hostname)\" ')') x").unwrap();
        assert_eq!(
            nested[1],
            Token::Word(vec![Part::Command {
                script: "echo \"$(hostname)\" ')'".into(),
                quoted: false
            }])
        );
        assert_eq!(nested.len(), 3);
        assert!(parse("echo $(hostname").is_err());
        let redirected = parse("ls /x 2>&1 >/dev/null").unwrap();
        assert_eq!(redirected[0].0[0].redirects.len(), 2);
    }
}
