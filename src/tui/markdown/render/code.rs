//! Code blocks (highlighted, cut to the width) and text diagrams.

use crate::tui::markdown::highlight::{Language, highlight};
use crate::tui::markdown::render::Renderer;
use crate::tui::markdown::wrap::{Seg, hard_wrap};

const CODE_INDENT: &str = "  ";

impl Renderer<'_> {
    pub(super) fn emit_diagram(&mut self, text: &str) {
        let style = self.ctx.theme.diagram;
        let width = self.available().saturating_sub(CODE_INDENT.len()).max(1);
        for source_line in text.trim_end_matches('\n').split('\n') {
            for piece in hard_wrap(&[Seg::new(source_line, style)], width) {
                let mut body = vec![Seg::new(CODE_INDENT, style)];
                body.extend(piece);
                self.emit(body);
            }
        }
    }

    pub(super) fn emit_code(&mut self, language: Language, info: &str, code: &str) {
        let theme = self.ctx.theme;
        let label = info.split_whitespace().next().unwrap_or("");
        if !label.is_empty() {
            self.emit(vec![Seg::new(label.to_string(), theme.code_label)]);
        }
        let width = self.available().saturating_sub(CODE_INDENT.len()).max(1);
        for line in highlight(language, code, theme) {
            for piece in hard_wrap(&line, width) {
                let mut body = vec![Seg::new(CODE_INDENT, theme.code)];
                body.extend(piece);
                self.emit(body);
            }
        }
    }
}
