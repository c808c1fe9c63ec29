//! Raw HTML: comments hidden (speaker notes live in the lesson model),
//! `<br>` kept as a line break, other inline tags dropped.

use crate::tui::markdown::render::Renderer;

impl Renderer<'_> {
    pub(super) fn inline_html(&mut self, html: &str) {
        let trimmed = html.trim();
        if self.in_inline_comment {
            if trimmed.contains("-->") {
                self.in_inline_comment = false;
            }
            return;
        }
        if trimmed.starts_with("<!--") {
            self.in_inline_comment = !trimmed.contains("-->");
            return;
        }
        let tag = trimmed.to_ascii_lowercase();
        if tag.starts_with("<br") {
            self.push_text("\n", self.style());
        }
        // Other inline tags (<kbd>, <sup>...) are dropped; their text still shows.
    }
}

/// Removes `<!-- ... -->` comments (speaker notes live in the lesson model).
pub(super) fn strip_html_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start + 4..].find("-->") {
            Some(end) => rest = &rest[start + 4 + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}
