//! Pure text layout: a tab-stop aligner that lays out cells the way kubectl's
//! Go tabwriter does, the server-side Table printed like `kubectl get`, and
//! kubectl's human durations. No I/O.

use std::collections::BTreeMap;

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// kubectl prints tables with a minimum cell width of 6 and 3 spaces of padding.
pub const TABLE_MIN_WIDTH: usize = 6;
pub const TABLE_PADDING: usize = 3;
/// `kubectl describe` uses no minimum width and 2 spaces of padding.
pub const DESCRIBE_PADDING: usize = 2;

/// Align tab-separated cells into columns. Like Go's text/tabwriter, a
/// column is a run of consecutive lines that have a tab-terminated cell in
/// it, and the text after a line's last tab is never padded.
pub fn align(lines: &[String], min_width: usize, padding: usize) -> Vec<String> {
    let cells: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<Vec<usize>> = cells
        .iter()
        .map(|c| vec![0; c.len().saturating_sub(1)])
        .collect();
    layout(&cells, 0..cells.len(), 0, min_width, padding, &mut widths);
    cells
        .iter()
        .zip(&widths)
        .map(|(line, w)| {
            let mut out = String::new();
            for (i, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if let Some(width) = w.get(i) {
                    let pad = width.saturating_sub(cell.width());
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out
        })
        .collect()
}

fn layout(
    cells: &[Vec<&str>],
    range: std::ops::Range<usize>,
    column: usize,
    min_width: usize,
    padding: usize,
    widths: &mut [Vec<usize>],
) {
    let terminated = |line: usize| cells[line].len().saturating_sub(1);
    let mut line = range.start;
    while line < range.end {
        if terminated(line) <= column {
            line += 1;
            continue;
        }
        let start = line;
        let mut width = min_width;
        while line < range.end && terminated(line) > column {
            width = width.max(cells[line][column].width() + padding);
            line += 1;
        }
        for w in &mut widths[start..line] {
            w[column] = width;
        }
        layout(cells, start..line, column + 1, min_width, padding, widths);
    }
}

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
    align(&lines, TABLE_MIN_WIDTH, TABLE_PADDING)
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

/// An age the way kubectl shows one: `45s`, `3m20s`, `12m`, `5h10m`, `3d`.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    let s = seconds.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        match s % 60 {
            0 => format!("{m}m"),
            rest => format!("{m}m{rest}s"),
        }
    } else if m < 180 {
        format!("{m}m")
    } else if h < 8 {
        match m % 60 {
            0 => format!("{h}h"),
            rest => format!("{h}h{rest}m"),
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        match h % 24 {
            0 => format!("{d}d"),
            rest => format!("{d}d{rest}h"),
        }
    } else if h < 24 * 365 * 2 {
        format!("{d}d")
    } else {
        format!("{}y", d / 365)
    }
}

#[cfg(test)]
#[path = "format_tests.rs"]
mod tests;
