//! Tables: columns sized to their content, shrunk to fit the width, and each
//! cell wrapped inside its column.

use pulldown_cmark::Alignment;
use ratatui::style::Style;

use crate::tui::markdown::wrap::{Seg, segs_width, wrap};

const SEPARATOR: &str = " │ ";
const SEPARATOR_WIDTH: usize = 3;

#[derive(Debug, Default)]
pub struct TableBuilder {
    pub alignments: Vec<Alignment>,
    pub header: Option<Vec<Vec<Seg>>>,
    pub rows: Vec<Vec<Vec<Seg>>>,
    pub current_row: Vec<Vec<Seg>>,
}

impl TableBuilder {
    pub fn new(alignments: Vec<Alignment>) -> Self {
        TableBuilder {
            alignments,
            ..Default::default()
        }
    }

    fn column_count(&self) -> usize {
        self.header
            .iter()
            .chain(self.rows.iter())
            .map(Vec::len)
            .max()
            .unwrap_or(0)
    }

    /// Column widths whose total (with separators) fits `width` when possible:
    /// the widest column gives way first.
    fn column_widths(&self, width: usize) -> Vec<usize> {
        let n = self.column_count();
        let mut widths = vec![1usize; n];
        for row in self.header.iter().chain(self.rows.iter()) {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(segs_width(cell));
            }
        }
        let budget = width
            .saturating_sub(SEPARATOR_WIDTH * n.saturating_sub(1))
            .max(n);
        while widths.iter().sum::<usize>() > budget {
            let (widest, &w) = widths
                .iter()
                .enumerate()
                .max_by_key(|&(_, w)| *w)
                .expect("the sum is positive, so there is a column");
            if w <= 1 {
                break;
            }
            widths[widest] -= 1;
        }
        widths
    }

    /// The table as lines of segments, at most `width` columns wide when the
    /// width allows one column per cell.
    pub fn lines(&self, width: usize, border: Style, header_style: Style) -> Vec<Vec<Seg>> {
        let widths = self.column_widths(width);
        if widths.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        if let Some(header) = &self.header {
            let bold: Vec<Vec<Seg>> = header
                .iter()
                .map(|cell| {
                    cell.iter()
                        .map(|s| Seg {
                            style: s.style.patch(header_style),
                            ..s.clone()
                        })
                        .collect()
                })
                .collect();
            self.push_row(&mut out, &bold, &widths, border);
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            out.push(vec![Seg::new(rule.join("─┼─"), border)]);
        }
        for row in &self.rows {
            self.push_row(&mut out, row, &widths, border);
        }
        out
    }

    fn push_row(&self, out: &mut Vec<Vec<Seg>>, row: &[Vec<Seg>], widths: &[usize], border: Style) {
        let cells: Vec<Vec<Vec<Seg>>> = widths
            .iter()
            .enumerate()
            .map(|(i, w)| row.get(i).map_or_else(|| vec![Vec::new()], |c| wrap(c, *w)))
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            let mut segs = Vec::new();
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    segs.push(Seg::new(SEPARATOR, border));
                }
                let content = cells[i].get(line).cloned().unwrap_or_default();
                let pad = w.saturating_sub(segs_width(&content));
                let (left, right) = match self.alignments.get(i) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                if left > 0 {
                    segs.push(Seg::new(" ".repeat(left), Style::new()));
                }
                segs.extend(content);
                if right > 0 && i + 1 < widths.len() {
                    segs.push(Seg::new(" ".repeat(right), Style::new()));
                }
            }
            out.push(segs);
        }
    }
}
