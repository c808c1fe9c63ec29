//! Screen areas, computed the same way by `update` (to know the reading width
//! and page height) and by the views.

use ratatui::layout::{Constraint, Layout, Rect};

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

pub fn reader_areas(
    area: Rect,
    warning: u16,
    prompt: bool,
    notes: bool,
    output: bool,
) -> ReaderAreas {
    let (title, warning, body, prompt, status) = frame_areas(area, warning, prompt);
    let (body, output) = if output {
        // Two fifths of the height, but never so little that the gauge and a
        // few lines of output do not fit.
        let height = (body.height * 2 / 5)
            .max(6)
            .min(body.height.saturating_sub(3));
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

/// Rows the warning or notice banner needs at this width (at most 3).
pub fn banner_height(text: Option<&str>, width: u16) -> u16 {
    let Some(text) = text else {
        return 0;
    };
    let width = usize::from(width.max(1));
    let needed = crate::tui::markdown::wrap::text_width(text).div_ceil(width);
    u16::try_from(needed.clamp(1, 3)).unwrap_or(3)
}
