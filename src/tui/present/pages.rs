//! A section's prose that does not fit on one screen is shown in pages,
//! split at paragraph boundaries when the screen is drawn (a paragraph
//! taller than a page goes on on the next). Space / → turns to the next
//! page before it shows a step, ← back; the steps come on the last page.
//! Nothing is ever cut off: a page that goes on says so, quietly.

use std::ops::Range;

use ratatui::text::Line;

use crate::tui::markdown::line_text;
use crate::tui::state::App;

/// The rendered prose `lines` in pages: every page but the last holds at
/// most `rows - 1` rows (the last row says there is more); the last one at
/// most `last_rows`, which leaves room for the steps and their output.
/// Each page starts at a paragraph, blank lines at its top left out.
pub fn paginate(lines: &[Line], rows: usize, last_rows: usize) -> Vec<Range<usize>> {
    let blank = |i: usize| line_text(&lines[i]).trim().is_empty();
    let height = |r: &Range<usize>| r.len();
    let per_page = rows.saturating_sub(1).max(1);
    let mut pages = Vec::new();
    let mut start = 0;
    // Bounded: every turn of the loop moves `start` on by at least a line.
    while start < lines.len() {
        while start < lines.len() && blank(start) {
            start += 1;
        }
        let rest = start..trim_end(lines, start, lines.len());
        if height(&rest) <= last_rows || rest.is_empty() {
            pages.push(rest);
            return pages;
        }
        if height(&rest) <= per_page {
            // It fits a page, but not with the steps: the last paragraph
            // goes with them if it fits there, else they get a page alone.
            let split = (start + 1..rest.end).rev().find(|&b| blank(b));
            let tail = split.map(|b| {
                let from = (b..rest.end).find(|&i| !blank(i)).unwrap_or(rest.end);
                from..rest.end
            });
            match (split, tail) {
                (Some(b), Some(tail)) if height(&tail) <= last_rows => {
                    pages.push(start..trim_end(lines, start, b));
                    pages.push(tail);
                }
                _ => {
                    pages.push(rest.clone());
                    pages.push(rest.end..rest.end);
                }
            }
            return pages;
        }
        // As many whole paragraphs as fit; else as much of the first one.
        let limit = (start + per_page).min(lines.len());
        let end = (start + 1..=limit)
            .rev()
            .find(|&end| end == lines.len() || blank(end))
            .unwrap_or(limit);
        pages.push(start..trim_end(lines, start, end));
        start = end;
    }
    if pages.is_empty() {
        pages.push(0..0);
    }
    pages
}

/// `end` moved back over blank lines, not before `start`.
fn trim_end(lines: &[Line], start: usize, mut end: usize) -> usize {
    while end > start && line_text(&lines[end - 1]).trim().is_empty() {
        end -= 1;
    }
    end
}

/// The prose's pages on the screen now, and the one shown. Once a step
/// of the section is shown, the last page is.
pub fn on_screen(app: &App) -> (Vec<Range<usize>>, usize) {
    let Some(present) = &app.present else {
        return (vec![Range::default()], 0);
    };
    let room = super::view::prose_room(app, app.area());
    let pages = paginate(&present.body, room.rows, room.last_rows);
    let last = pages.len().saturating_sub(1);
    let page = if present.revealed > 0 {
        last
    } else {
        present.page.min(last)
    };
    (pages, page)
}

/// Space / →: the next page of the prose, while there is one and no step
/// is shown yet. False when there is none (then a step or the next
/// screen comes).
pub fn forward(app: &mut App) -> bool {
    let (pages, page) = on_screen(app);
    let Some(present) = app.present.as_mut() else {
        return false;
    };
    if present.revealed > 0 || page + 1 >= pages.len() {
        return false;
    }
    present.page = page + 1;
    true
}

/// ←: the previous page, while no step is shown. False on the first page.
pub fn back(app: &mut App) -> bool {
    let (_, page) = on_screen(app);
    let Some(present) = app.present.as_mut() else {
        return false;
    };
    if present.revealed > 0 || page == 0 {
        return false;
    }
    present.page = page - 1;
    true
}

/// How many presses of Space reach the screen's next step from here (the
/// pages still to turn, and the press that shows it).
pub fn presses_to_next_step(app: &App) -> usize {
    let (pages, page) = on_screen(app);
    let left = app
        .present
        .as_ref()
        .filter(|p| p.revealed == 0)
        .map_or(0, |_| pages.len().saturating_sub(page + 1));
    left + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<Line<'static>> {
        text.split('\n')
            .map(|l| Line::from(l.to_string()))
            .collect()
    }

    fn shown(text: &str, rows: usize, last_rows: usize) -> Vec<Vec<String>> {
        let all = lines(text);
        paginate(&all, rows, last_rows)
            .into_iter()
            .map(|r| all[r].iter().map(line_text).collect())
            .collect()
    }

    #[test]
    fn prose_that_fits_is_one_page() {
        assert_eq!(shown("a\nb\n\nc", 10, 10), [vec!["a", "b", "", "c"]]);
        assert_eq!(shown("", 10, 10), [Vec::<String>::new()]);
    }

    #[test]
    fn long_prose_splits_at_paragraphs_and_loses_no_line() {
        let text = "a1\na2\n\nb1\nb2\nb3\n\nc1\n\nd1\nd2";
        // Four rows a page: three of prose and the "more" row.
        let pages = shown(text, 4, 4);
        assert_eq!(
            pages,
            [
                vec!["a1", "a2"],
                vec!["b1", "b2", "b3"],
                vec!["c1", "", "d1", "d2"]
            ]
        );
        let kept: Vec<String> = pages.concat();
        let all: Vec<String> = text
            .split('\n')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        assert_eq!(
            kept.into_iter()
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>(),
            all
        );
    }

    #[test]
    fn a_paragraph_taller_than_a_page_goes_on_on_the_next() {
        assert_eq!(
            shown("1\n2\n3\n4\n5", 3, 3),
            [vec!["1", "2"], vec!["3", "4", "5"]]
        );
    }

    #[test]
    fn the_last_page_leaves_room_for_the_steps() {
        // Everything fits a page, but not with the steps under it.
        assert_eq!(shown("a\n\nb\n\nc", 10, 2), [vec!["a", "", "b"], vec!["c"]]);
        // No room at all under the steps: they get a page of their own.
        assert_eq!(shown("a\n\nb", 10, 0), [vec!["a", "", "b"], vec![]]);
    }
}
