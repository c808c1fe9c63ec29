//! Pure text layout: the server-side Table printed like `kubectl get`, in the
//! shared tabwriter layout ([`crate::sim::text`]). No I/O.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::sim::text::TabWriter;

/// How to print a server-side Table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableOptions {
    /// `-o wide`: also the columns of priority > 0.
    pub wide: bool,
    /// `-A`: a NAMESPACE column first.
    pub with_namespace: bool,
    pub show_labels: bool,
    pub no_headers: bool,
}

/// The lines `kubectl get` prints for a `meta.k8s.io/v1` Table (several
/// Tables of one kind, e.g. one per named object, print as one).
pub fn render_tables(tables: &[Value], opts: TableOptions) -> Vec<String> {
    let Some(first) = tables.first() else {
        return Vec::new();
    };
    let columns: Vec<(usize, String)> = first["columnDefinitions"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, c)| opts.wide || c["priority"].as_i64().unwrap_or(0) == 0)
        .map(|(i, c)| (i, c["name"].as_str().unwrap_or_default().to_uppercase()))
        .collect();
    let mut lines = Vec::new();
    if !opts.no_headers {
        let mut header: Vec<String> = Vec::new();
        if opts.with_namespace {
            header.push("NAMESPACE".into());
        }
        header.extend(columns.iter().map(|(_, name)| name.clone()));
        if opts.show_labels {
            header.push("LABELS".into());
        }
        lines.push(header.join("\t"));
    }
    for row in tables
        .iter()
        .flat_map(|t| t["rows"].as_array().map(Vec::as_slice).unwrap_or_default())
    {
        let metadata = &row["object"]["metadata"];
        let mut cells: Vec<String> = Vec::new();
        if opts.with_namespace {
            cells.push(metadata["namespace"].as_str().unwrap_or_default().into());
        }
        cells.extend(columns.iter().map(|(i, _)| cell_text(&row["cells"][*i])));
        if opts.show_labels {
            cells.push(labels_text(&metadata["labels"]));
        }
        lines.push(cells.join("\t"));
    }
    TabWriter::KUBECTL_GET.lines(&lines)
}

/// A cell as kubectl prints it: strings as they are, numbers and booleans
/// in their plain form, nothing as `<none>`.
pub fn cell_text(cell: &Value) -> String {
    match cell {
        Value::Null => "<none>".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// `a=1,b=2` (sorted by key), or `<none>`.
pub fn labels_text(labels: &Value) -> String {
    let map: BTreeMap<&str, &str> = labels
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    if map.is_empty() {
        return "<none>".into();
    }
    map.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// kubectl's "No resources found" line for an empty answer.
pub fn no_resources(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".into(),
    }
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
