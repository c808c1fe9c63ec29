//! The reader's state: which lesson, where it is scrolled, the selected
//! step, the rendered document and the search over it.

use crate::tui::screens::reader::document::{Match, RenderedLesson};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    pub matches: Vec<Match>,
    pub current: usize,
}

#[derive(Debug, Clone)]
pub struct Reader {
    /// Index into `App::lessons`.
    pub lesson: usize,
    /// First visible line.
    pub scroll: usize,
    pub step: Option<usize>,
    /// Kept up to date by `document::sync` alone.
    pub doc: RenderedLesson,
    pub search: Option<Search>,
}
