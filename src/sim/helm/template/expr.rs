//! Expressions inside tags: pipelines of function calls over paths and literals,
//! and the small set of functions the charts use.

use serde_json::Value;

/// One argument: a path, `.`, or a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// `.Values.a.b` (from the root) or `.key` (from the current range item).
    Path {
        from_root: bool,
        keys: Vec<String>,
    },
    /// A function name (first word of a command).
    Function(String),
    Literal(Value),
}

/// `cmd | cmd | ..`: each command after the first gets the previous value as its
/// last argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub commands: Vec<Vec<Arg>>,
}

const ROOT_KEYS: &[&str] = &["Values", "Release", "Chart", "Capabilities"];

pub fn parse_pipeline(source: &str) -> Result<Pipeline, String> {
    let words = split_words(source)?;
    let mut commands = vec![Vec::new()];
    for word in words {
        if word == "|" {
            commands.push(Vec::new());
            continue;
        }
        let arg = parse_arg(&word)?;
        commands
            .last_mut()
            .expect("commands starts non-empty and only grows")
            .push(arg);
    }
    if commands.iter().any(Vec::is_empty) {
        return Err(format!("empty command in {:?}", source.trim()));
    }
    for (i, command) in commands.iter().enumerate() {
        let starts_with_function = matches!(command[0], Arg::Function(_));
        if i > 0 && !starts_with_function {
            return Err(format!(
                "cannot pipe into a non-function in {:?}",
                source.trim()
            ));
        }
        if !starts_with_function && command.len() > 1 {
            return Err(format!("{:?} is not a function call", source.trim()));
        }
        if let Some(Arg::Function(name)) = command
            .iter()
            .skip(1)
            .find(|a| matches!(a, Arg::Function(_)))
        {
            return Err(format!(
                "function {name:?} used as an argument; nested calls need no parentheses here"
            ));
        }
    }
    Ok(Pipeline { commands })
}

fn split_words(source: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = source.trim().chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            let mut word = String::from('"');
            chars.next();
            let mut closed = false;
            while let Some(c) = chars.next() {
                word.push(c);
                if c == '\\' {
                    if let Some(escaped) = chars.next() {
                        word.push(escaped);
                    }
                } else if c == '"' {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err("unterminated quoted string".to_string());
            }
            words.push(word);
        } else if c == '|' {
            chars.next();
            words.push("|".to_string());
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '|' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            words.push(word);
        }
    }
    if words.is_empty() {
        return Err("missing value for command".to_string());
    }
    Ok(words)
}

fn parse_arg(word: &str) -> Result<Arg, String> {
    if word.starts_with('"') {
        let text: String =
            serde_json::from_str(word).map_err(|e| format!("bad string {word}: {e}"))?;
        return Ok(Arg::Literal(Value::String(text)));
    }
    if word == "true" || word == "false" {
        return Ok(Arg::Literal(Value::Bool(word == "true")));
    }
    if let Ok(n) = word.parse::<i64>() {
        return Ok(Arg::Literal(Value::from(n)));
    }
    if word == "." {
        return Ok(Arg::Path {
            from_root: false,
            keys: Vec::new(),
        });
    }
    if let Some(path) = word
        .strip_prefix("$.")
        .or_else(|| (word == "$").then_some(""))
    {
        return Ok(Arg::Path {
            from_root: true,
            keys: split_path(path)?,
        });
    }
    if let Some(path) = word.strip_prefix('.') {
        let keys = split_path(path)?;
        let from_root = ROOT_KEYS.contains(&keys[0].as_str());
        return Ok(Arg::Path { from_root, keys });
    }
    if word.chars().all(|c| c.is_ascii_alphanumeric())
        && word.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return Ok(Arg::Function(word.to_string()));
    }
    Err(format!("unexpected {word:?}"))
}

fn split_path(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let keys: Vec<String> = path.split('.').map(str::to_string).collect();
    if keys.iter().any(String::is_empty) {
        return Err(format!("bad path .{path}"));
    }
    Ok(keys)
}

pub fn eval_pipeline(pipeline: &Pipeline, root: &Value, dot: &Value) -> Result<Value, String> {
    let mut piped: Option<Value> = None;
    for command in &pipeline.commands {
        let mut args = Vec::with_capacity(command.len());
        for arg in &command[1..] {
            args.push(resolve(arg, root, dot)?);
        }
        let value = match &command[0] {
            Arg::Function(name) => {
                args.extend(piped.take());
                call(name, args, root)?
            }
            single => resolve(single, root, dot)?,
        };
        piped = Some(value);
    }
    Ok(piped.unwrap_or(Value::Null))
}

fn resolve(arg: &Arg, root: &Value, dot: &Value) -> Result<Value, String> {
    match arg {
        Arg::Literal(v) => Ok(v.clone()),
        Arg::Function(name) => Err(format!("function {name:?} used as a value")),
        Arg::Path { from_root, keys } => {
            let mut current = if *from_root { root } else { dot };
            for (i, key) in keys.iter().enumerate() {
                current = match current {
                    Value::Object(map) => match map.get(key) {
                        Some(v) => v,
                        None => return Ok(Value::Null),
                    },
                    Value::Null => return Ok(Value::Null),
                    other => {
                        return Err(format!(
                            "can't evaluate field {key} in .{}: it is {}",
                            keys[..i].join("."),
                            type_name(other)
                        ));
                    }
                };
            }
            Ok(current.clone())
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

fn call(name: &str, args: Vec<Value>, root: &Value) -> Result<Value, String> {
    let arity = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            ))
        }
    };
    match name {
        "fullname" => {
            arity(0)?;
            let release = root
                .pointer("/Release/Name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let chart = root
                .pointer("/Chart/Name")
                .and_then(Value::as_str)
                .unwrap_or("");
            Ok(Value::String(crate::sim::helm::chart::fullname(
                release, chart,
            )))
        }
        "default" => {
            arity(2)?;
            let [fallback, given] = two(args);
            Ok(if super::is_truthy(&given) {
                given
            } else {
                fallback
            })
        }
        "quote" => {
            arity(1)?;
            let text = scalar_text(&args[0])?;
            Ok(Value::String(
                serde_json::to_string(&text).expect("a string always serialises"),
            ))
        }
        "eq" | "ne" => {
            arity(2)?;
            let [a, b] = two(args);
            let equal = match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => a == b,
            };
            Ok(Value::Bool(equal == (name == "eq")))
        }
        "gt" | "lt" => {
            arity(2)?;
            let [a, b] = two(args);
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                return Err(format!(
                    "{name}: incompatible types for comparison: {} and {}",
                    type_name(&a),
                    type_name(&b)
                ));
            };
            Ok(Value::Bool(if name == "gt" { x > y } else { x < y }))
        }
        "not" => {
            arity(1)?;
            Ok(Value::Bool(!super::is_truthy(&args[0])))
        }
        "and" | "or" => {
            arity(2)?;
            let [a, b] = two(args);
            let pick_first = super::is_truthy(&a) != (name == "and");
            Ok(if pick_first { a } else { b })
        }
        "toYaml" => {
            arity(2)?;
            let [value, indent] = two(args);
            let yaml = match &value {
                Value::Array(a) if a.is_empty() => "[]".to_string(),
                Value::Object(o) if o.is_empty() => "{}".to_string(),
                _ => serde_norway::to_string(&value).map_err(|e| format!("toYaml: {e}"))?,
            };
            Ok(Value::String(newline_indent(&yaml, indent_width(&indent)?)))
        }
        "nindent" => {
            arity(2)?;
            let [text, indent] = two(args);
            let text = scalar_text(&text)?;
            Ok(Value::String(newline_indent(&text, indent_width(&indent)?)))
        }
        other => Err(format!("function {other:?} not defined")),
    }
}

fn two(args: Vec<Value>) -> [Value; 2] {
    let mut it = args.into_iter();
    let a = it.next().unwrap_or(Value::Null);
    let b = it.next().unwrap_or(Value::Null);
    [a, b]
}

fn scalar_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("expected a scalar, got {}", type_name(other))),
    }
}

fn indent_width(value: &Value) -> Result<usize, String> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("indent must be a non-negative number, got {value}"))
}

/// A newline, then every line of `text` indented by `width` spaces; one trailing
/// newline of `text` is dropped so the result ends where the caller's line ends.
fn newline_indent(text: &str, width: usize) -> String {
    let pad = " ".repeat(width);
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut out = String::new();
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}
