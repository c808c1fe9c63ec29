//! helm's `--set` syntax (`a.b=1,list={x,y},l[0]=z`, backslash escapes) and its
//! typing rules, applied onto a values tree.

use serde_json::{Map, Value};

use super::values::ValuesError;

/// Applies one `--set` (or, with `as_string`, `--set-string`) argument.
pub(super) fn apply_set(
    values: &mut Value,
    expression: &str,
    as_string: bool,
) -> Result<(), ValuesError> {
    for (key, raw) in split_assignments(expression)? {
        let value = match raw {
            RawValue::Scalar(text) => typed_value(&text, as_string),
            RawValue::List(items) => Value::Array(
                items
                    .iter()
                    .map(|item| typed_value(item, as_string))
                    .collect(),
            ),
        };
        set_path(values, &parse_key(&key)?, value)?;
    }
    Ok(())
}

/// helm's scalar typing for `--set`: booleans, null, integers without a leading
/// zero; everything else (floats included) stays a string.
fn typed_value(text: &str, as_string: bool) -> Value {
    if as_string {
        return Value::String(text.to_string());
    }
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::from(0);
    }
    if !text.is_empty()
        && !text.starts_with('0')
        && let Ok(n) = text.parse::<i64>()
    {
        return Value::from(n);
    }
    Value::String(text.to_string())
}

enum RawValue {
    Scalar(String),
    List(Vec<String>),
}

/// Splits `a=1,b={x,y},c=d\,e` into assignments, honouring `\` escapes and braces.
fn split_assignments(expression: &str) -> Result<Vec<(String, RawValue)>, ValuesError> {
    let mut out = Vec::new();
    let mut chars = expression.chars().peekable();
    loop {
        let mut key = String::new();
        let mut found_equals = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    // Keep the escape in keys: `\.` must survive to parse_key.
                    key.push('\\');
                    if let Some(n) = chars.next() {
                        key.push(n);
                    }
                }
                '=' => {
                    found_equals = true;
                    break;
                }
                ',' => {
                    return Err(ValuesError::Set(format!(
                        "key {key:?} has no value (cannot end with ,)"
                    )));
                }
                c => key.push(c),
            }
        }
        if !found_equals {
            if key.is_empty() && out.is_empty() {
                return Err(ValuesError::Set("empty --set expression".to_string()));
            }
            return Err(ValuesError::Set(format!("key {key:?} has no value")));
        }
        let value = if chars.peek() == Some(&'{') {
            chars.next();
            let mut items = Vec::new();
            let mut item = String::new();
            let mut closed = false;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => item.extend(chars.next()),
                    ',' => items.push(std::mem::take(&mut item)),
                    '}' => {
                        closed = true;
                        break;
                    }
                    c => item.push(c),
                }
            }
            if !closed {
                return Err(ValuesError::Set(format!(
                    "list value of key {key:?} has no closing brace"
                )));
            }
            if !item.is_empty() || !items.is_empty() {
                items.push(item);
            }
            RawValue::List(items)
        } else {
            let mut text = String::new();
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                chars.next();
                if c == '\\' {
                    text.extend(chars.next());
                } else {
                    text.push(c);
                }
            }
            RawValue::Scalar(text)
        };
        out.push((key, value));
        match chars.next() {
            None => return Ok(out),
            Some(',') => continue,
            Some(c) => {
                return Err(ValuesError::Set(format!(
                    "unexpected {c:?} after the value of key {:?}",
                    out.last().map(|(k, _)| k.as_str()).unwrap_or("")
                )));
            }
        }
    }
}

#[derive(Debug, PartialEq)]
enum KeyPart {
    Field(String),
    Index(usize),
}

/// `a.b[0].c\.d` → Field(a) Field(b) Index(0) Field(c.d)
fn parse_key(key: &str) -> Result<Vec<KeyPart>, ValuesError> {
    let bad = |why: &str| ValuesError::Set(format!("key {key:?}: {why}"));
    let mut parts = Vec::new();
    let mut field = String::new();
    let mut chars = key.chars();
    let mut after_index = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            '.' => {
                if field.is_empty() && !after_index {
                    return Err(bad("empty key segment"));
                }
                if !field.is_empty() {
                    parts.push(KeyPart::Field(std::mem::take(&mut field)));
                }
                after_index = false;
            }
            '[' => {
                if !field.is_empty() {
                    parts.push(KeyPart::Field(std::mem::take(&mut field)));
                }
                let digits: String = chars.by_ref().take_while(|&c| c != ']').collect();
                let index = digits
                    .parse::<usize>()
                    .map_err(|_| bad("list index must be a non-negative integer"))?;
                if index > 65536 {
                    return Err(bad("list index is too large"));
                }
                parts.push(KeyPart::Index(index));
                after_index = true;
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() {
        parts.push(KeyPart::Field(field));
    } else if !after_index {
        return Err(bad("empty key segment"));
    }
    if parts.is_empty() {
        return Err(bad("empty key"));
    }
    Ok(parts)
}

fn set_path(target: &mut Value, path: &[KeyPart], value: Value) -> Result<(), ValuesError> {
    let Some((first, rest)) = path.split_first() else {
        *target = value;
        return Ok(());
    };
    match first {
        KeyPart::Field(name) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let map = target.as_object_mut().expect("just made an object");
            let slot = map.entry(name.clone()).or_insert(Value::Null);
            if rest.is_empty() {
                *slot = value;
                Ok(())
            } else {
                set_path(slot, rest, value)
            }
        }
        KeyPart::Index(index) => {
            if !target.is_array() {
                *target = Value::Array(Vec::new());
            }
            let list = target.as_array_mut().expect("just made a list");
            if list.len() <= *index {
                list.resize(index + 1, Value::Null);
            }
            set_path(&mut list[*index], rest, value)
        }
    }
}
