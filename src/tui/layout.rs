//! Screen areas, computed the same way by `update` (to know the reading width
//! and page height) and by the views.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::tui::markdown::wrap::{NO_BREAK, Seg, WrapStyle, wrap_with};
use crate::tui::screens::output::OUTPUT_CHROME;
use crate::tui::strings;

/// The reader's areas: title, optional warning, body text, optional notes,
/// optional prompt, status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderAreas {
    pub title: Rect,
    pub warning: Rect,
    pub text: Rect,
    pub notes: Option<Rect>,
    /// The output pane, under the text and notes, when shown.
    pub output: Option<Rect>,
    pub prompt: Rect,
    pub status: Rect,
}

pub fn frame_areas(area: Rect, warning: u16, prompt: bool) -> (Rect, Rect, Rect, Rect, Rect) {
    let [title, warning_area, body, prompt_area, status] = area.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(warning),
        Constraint::Fill(1),
        Constraint::Length(u16::from(prompt)),
        Constraint::Length(1),
    ]));
    (title, warning_area, body, prompt_area, status)
}

/// The areas of the reader. `output` is the rows of output the pane would
/// show, when it is shown: see `output_rows`.
pub fn reader_areas(
    area: Rect,
    warning: u16,
    prompt: bool,
    notes: bool,
    output: Option<usize>,
) -> ReaderAreas {
    let (title, warning, body, prompt, status) = frame_areas(area, warning, prompt);
    let (body, output) = if let Some(rows) = output {
        // As tall as its output, up to two fifths of the height (or six
        // rows, when that is more), always leaving three rows of text.
        let most = (body.height * 2 / 5).max(6);
        let wanted = u16::try_from(rows.max(1))
            .unwrap_or(u16::MAX)
            .saturating_add(OUTPUT_CHROME);
        let height = wanted.min(most).min(body.height.saturating_sub(3));
        let [body, output] = body.layout(&Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(height),
        ]));
        (body, Some(output))
    } else {
        (body, None)
    };
    let (text_column, notes) = if notes {
        let [text, notes] = body.layout(&Layout::horizontal([
            Constraint::Fill(2),
            Constraint::Fill(1),
        ]));
        (text, Some(notes))
    } else {
        (body, None)
    };
    // One column of margin each side keeps text off the terminal edge.
    let text = Rect {
        x: text_column.x + 1,
        width: text_column.width.saturating_sub(2),
        ..text_column
    };
    ReaderAreas {
        title,
        warning,
        text,
        notes,
        output,
        prompt,
        status,
    }
}

/// Most rows a banner takes; past them its text is cut.
pub const BANNER_ROWS: usize = 4;

/// Width of the output pane's text: the whole width, less a margin each side.
pub fn output_width(area: Rect) -> u16 {
    area.width.saturating_sub(2).max(1)
}

/// Rows the warning or notice banner needs at this width.
pub fn banner_height(text: Option<&str>, width: u16) -> u16 {
    let rows = text.map_or(0, |text| banner_lines(text, width).len());
    u16::try_from(rows).unwrap_or(0)
}

/// The banner (as `App::banner` gives it) wrapped to `width`: lines after
/// the first are indented past its leading mark, and "(x dismisses)" stays
/// on one line. At most `BANNER_ROWS`, each in the banner's own style.
pub fn banner_lines(text: &str, width: u16) -> Vec<Vec<Seg>> {
    let plain = ratatui::style::Style::default();
    // The leading space is a margin, kept on every line.
    let body = text.strip_prefix(' ').unwrap_or(text);
    let indent = if body.starts_with("⚠ ") {
        crate::tui::markdown::wrap::text_width("⚠ ")
    } else {
        0
    };
    let mut segs = Vec::new();
    match body.strip_suffix(strings::WARNING_DISMISS) {
        Some(message) => {
            segs.push(Seg::new(message, plain));
            let keep = strings::WARNING_DISMISS.replace(' ', &NO_BREAK.to_string());
            segs.push(Seg::new(keep, plain));
        }
        None => segs.push(Seg::new(body, plain)),
    }
    let width = usize::from(width).saturating_sub(1).max(1);
    let mut lines = wrap_with(&segs, width, &WrapStyle::hanging(indent));
    lines.truncate(BANNER_ROWS);
    for line in &mut lines {
        line.insert(0, Seg::new(" ", plain));
    }
    lines
}
