//! The pulldown-cmark event walk that turns markdown into lines. Code,
//! diagrams and HTML have their own files.

mod code;
mod html;
mod output;

use output::Container;

use html::strip_html_comments;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::Line;

use crate::tui::markdown::highlight::Language;
use crate::tui::markdown::table::TableBuilder;
use crate::tui::markdown::wrap::{Seg, segs_width, text_width};
use crate::tui::markdown::{LinkRegion, RenderContext, Rendered};

const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];

struct Renderer<'c> {
    ctx: &'c RenderContext<'c>,
    width: usize,
    out: Vec<Line<'static>>,
    links: Vec<LinkRegion>,
    link_urls: Vec<String>,
    containers: Vec<Container>,
    inline: Vec<Seg>,
    styles: Vec<Style>,
    /// Open links: (index into link_urls, where the link text starts in `inline`).
    open_links: Vec<(usize, usize)>,
    pending_diagrams: Vec<String>,
    gap: bool,
    heading: Option<HeadingLevel>,
    code: Option<(Language, String, String)>,
    table: Option<TableBuilder>,
    html: Option<String>,
    in_inline_comment: bool,
    /// Next number of each open list (None for bullets).
    lists: Vec<Option<u64>>,
    in_metadata: bool,
}

pub fn render_document(source: &str, width: u16, ctx: &RenderContext) -> Rendered {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut r = Renderer {
        ctx,
        width: usize::from(width).max(1),
        out: Vec::new(),
        links: Vec::new(),
        link_urls: Vec::new(),
        containers: Vec::new(),
        inline: Vec::new(),
        styles: vec![ctx.theme.text],
        open_links: Vec::new(),
        pending_diagrams: Vec::new(),
        gap: false,
        heading: None,
        code: None,
        table: None,
        html: None,
        in_inline_comment: false,
        lists: Vec::new(),
        in_metadata: false,
    };
    for event in Parser::new_ext(source, options) {
        r.event(event);
    }
    r.flush_inline();
    Rendered {
        lines: r.out,
        links: r.links,
    }
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        *self.styles.last().expect("the base style is never popped")
    }

    fn push_style(&mut self, patch: Style) {
        let s = self.style().patch(patch);
        self.styles.push(s);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn push_text(&mut self, text: &str, style: Style) {
        let link = self.open_links.last().map(|&(i, _)| i);
        self.inline.push(Seg {
            text: text.to_string(),
            style,
            link,
        });
    }

    fn event(&mut self, event: Event) {
        if self.in_metadata && !matches!(event, Event::End(TagEnd::MetadataBlock(_))) {
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                if let Some((_, _, code)) = &mut self.code {
                    code.push_str(&text);
                } else if let Some(html) = &mut self.html {
                    html.push_str(&text);
                } else {
                    self.push_text(&text, self.style());
                }
            }
            Event::Code(text) | Event::InlineMath(text) => {
                let style = self.style().patch(self.ctx.theme.inline_code);
                self.push_text(&text, style);
            }
            Event::DisplayMath(text) => {
                let style = self.style().patch(self.ctx.theme.inline_code);
                self.push_text(&format!("\n{text}\n"), style);
            }
            Event::Html(text) => match &mut self.html {
                Some(html) => html.push_str(&text),
                None => self.html = Some(text.to_string()),
            },
            Event::InlineHtml(text) => self.inline_html(&text),
            Event::FootnoteReference(label) => {
                let style = self.style().patch(self.ctx.theme.dim);
                self.push_text(&format!("[{label}]"), style);
            }
            Event::SoftBreak => self.push_text(" ", self.style()),
            Event::HardBreak => self.push_text("\n", self.style()),
            Event::Rule => {
                self.flush_inline();
                self.block_start();
                let rule = "─".repeat(self.available());
                self.emit(vec![Seg::new(rule, self.ctx.theme.rule)]);
                self.gap = true;
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "[x] " } else { "[ ] " };
                self.push_text(mark, self.ctx.theme.bullet);
            }
        }
    }

    fn start(&mut self, tag: Tag) {
        let theme = self.ctx.theme;
        match tag {
            Tag::Paragraph => {
                self.flush_inline();
                self.block_start();
            }
            Tag::Heading { level, .. } => {
                self.flush_inline();
                self.block_start();
                self.heading = Some(level);
                let style = match level {
                    HeadingLevel::H1 => theme.heading1,
                    HeadingLevel::H2 => theme.heading2,
                    _ => theme.heading3,
                };
                self.push_style(style);
            }
            Tag::BlockQuote(_) => {
                self.flush_inline();
                self.block_start();
                let bar = vec![Seg::new("│ ", theme.quote_bar)];
                self.containers.push(Container {
                    first: bar.clone(),
                    rest: bar,
                    first_used: false,
                });
            }
            Tag::CodeBlock(kind) => {
                self.flush_inline();
                self.block_start();
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((Language::from_info(&info), info, String::new()));
            }
            Tag::HtmlBlock => {
                self.flush_inline();
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                self.flush_inline();
                if self.lists.is_empty() {
                    self.block_start();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush_inline();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => BULLETS[depth % BULLETS.len()].to_string(),
                };
                let pad = " ".repeat(text_width(&marker));
                self.containers.push(Container {
                    first: vec![Seg::new(marker, theme.bullet)],
                    rest: vec![Seg::new(pad, theme.text)],
                    first_used: false,
                });
            }
            Tag::FootnoteDefinition(label) => {
                self.flush_inline();
                self.block_start();
                let marker = format!("[{label}]: ");
                let pad = " ".repeat(text_width(&marker));
                self.containers.push(Container {
                    first: vec![Seg::new(marker, theme.dim)],
                    rest: vec![Seg::new(pad, theme.text)],
                    first_used: false,
                });
            }
            Tag::Table(alignments) => {
                self.flush_inline();
                self.block_start();
                self.table = Some(TableBuilder::new(alignments));
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.current_row.clear();
                }
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.push_style(theme.emphasis),
            Tag::Strong => self.push_style(theme.strong),
            Tag::Strikethrough => self.push_style(theme.strikethrough),
            Tag::Superscript | Tag::Subscript => self.push_style(Style::new()),
            Tag::Link { dest_url, .. } => {
                self.link_urls.push(dest_url.to_string());
                self.open_links
                    .push((self.link_urls.len() - 1, self.inline.len()));
                self.push_style(theme.link);
            }
            Tag::Image { dest_url, .. } => {
                self.push_text("[image: ", theme.image);
                self.push_style(theme.image);
                if let Some(diagram) = self.ctx.diagrams.get(dest_url.as_ref()) {
                    self.pending_diagrams.push(diagram.clone());
                }
            }
            Tag::MetadataBlock(_) => self.in_metadata = true,
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.flush_inline();
            }
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let theme = self.ctx.theme;
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.gap = true;
            }
            TagEnd::Heading(level) => {
                let width = segs_width(&self.inline).min(self.available());
                self.flush_inline();
                if level == HeadingLevel::H1 {
                    self.emit(vec![Seg::new("━".repeat(width), theme.heading1)]);
                }
                self.pop_style();
                self.heading = None;
                self.gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                self.containers.pop();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                if let Some((language, info, code)) = self.code.take() {
                    self.emit_code(language, &info, &code);
                }
                self.gap = true;
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    let visible = strip_html_comments(&html);
                    if !visible.trim().is_empty() {
                        self.block_start();
                        for line in visible.trim_end().lines() {
                            self.emit(vec![Seg::new(line, theme.dim)]);
                        }
                        self.gap = true;
                    }
                }
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.gap = true;
                }
            }
            TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.flush_inline();
                if let Some(c) = self.containers.last()
                    && !c.first_used
                {
                    self.emit(Vec::new());
                }
                self.containers.pop();
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    let width = self.available();
                    for line in table.lines(width, theme.table_border, theme.table_header) {
                        self.emit(line);
                    }
                }
                self.gap = true;
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header = Some(std::mem::take(&mut t.current_row));
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.current_row);
                    t.rows.push(row);
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Some(t) = &mut self.table {
                    t.current_row.push(cell);
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some((index, start)) = self.open_links.pop() {
                    let url = self.link_urls[index].clone();
                    let text: String = self.inline[start..]
                        .iter()
                        .map(|s| s.text.as_str())
                        .collect();
                    let bare = url.strip_prefix("mailto:").unwrap_or(&url);
                    if text != url && text != bare && !url.starts_with('#') {
                        self.inline.push(Seg::new(" (", theme.link_url));
                        self.inline.push(Seg {
                            text: url,
                            style: theme.link_url,
                            link: Some(index),
                        });
                        self.inline.push(Seg::new(")", theme.link_url));
                    }
                }
            }
            TagEnd::Image => {
                self.pop_style();
                self.push_text("]", theme.image);
            }
            TagEnd::MetadataBlock(_) => self.in_metadata = false,
            TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {
                self.flush_inline();
                self.gap = true;
            }
        }
    }
}
