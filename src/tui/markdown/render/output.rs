//! Emitting lines: container prefixes (quote bars, list markers), blank
//! lines between blocks, wrapping, and where links land on each line.

use ratatui::text::{Line, Span};

use crate::tui::markdown::LinkRegion;
use crate::tui::markdown::render::Renderer;
use crate::tui::markdown::wrap::{Seg, segs_width, wrap};

/// A block that prefixes its lines: a quote bar, a list marker.
pub(super) struct Container {
    pub(super) first: Vec<Seg>,
    pub(super) rest: Vec<Seg>,
    pub(super) first_used: bool,
}

impl Renderer<'_> {
    pub(super) fn prefix_width(&self) -> usize {
        self.containers
            .iter()
            .map(|c| segs_width(&c.rest).max(segs_width(&c.first)))
            .sum()
    }
    pub(super) fn available(&self) -> usize {
        self.width.saturating_sub(self.prefix_width()).max(1)
    }
    /// Emits one line: container prefixes, then the body. Records link regions.
    pub(super) fn emit(&mut self, body: Vec<Seg>) {
        let mut segs = Vec::new();
        for c in &mut self.containers {
            if c.first_used {
                segs.extend(c.rest.iter().cloned());
            } else {
                segs.extend(c.first.iter().cloned());
                c.first_used = true;
            }
        }
        segs.extend(body);
        self.push_line(segs);
    }
    pub(super) fn push_line(&mut self, segs: Vec<Seg>) {
        let line_index = self.out.len();
        let mut column = 0usize;
        let mut spans = Vec::with_capacity(segs.len());
        for seg in segs {
            let w = seg.width();
            if let Some(i) = seg.link {
                let url = &self.link_urls[i];
                match self.links.last_mut() {
                    Some(last)
                        if last.line == line_index
                            && &last.url == url
                            && usize::from(last.column + last.width) == column =>
                    {
                        last.width += to_u16(w);
                    }
                    _ => self.links.push(LinkRegion {
                        line: line_index,
                        column: to_u16(column),
                        width: to_u16(w),
                        url: url.clone(),
                    }),
                }
            }
            column += w;
            spans.push(Span::styled(seg.text, seg.style));
        }
        self.out.push(Line::from(spans));
    }
    /// A blank line between blocks, drawn with the continuation prefixes so a
    /// quote's bar stays unbroken.
    pub(super) fn block_start(&mut self) {
        if self.gap && !self.out.is_empty() {
            let mut segs: Vec<Seg> = Vec::new();
            for c in &self.containers {
                segs.extend(c.rest.iter().cloned());
            }
            if let Some(last) = segs.last_mut() {
                let trimmed = last.text.trim_end().to_string();
                last.text = trimmed;
            }
            self.push_line(segs);
        }
        self.gap = false;
    }
    pub(super) fn flush_inline(&mut self) {
        if !self.inline.is_empty() {
            let segs = std::mem::take(&mut self.inline);
            for line in wrap(&segs, self.available()) {
                self.emit(line);
            }
        }
        for diagram in std::mem::take(&mut self.pending_diagrams) {
            self.emit_diagram(&diagram);
        }
    }
}

pub(super) fn to_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}
