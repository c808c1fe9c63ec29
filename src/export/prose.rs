//! A lesson's prose as markdown events ready for the HTML renderer: images
//! of the lesson's text diagrams become `<pre>` figures, HTML comments (the
//! speaker notes' syntax) and other raw HTML are left out, and the heading
//! that repeats the lesson's title goes (the page's band shows it).

use std::collections::BTreeMap;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{markup, text};

/// The markdown options the lesson parser and the TUI read prose with.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
}

/// Events of one stretch of prose. `title` is the lesson's title: a
/// level-1 heading with exactly that text is dropped.
pub(super) fn events<'a>(
    source: &'a str,
    diagrams: &'a BTreeMap<String, String>,
    title: &str,
) -> Vec<Event<'a>> {
    let mut filter = ProseFilter {
        diagrams,
        title,
        out: Vec::new(),
        paragraph: None,
        heading: None,
        figures: Vec::new(),
        image: None,
        in_comment: false,
    };
    for event in Parser::new_ext(source, options()) {
        filter.take(event);
    }
    filter.out
}

/// Inline markdown (a step's title, a hint) as events, without the
/// paragraph.
pub(super) fn inline(source: &str) -> Vec<Event<'static>> {
    Parser::new_ext(source, options())
        .filter(|e| {
            !matches!(
                e,
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph)
            )
        })
        .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_)))
        .map(Event::into_static)
        .collect()
}

/// A diagram image being read: its text and its alt text so far.
struct OpenDiagram {
    diagram: String,
    alt: String,
}

struct ProseFilter<'a, 't> {
    diagrams: &'a BTreeMap<String, String>,
    title: &'t str,
    out: Vec<Event<'a>>,
    /// The events of the open paragraph, held back until it ends: a
    /// paragraph holding only a diagram is replaced by the figure.
    paragraph: Option<Vec<Event<'a>>>,
    /// The events of an open level-1 heading, and its text.
    heading: Option<(Vec<Event<'a>>, String)>,
    /// Diagram figures to place after the open paragraph.
    figures: Vec<Event<'a>>,
    image: Option<OpenDiagram>,
    in_comment: bool,
}

impl<'a> ProseFilter<'a, '_> {
    fn take(&mut self, event: Event<'a>) {
        if let Some(open) = &mut self.image {
            match event {
                Event::End(TagEnd::Image) => {
                    let open = self.image.take().expect("matched just above");
                    self.figure(open);
                }
                Event::Text(t) | Event::Code(t) => open.alt.push_str(&t),
                _ => {}
            }
            return;
        }
        match event {
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(&html),
            Event::Start(Tag::Image { ref dest_url, .. })
                if self.diagrams.contains_key(dest_url.as_ref()) =>
            {
                self.image = Some(OpenDiagram {
                    diagram: self.diagrams[dest_url.as_ref()].clone(),
                    alt: String::new(),
                });
            }
            Event::Start(Tag::Paragraph) if self.heading.is_none() => {
                self.paragraph = Some(Vec::new());
            }
            Event::End(TagEnd::Paragraph) if self.heading.is_none() => self.close_paragraph(),
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => self.heading = Some((vec![event], String::new())),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => self.close_heading(event),
            event => self.emit(event),
        }
    }

    fn emit(&mut self, event: Event<'a>) {
        if let Some((events, title)) = &mut self.heading {
            if let Event::Text(t) | Event::Code(t) = &event {
                title.push_str(t);
            }
            events.push(event);
        } else if let Some(paragraph) = &mut self.paragraph {
            paragraph.push(event);
        } else {
            self.out.push(event);
        }
    }

    /// Comments are left out whole, even split over several events;
    /// `<br>` stays a line break; other tags go, their text stays.
    fn raw_html(&mut self, html: &str) {
        let trimmed = html.trim();
        if self.in_comment {
            self.in_comment = !trimmed.contains("-->");
            return;
        }
        if let Some(start) = trimmed.find("<!--") {
            self.in_comment = !trimmed[start..].contains("-->");
            return;
        }
        if trimmed.to_ascii_lowercase().starts_with("<br") {
            self.emit(Event::HardBreak);
        }
    }

    fn figure(&mut self, open: OpenDiagram) {
        let figure = [
            markup("<figure class=\"diagram\"><pre>"),
            text(open.diagram.trim_end().to_string()),
            markup("</pre><figcaption>"),
            text(open.alt),
            markup("</figcaption></figure>\n"),
        ];
        if self.paragraph.is_some() || self.heading.is_some() {
            self.figures.extend(figure);
        } else {
            self.out.extend(figure);
        }
    }

    fn close_paragraph(&mut self) {
        let events = self.paragraph.take().unwrap_or_default();
        let visible = events.iter().any(|e| match e {
            Event::Text(t) => !t.trim().is_empty(),
            Event::SoftBreak | Event::HardBreak => false,
            _ => true,
        });
        if visible {
            self.out.push(Event::Start(Tag::Paragraph));
            self.out.extend(events);
            self.out.push(Event::End(TagEnd::Paragraph));
        }
        self.out.append(&mut self.figures);
    }

    fn close_heading(&mut self, end: Event<'a>) {
        let Some((mut events, title)) = self.heading.take() else {
            return;
        };
        if title.trim() != self.title.trim() {
            events.push(end);
            self.out.extend(events);
        }
        self.out.append(&mut self.figures);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(source: &str, diagrams: &BTreeMap<String, String>) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(
            &mut out,
            events(source, diagrams, "The title").into_iter(),
        );
        out
    }

    fn one_diagram() -> BTreeMap<String, String> {
        BTreeMap::from([("d.txt".to_string(), "[a] -> <b>\n".to_string())])
    }

    #[test]
    fn a_diagram_alone_in_its_paragraph_becomes_a_figure_with_its_text_escaped() {
        let out = html("Before.\n\n![Parts](d.txt)\n\nAfter.", &one_diagram());
        assert_eq!(
            out,
            "<p>Before.</p>\n<figure class=\"diagram\"><pre>[a] -&gt; &lt;b&gt;</pre>\
             <figcaption>Parts</figcaption></figure>\n<p>After.</p>\n"
        );
    }

    #[test]
    fn a_diagram_inside_a_sentence_follows_its_paragraph() {
        let out = html("See ![Parts](d.txt) here.", &one_diagram());
        assert!(
            out.starts_with("<p>See  here.</p>\n<figure class=\"diagram\">"),
            "{out}"
        );
    }

    #[test]
    fn an_image_that_is_no_diagram_stays_an_image() {
        let out = html("![Logo](logo.png)", &one_diagram());
        assert_eq!(out, "<p><img src=\"logo.png\" alt=\"Logo\" /></p>\n");
    }

    #[test]
    fn comments_and_tags_go_and_text_stays() {
        let out = html(
            "One <!-- notes: secret --> two <kbd>q</kbd><br>three",
            &BTreeMap::new(),
        );
        assert_eq!(out, "<p>One  two q<br />\nthree</p>\n");
        assert!(!out.contains("secret"));
    }

    #[test]
    fn the_heading_that_repeats_the_title_goes_and_others_stay() {
        let out = html(
            "# The title\n\nText.\n\n# Another\n\n## Part",
            &BTreeMap::new(),
        );
        assert_eq!(out, "<p>Text.</p>\n<h1>Another</h1>\n<h2>Part</h2>\n");
    }
}
