//! Turns template source into nodes: finds `{{ .. }}` tags, drops the lines that
//! hold nothing but a control tag, and nests `if`/`range` blocks.

use super::expr::{Pipeline, parse_pipeline};
use super::{Node, TemplateError};

#[derive(Debug)]
enum Token {
    Text(String),
    Tag { body: String, line: usize },
}

#[derive(Debug)]
enum TagKind {
    If(Pipeline),
    Range(Pipeline),
    Else,
    End,
    Comment,
    Print(Pipeline),
}

impl TagKind {
    fn is_control(&self) -> bool {
        !matches!(self, TagKind::Print(_))
    }
}

pub(super) fn parse(name: &str, source: &str) -> Result<Vec<Node>, TemplateError> {
    let error = |line: usize, message: String| TemplateError {
        template: name.to_string(),
        line,
        message,
    };
    let tokens = tokenize(source).map_err(|(line, m)| error(line, m))?;

    let mut kinds: Vec<Option<TagKind>> = Vec::with_capacity(tokens.len());
    for token in &tokens {
        kinds.push(match token {
            Token::Text(_) => None,
            Token::Tag { body, line } => Some(classify(body).map_err(|m| error(*line, m))?),
        });
    }

    let texts = trim_standalone_lines(&tokens, &kinds);

    // Nest blocks with an explicit stack of open frames.
    struct Frame {
        opener: Option<(TagKind, usize)>,
        then: Vec<Node>,
        otherwise: Option<Vec<Node>>,
    }
    impl Frame {
        fn current(&mut self) -> &mut Vec<Node> {
            match &mut self.otherwise {
                Some(nodes) => nodes,
                None => &mut self.then,
            }
        }
    }
    let mut stack = vec![Frame {
        opener: None,
        then: Vec::new(),
        otherwise: None,
    }];
    for ((token, kind), text) in tokens.into_iter().zip(kinds).zip(texts) {
        let line = match &token {
            Token::Tag { line, .. } => *line,
            Token::Text(_) => 0,
        };
        let top = stack.last_mut().expect("the root frame is never popped");
        match kind {
            None => {
                if !text.is_empty() {
                    top.current().push(Node::Text(text));
                }
            }
            Some(TagKind::Print(pipeline)) => top.current().push(Node::Print { pipeline, line }),
            Some(TagKind::Comment) => {}
            Some(opener @ (TagKind::If(_) | TagKind::Range(_))) => stack.push(Frame {
                opener: Some((opener, line)),
                then: Vec::new(),
                otherwise: None,
            }),
            Some(TagKind::Else) => match &top.opener {
                Some((TagKind::If(_), _)) if top.otherwise.is_none() => {
                    top.otherwise = Some(Vec::new())
                }
                _ => return Err(error(line, "unexpected {{else}}".to_string())),
            },
            Some(TagKind::End) => {
                let frame = stack.pop().expect("the root frame is never popped");
                let node = match frame.opener {
                    Some((TagKind::If(condition), line)) => Node::If {
                        condition,
                        then: frame.then,
                        otherwise: frame.otherwise.unwrap_or_default(),
                        line,
                    },
                    Some((TagKind::Range(over), line)) => Node::Range {
                        over,
                        body: frame.then,
                        line,
                    },
                    _ => return Err(error(line, "unexpected {{end}}".to_string())),
                };
                stack
                    .last_mut()
                    .expect("a block frame always has a parent")
                    .current()
                    .push(node);
            }
        }
    }
    if stack.len() > 1 {
        let line = stack
            .last()
            .and_then(|f| f.opener.as_ref())
            .map_or(0, |(_, line)| *line);
        return Err(error(line, "unclosed block: missing {{end}}".to_string()));
    }
    let mut root = stack.pop().expect("the root frame is never popped");
    Ok(std::mem::take(&mut root.then))
}

fn tokenize(source: &str) -> Result<Vec<Token>, (usize, String)> {
    let mut tokens = Vec::new();
    let mut rest = source;
    let mut line = 1;
    while let Some(start) = rest.find("{{") {
        let (text, after) = rest.split_at(start);
        if !text.is_empty() {
            tokens.push(Token::Text(text.to_string()));
        }
        line += text.matches('\n').count();
        let Some(end) = after.find("}}") else {
            return Err((line, "unclosed action: missing }}".to_string()));
        };
        let body = &after[2..end];
        if body.starts_with('-') || body.ends_with('-') {
            return Err((
                line,
                "whitespace trimming ({{- and -}}) is not supported: a line holding only a \
                 control tag is removed instead"
                    .to_string(),
            ));
        }
        tokens.push(Token::Tag {
            body: body.to_string(),
            line,
        });
        line += body.matches('\n').count();
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        tokens.push(Token::Text(rest.to_string()));
    }
    Ok(tokens)
}

fn classify(body: &str) -> Result<TagKind, String> {
    let body = body.trim();
    if body.starts_with("/*") {
        return if body.ends_with("*/") {
            Ok(TagKind::Comment)
        } else {
            Err("unclosed comment".to_string())
        };
    }
    let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    match word {
        "if" => Ok(TagKind::If(parse_pipeline(rest)?)),
        "range" => Ok(TagKind::Range(parse_pipeline(rest)?)),
        "else" if rest.trim().is_empty() => Ok(TagKind::Else),
        "end" if rest.trim().is_empty() => Ok(TagKind::End),
        "else" | "end" => Err(format!("unexpected words after {{{{{word}}}}}")),
        _ => Ok(TagKind::Print(parse_pipeline(body)?)),
    }
}

/// A control tag alone on its line takes the whole line with it, so that
/// `{{ if }}`/`{{ end }}` lines leave no blank lines or stray indentation behind.
fn trim_standalone_lines(tokens: &[Token], kinds: &[Option<TagKind>]) -> Vec<String> {
    let mut trim_leading_line = vec![false; tokens.len()];
    let mut trim_trailing_indent = vec![false; tokens.len()];
    for (i, kind) in kinds.iter().enumerate() {
        if !kind.as_ref().is_some_and(TagKind::is_control) {
            continue;
        }
        let alone_before = match i.checked_sub(1).map(|p| &tokens[p]) {
            None => true,
            Some(Token::Text(text)) => match text.rfind('\n') {
                Some(nl) => text[nl + 1..].trim().is_empty(),
                None => i == 1 && text.trim().is_empty(),
            },
            Some(Token::Tag { .. }) => false,
        };
        let alone_after = match tokens.get(i + 1) {
            None => true,
            Some(Token::Text(text)) => match text.find('\n') {
                Some(nl) => text[..nl].trim().is_empty(),
                None => i + 2 == tokens.len() && text.trim().is_empty(),
            },
            Some(Token::Tag { .. }) => false,
        };
        if alone_before && alone_after {
            if i > 0 {
                trim_trailing_indent[i - 1] = true;
            }
            if i + 1 < tokens.len() {
                trim_leading_line[i + 1] = true;
            }
        }
    }
    tokens
        .iter()
        .enumerate()
        .map(|(i, token)| match token {
            Token::Tag { .. } => String::new(),
            Token::Text(text) => {
                let start = if trim_leading_line[i] {
                    text.find('\n').map_or(text.len(), |nl| nl + 1)
                } else {
                    0
                };
                let end = if trim_trailing_indent[i] {
                    text.rfind('\n').map_or(0, |nl| nl + 1)
                } else {
                    text.len()
                };
                if start >= end {
                    String::new()
                } else {
                    text[start..end].to_string()
                }
            }
        })
        .collect()
}
