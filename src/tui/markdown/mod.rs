//! Markdown to styled terminal lines: a pure function of the source, the width
//! and a render context. Wrapping is unicode-width aware and keeps styles.

pub mod highlight;
mod render;
mod table;
pub mod wrap;

use std::collections::BTreeMap;

use ratatui::text::Line;

use crate::tui::theme::Theme;

pub use render::render_document;

static NO_DIAGRAMS: BTreeMap<String, String> = BTreeMap::new();

/// What rendering needs besides the source and the width.
#[derive(Debug, Clone, Copy)]
pub struct RenderContext<'a> {
    pub theme: &'a Theme,
    /// Make links clickable with OSC 8. The escape codes are not in the lines:
    /// the view adds them to the frame buffer from `Rendered::links`, so widths
    /// stay right.
    pub hyperlinks: bool,
    /// Image destination, as written in the markdown -> text diagram.
    pub diagrams: &'a BTreeMap<String, String>,
}

impl<'a> RenderContext<'a> {
    pub fn new(theme: &'a Theme) -> Self {
        RenderContext {
            theme,
            hyperlinks: false,
            diagrams: &NO_DIAGRAMS,
        }
    }
}

/// Where a link sits on a rendered line (display columns).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRegion {
    pub line: usize,
    pub column: u16,
    pub width: u16,
    pub url: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub lines: Vec<Line<'static>>,
    pub links: Vec<LinkRegion>,
}

/// Renders `source` to lines at most `width` columns wide (except where one
/// column per table cell is already wider).
pub fn render(source: &str, width: u16, ctx: &RenderContext) -> Vec<Line<'static>> {
    render_document(source, width, ctx).lines
}

/// A test-friendly builder: `Render::new(md).width(40).lines()`.
pub struct Render<'a> {
    source: &'a str,
    width: u16,
    theme: Theme,
    hyperlinks: bool,
    diagrams: BTreeMap<String, String>,
}

impl<'a> Render<'a> {
    pub fn new(source: &'a str) -> Self {
        Render {
            source,
            width: 80,
            theme: Theme::dark(),
            hyperlinks: false,
            diagrams: BTreeMap::new(),
        }
    }

    pub fn width(mut self, width: u16) -> Self {
        self.width = width;
        self
    }

    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    pub fn hyperlinks(mut self, on: bool) -> Self {
        self.hyperlinks = on;
        self
    }

    pub fn diagram(mut self, destination: &str, text: &str) -> Self {
        self.diagrams
            .insert(destination.to_string(), text.to_string());
        self
    }

    pub fn rendered(&self) -> Rendered {
        let ctx = RenderContext {
            theme: &self.theme,
            hyperlinks: self.hyperlinks,
            diagrams: &self.diagrams,
        };
        render_document(self.source, self.width, &ctx)
    }

    pub fn lines(&self) -> Vec<Line<'static>> {
        self.rendered().lines
    }

    /// Each line's text, trailing spaces removed.
    pub fn texts(&self) -> Vec<String> {
        self.lines().iter().map(line_text).collect()
    }
}

/// The plain text of a line, trailing spaces removed.
pub fn line_text(line: &Line) -> String {
    let s: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    s.trim_end().to_string()
}
