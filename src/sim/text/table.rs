//! Go's `text/tabwriter` layout, which kubectl, helm and eksctl print their
//! tables with. Each tool configures it differently; the settings they use
//! are the constants of [`TabWriter`].

/// The settings of a Go tabwriter (`tabwriter.NewWriter(w, minwidth,
/// tabwidth, padding, padchar, flags)`).
///
/// A cell is text terminated by a tab. A column is a run of consecutive
/// lines that have a terminated cell at that position; its width is the
/// widest of those cells plus `padding`, at least `min_width`. The text after
/// a line's last tab is never padded. Widths count characters, as Go counts
/// runes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabWriter {
    pub min_width: usize,
    /// How wide a tab is when `pad_char` is a tab.
    pub tab_width: usize,
    pub padding: usize,
    /// `' '` pads with spaces; `'\t'` rounds each column up to a tab stop and
    /// pads with tabs.
    pub pad_char: char,
    /// Written after each padded cell, where Go's `Debug` flag writes `|`.
    pub separator: Option<char>,
}

impl TabWriter {
    /// `kubectl get`: `NewWriter(out, 6, 4, 3, ' ', 0)`.
    pub const KUBECTL_GET: TabWriter = TabWriter {
        min_width: 6,
        tab_width: 4,
        padding: 3,
        pad_char: ' ',
        separator: None,
    };

    /// `kubectl describe`: `NewWriter(out, 0, 8, 2, ' ', 0)`.
    pub const KUBECTL_DESCRIBE: TabWriter = TabWriter {
        min_width: 0,
        tab_width: 8,
        padding: 2,
        pad_char: ' ',
        separator: None,
    };

    /// eksctl's tables: `NewWriter(out, 0, 8, 1, '\t', 0)`.
    pub const EKSCTL: TabWriter = TabWriter {
        min_width: 0,
        tab_width: 8,
        padding: 1,
        pad_char: '\t',
        separator: None,
    };

    /// helm's tables (gosuri/uitable): each cell padded to its column's width
    /// with no padding of its own, then a tab.
    pub const HELM: TabWriter = TabWriter {
        min_width: 0,
        tab_width: 8,
        padding: 0,
        pad_char: ' ',
        separator: Some('\t'),
    };

    /// Lays out lines whose cells are separated by tabs.
    pub fn lines<S: AsRef<str>>(&self, lines: &[S]) -> Vec<String> {
        let cells: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.as_ref().split('\t').collect())
            .collect();
        let mut widths: Vec<Vec<usize>> = cells
            .iter()
            .map(|c| vec![0; c.len().saturating_sub(1)])
            .collect();
        self.layout(&cells, 0..cells.len(), 0, &mut widths);
        cells
            .iter()
            .zip(&widths)
            .map(|(line, widths)| {
                let mut out = String::new();
                for (i, cell) in line.iter().enumerate() {
                    out.push_str(cell);
                    if let Some(&width) = widths.get(i) {
                        self.pad(&mut out, cell.chars().count(), width);
                    }
                }
                out
            })
            .collect()
    }

    /// Lays out rows of cells; the last cell of each row is left unpadded.
    pub fn rows<R: AsRef<[S]>, S: AsRef<str>>(&self, rows: &[R]) -> Vec<String> {
        let lines: Vec<String> = rows
            .iter()
            .map(|row| {
                row.as_ref()
                    .iter()
                    .map(AsRef::as_ref)
                    .collect::<Vec<&str>>()
                    .join("\t")
            })
            .collect();
        self.lines(&lines)
    }

    fn layout(
        &self,
        cells: &[Vec<&str>],
        range: std::ops::Range<usize>,
        column: usize,
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
            let mut width = self.min_width;
            while line < range.end && terminated(line) > column {
                width = width.max(cells[line][column].chars().count() + self.padding);
                line += 1;
            }
            for w in &mut widths[start..line] {
                w[column] = width;
            }
            self.layout(cells, start..line, column + 1, widths);
        }
    }

    fn pad(&self, out: &mut String, text_width: usize, cell_width: usize) {
        if self.pad_char == '\t' {
            if self.tab_width > 0 {
                let cell_width = cell_width.div_ceil(self.tab_width) * self.tab_width;
                let tabs = cell_width
                    .saturating_sub(text_width)
                    .div_ceil(self.tab_width);
                out.extend(std::iter::repeat_n('\t', tabs));
            }
        } else {
            let pad = cell_width.saturating_sub(text_width);
            out.extend(std::iter::repeat_n(self.pad_char, pad));
        }
        if let Some(separator) = self.separator {
            out.push(separator);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_get_pads_to_the_widest_cell_plus_three_and_leaves_the_last_alone() {
        let out =
            TabWriter::KUBECTL_GET.lines(&["NAME\tREADY\tAGE", "web-1\t1/1\t5s", "a\tx\t10m"]);
        assert_eq!(
            out,
            [
                "NAME    READY   AGE",
                "web-1   1/1     5s",
                "a       x       10m"
            ]
        );
        // The minimum width holds for narrow columns.
        assert_eq!(
            TabWriter::KUBECTL_GET.lines(&["A\tB", "c\td"]),
            ["A     B", "c     d"]
        );
    }

    #[test]
    fn a_line_without_a_cell_ends_the_column_block() {
        let out = TabWriter::KUBECTL_DESCRIBE.lines(&[
            "Name:\tweb",
            "Pod Template:",
            "  Labels:\tapp=web",
        ]);
        assert_eq!(out, ["Name:  web", "Pod Template:", "  Labels:  app=web"]);
    }

    #[test]
    fn eksctl_pads_with_tabs_to_the_next_tab_stop() {
        let out = TabWriter::EKSCTL.rows(&[
            ["NAME", "REGION", "EKSCTL CREATED"],
            ["c1", "us-east-1", "True"],
        ]);
        assert_eq!(
            out,
            ["NAME\tREGION\t\tEKSCTL CREATED", "c1\tus-east-1\tTrue"]
        );
    }

    #[test]
    fn helm_pads_each_cell_then_writes_a_tab() {
        let out = TabWriter::HELM.rows(&[["NAME", "CHART VERSION"], ["trino/trino", "1.42.2"]]);
        assert_eq!(out, ["NAME       \tCHART VERSION", "trino/trino\t1.42.2"]);
    }

    #[test]
    fn widths_count_characters_not_bytes() {
        let out = TabWriter::KUBECTL_DESCRIBE.lines(&["ä\tx", "ab\ty"]);
        assert_eq!(out, ["ä   x", "ab  y"]);
    }
}
