//! `trinetes lessons export --html DIR`: the lessons as static HTML
//! handouts for a workshop, one page per lesson and an index. Every page is
//! written by pulldown-cmark's HTML renderer from markdown events: the
//! lessons' prose as parsed, the steps, checks and hints as events built
//! here. Speaker notes stay out unless asked for.

mod folder;
mod index;
mod page;
mod prose;

use std::path::{Path, PathBuf};

use pulldown_cmark::{CowStr, Event};

use crate::lesson::{Lesson, Profile};

pub use folder::ExportError;

/// The stylesheet every page links to, written next to them.
pub const STYLESHEET: &str = "handouts.css";
const CSS: &str = include_str!("handouts.css");

/// What goes into the handouts besides the lessons themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HandoutOptions {
    /// Include the speaker notes (`<!-- notes: ... -->`), marked as such.
    pub with_notes: bool,
}

/// One file of the handouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoutFile {
    pub name: String,
    pub contents: String,
}

/// The handouts of `lessons` on `profile`, without writing anything:
/// `index.html`, one `ID.html` per lesson and the stylesheet.
pub fn render(lessons: &[Lesson], profile: &Profile, options: HandoutOptions) -> Vec<HandoutFile> {
    let expanded: Vec<Lesson> = lessons.iter().map(|l| l.expanded(profile)).collect();
    let mut files = vec![HandoutFile {
        name: "index.html".to_string(),
        contents: index::render(&expanded, profile),
    }];
    for (at, lesson) in expanded.iter().enumerate() {
        let neighbours = page::Neighbours {
            previous: at.checked_sub(1).and_then(|i| expanded.get(i)),
            next: expanded.get(at + 1),
        };
        files.push(HandoutFile {
            name: page::file_name(lesson),
            contents: page::render(lesson, profile, options, neighbours),
        });
    }
    files.push(HandoutFile {
        name: STYLESHEET.to_string(),
        contents: CSS.to_string(),
    });
    files
}

/// Renders the handouts and writes them into `dir` (see [`folder`] for
/// which folders are accepted). Returns the files written.
pub fn export(
    lessons: &[Lesson],
    profile: &Profile,
    options: HandoutOptions,
    dir: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    folder::write(dir, &render(lessons, profile, options))
}

/// Raw HTML with no text from a lesson in it.
fn markup(html: &'static str) -> Event<'static> {
    Event::Html(CowStr::Borrowed(html))
}

/// Text, escaped by the renderer.
fn text<'a>(text: impl Into<CowStr<'a>>) -> Event<'a> {
    Event::Text(text.into())
}

/// The whole page around `body`: head with the title and the stylesheet.
fn document<'a>(title: &str, body: Vec<Event<'a>>) -> String {
    let mut events = vec![
        markup(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <link rel=\"stylesheet\" href=\"handouts.css\">\n<title>",
        ),
        text(title.to_string()),
        markup("</title>\n</head>\n<body>\n"),
    ];
    events.extend(body);
    events.push(markup("</body>\n</html>\n"));
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}
