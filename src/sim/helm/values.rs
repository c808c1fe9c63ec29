//! Chart values: parsing values files, helm's `--set` syntax, and merging them
//! in helm's order (chart defaults, then `-f` files, then `--set`).

use serde_json::{Map, Value};

use super::set_syntax;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValuesError {
    #[error("failed to parse {source_name}: {message}")]
    Yaml {
        source_name: String,
        message: String,
    },
    #[error("failed parsing --set data: {0}")]
    Set(String),
}

/// Parses a values file. An empty file is an empty map; anything but a map is an error.
pub fn parse_values_yaml(source_name: &str, text: &str) -> Result<Value, ValuesError> {
    let yaml_error = |message: String| ValuesError::Yaml {
        source_name: source_name.to_string(),
        message,
    };
    let value: Value = serde_norway::from_str(text).map_err(|e| yaml_error(e.to_string()))?;
    match value {
        Value::Null => Ok(Value::Object(Map::new())),
        Value::Object(_) => Ok(value),
        _ => Err(yaml_error(
            "error converting YAML to JSON: the top level must be a map".to_string(),
        )),
    }
}

/// Merges `overlay` into `base`: maps merge key by key, everything else
/// (lists included) is replaced, and a `null` in the overlay removes the key.
pub fn merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base_map), Value::Object(overlay_map)) => {
            for (key, value) in overlay_map {
                if value.is_null() {
                    base_map.remove(&key);
                    continue;
                }
                match base_map.get_mut(&key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        merge(existing, value)
                    }
                    _ => {
                        base_map.insert(key, strip_nulls(value));
                    }
                }
            }
        }
        (base, overlay) => *base = strip_nulls(overlay),
    }
}

fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The user's values in the order helm applies them: `-f` files, then `--set`
/// and `--set-string` in command-line order. Chart defaults come last, in
/// [`coalesce`].
#[derive(Debug, Clone, Default)]
pub struct UserValues {
    values: Value,
}

impl UserValues {
    pub fn new() -> UserValues {
        UserValues {
            values: Value::Object(Map::new()),
        }
    }

    pub fn add_file(&mut self, source_name: &str, text: &str) -> Result<(), ValuesError> {
        let file = parse_values_yaml(source_name, text)?;
        deep_overwrite(&mut self.values, file);
        Ok(())
    }

    /// One `--set` argument (`a.b=1,c={x,y}`); with `as_string`, `--set-string`.
    pub fn add_set(&mut self, expression: &str, as_string: bool) -> Result<(), ValuesError> {
        set_syntax::apply_set(&mut self.values, expression, as_string)
    }

    /// Values recorded earlier (a release's), to build on with `--reuse-values`.
    pub fn from_value(values: Value) -> UserValues {
        if values.is_object() {
            UserValues { values }
        } else {
            UserValues::new()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.as_object().is_none_or(|m| m.is_empty())
    }

    pub fn as_value(&self) -> &Value {
        &self.values
    }
}

/// Chart defaults overlaid with the user's values.
pub fn coalesce(chart_defaults: &Value, user: &UserValues) -> Value {
    let mut values = chart_defaults.clone();
    merge(&mut values, user.values.clone());
    values
}

/// Like [`merge`] but keeps nulls, so that a later layer can still delete a chart default.
fn deep_overwrite(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base_map), Value::Object(overlay_map)) => {
            for (key, value) in overlay_map {
                match base_map.get_mut(&key) {
                    Some(existing) if existing.is_object() && value.is_object() => {
                        deep_overwrite(existing, value)
                    }
                    _ => {
                        base_map.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn set(expressions: &[&str]) -> Value {
        let mut user = UserValues::new();
        for e in expressions {
            user.add_set(e, false).expect("valid --set");
        }
        user.as_value().clone()
    }

    #[test]
    fn dotted_paths_and_types() {
        assert_eq!(
            set(&[
                "server.workers=3",
                "image.tag=355",
                "a=true",
                "b=1.5",
                "c=007",
                "d=0"
            ]),
            json!({"server": {"workers": 3}, "image": {"tag": 355}, "a": true, "b": "1.5", "c": "007", "d": 0})
        );
    }

    #[test]
    fn lists_commas_and_escapes() {
        assert_eq!(
            set(&["x={a,b},y=c\\,d", "e.f\\.g=h", "l[1]=z"]),
            json!({"x": ["a", "b"], "y": "c,d", "e": {"f.g": "h"}, "l": [null, "z"]})
        );
    }

    #[test]
    fn set_string_keeps_text() {
        let mut user = UserValues::new();
        user.add_set("image.tag=355", true).expect("valid");
        assert_eq!(user.as_value(), &json!({"image": {"tag": "355"}}));
    }

    #[test]
    fn missing_value_is_an_error() {
        let mut user = UserValues::new();
        let err = user.add_set("server.workers", false).expect_err("no =");
        assert_eq!(
            err.to_string(),
            "failed parsing --set data: key \"server.workers\" has no value"
        );
        assert!(user.add_set("a=1,b", false).is_err());
        assert!(user.add_set("a={x,y", false).is_err());
    }

    #[test]
    fn files_then_set_then_coalesce_with_null_deleting() {
        let defaults = json!({"image": {"repository": "trinodb/trino", "tag": "latest"},
                              "server": {"workers": 2}, "resources": {"limits": {"cpu": 1}}});
        let mut user = UserValues::new();
        user.add_file("a.yaml", "server:\n  workers: 5\nimage:\n  tag: \"400\"\n")
            .expect("valid yaml");
        user.add_file("b.yaml", "server:\n  workers: 4\n")
            .expect("valid yaml");
        user.add_set("image.tag=355,resources=null", false)
            .expect("valid");
        let values = coalesce(&defaults, &user);
        assert_eq!(
            values,
            json!({"image": {"repository": "trinodb/trino", "tag": 355}, "server": {"workers": 4}})
        );
    }

    #[test]
    fn values_file_must_be_a_map() {
        assert!(parse_values_yaml("v.yaml", "- a\n- b\n").is_err());
        assert_eq!(
            parse_values_yaml("v.yaml", "").expect("empty ok"),
            json!({})
        );
    }
}
