//! The chart template language: a small subset of Go templates, enough for the
//! project's own Trino charts. The syntax is documented in `assets/charts/README.md`.
//!
//! A template is parsed once into [`Node`]s and rendered against a context value
//! (`{"Values": .., "Release": .., "Chart": ..}`).

mod expr;
mod parse;

use serde_json::Value;

pub use expr::{Arg, Pipeline};

/// An error in a template, with the template's name and the 1-based line of the tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template: {template}:{line}: {message}")]
pub struct TemplateError {
    pub template: String,
    pub line: usize,
    pub message: String,
}

/// One parsed piece of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    /// `{{ pipeline }}`: prints the pipeline's value.
    Print {
        pipeline: Pipeline,
        line: usize,
    },
    /// `{{ if pipeline }} .. {{ else }} .. {{ end }}`
    If {
        condition: Pipeline,
        then: Vec<Node>,
        otherwise: Vec<Node>,
        line: usize,
    },
    /// `{{ range pipeline }} .. {{ end }}`: the body runs once per list item, or
    /// once per map entry (as `{"key": .., "value": ..}`), with `.` bound to it.
    Range {
        over: Pipeline,
        body: Vec<Node>,
        line: usize,
    },
}

/// A parsed template, ready to render any number of times.
#[derive(Debug, Clone)]
pub struct Template {
    name: String,
    nodes: Vec<Node>,
}

impl Template {
    pub fn parse(name: &str, source: &str) -> Result<Template, TemplateError> {
        let nodes = parse::parse(name, source)?;
        Ok(Template {
            name: name.to_string(),
            nodes,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renders the template against `root`. Paths under `.Values`, `.Release`,
    /// `.Chart` (or any path starting with `$.`) resolve from `root`; other paths
    /// from the current `range` item.
    pub fn render(&self, root: &Value) -> Result<String, TemplateError> {
        let mut out = String::new();
        let renderer = Renderer {
            template: &self.name,
            root,
        };
        renderer.render_nodes(&self.nodes, root, &mut out)?;
        Ok(out)
    }
}

struct Renderer<'a> {
    template: &'a str,
    root: &'a Value,
}

impl Renderer<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> TemplateError {
        TemplateError {
            template: self.template.to_string(),
            line,
            message: message.into(),
        }
    }

    fn render_nodes(
        &self,
        nodes: &[Node],
        dot: &Value,
        out: &mut String,
    ) -> Result<(), TemplateError> {
        for node in nodes {
            match node {
                Node::Text(text) => out.push_str(text),
                Node::Print { pipeline, line } => {
                    let value = self.eval(pipeline, dot, *line)?;
                    out.push_str(&print_scalar(&value).map_err(|m| self.error(*line, m))?);
                }
                Node::If {
                    condition,
                    then,
                    otherwise,
                    line,
                } => {
                    let value = self.eval(condition, dot, *line)?;
                    let branch = if is_truthy(&value) { then } else { otherwise };
                    self.render_nodes(branch, dot, out)?;
                }
                Node::Range { over, body, line } => {
                    let value = self.eval(over, dot, *line)?;
                    match value {
                        Value::Array(items) => {
                            for item in &items {
                                self.render_nodes(body, item, out)?;
                            }
                        }
                        Value::Object(map) => {
                            for (key, value) in map {
                                let entry = serde_json::json!({ "key": key, "value": value });
                                self.render_nodes(body, &entry, out)?;
                            }
                        }
                        Value::Null => {}
                        other => {
                            return Err(self.error(
                                *line,
                                format!("range can't iterate over {}", print_inline(&other)),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn eval(&self, pipeline: &Pipeline, dot: &Value, line: usize) -> Result<Value, TemplateError> {
        expr::eval_pipeline(pipeline, self.root, dot).map_err(|m| self.error(line, m))
    }
}

/// Go templates' notion of truth: false, 0, "", null and empty collections are false.
pub fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// How a printed value appears in the output. Collections must go through
/// `toYaml`: printing one directly is almost always a template mistake.
fn print_scalar(value: &Value) -> Result<String, String> {
    match value {
        Value::Null => Ok(String::new()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s.clone()),
        Value::Array(_) | Value::Object(_) => Err(format!(
            "cannot print the collection {} directly; use toYaml",
            print_inline(value)
        )),
    }
}

fn print_inline(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "<unprintable>".to_string())
}

#[cfg(test)]
mod tests;
