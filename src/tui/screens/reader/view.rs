//! Draws the reader: a slice of the cached document, search highlights,
//! links, the speaker notes panel, the output pane and the status bar.

use std::num::NonZeroU16;

use ratatui::Frame;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::tui::screens::bars;
use crate::tui::screens::output;
use crate::tui::screens::reader::Reader;
use crate::tui::state::App;
use crate::tui::strings;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(reader) = &app.reader else {
        return;
    };
    let Some(lesson) = app.lessons.get(reader.lesson) else {
        return;
    };
    let theme = &app.settings.theme;
    let areas = app.reader_areas_in(area);
    bars::draw_title(app, frame, areas.title, &lesson.front.title);
    bars::draw_warning(app, frame, areas.warning);

    let height = usize::from(areas.text.height);
    let end = (reader.scroll + height).min(reader.doc.lines.len());
    let start = reader.scroll.min(end);
    let visible: Vec<Line> = reader.doc.lines[start..end].to_vec();
    frame.render_widget(Paragraph::new(visible), areas.text);
    highlight_matches(app, reader, frame.buffer_mut(), areas.text);
    // Not under an overlay: a forced-width cell would hide the popup's cells
    // that it spans from ratatui's diff.
    if app.settings.hyperlinks && app.overlay.is_none() {
        add_hyperlinks(reader, frame.buffer_mut(), areas.text);
    }

    if let Some(notes_area) = areas.notes {
        let text: Vec<Line> = if lesson.notes.is_empty() {
            vec![Line::from(Span::styled(strings::NOTES_NONE, theme.dim))]
        } else {
            lesson
                .notes
                .iter()
                .flat_map(|n| {
                    // Each paragraph reflows to the panel, as in the notes
                    // window: the source's line breaks are not kept.
                    crate::present::notes_view::reflow(&n.text)
                        .into_iter()
                        .flat_map(|p| [Line::from(Span::styled(p, theme.notes)), Line::default()])
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let block = Block::default()
            .borders(Borders::LEFT)
            .border_style(theme.popup_border)
            .title(Span::styled(strings::NOTES_TITLE, theme.popup_title));
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: false }),
            notes_area,
        );
    }

    if let Some(pane) = areas.output {
        output::view::draw(app, frame, pane);
    }
    bars::draw_prompt(app, frame, areas.prompt);
    let mut segments = vec![bars::Segment::new(
        lesson.front.id.clone(),
        bars::priority::LESSON,
    )];
    let total = lesson.steps.len();
    let position = match reader.step {
        Some(i) => strings::step_position(i + 1, total),
        None if total == 0 => strings::NO_STEP.to_string(),
        None => strings::step_position(0, total),
    };
    segments.push(bars::Segment::new(position, bars::priority::POSITION));
    if let Some(search) = &reader.search {
        let text = if search.matches.is_empty() {
            format!("{} \"{}\"", strings::SEARCH_NO_MATCH, search.query)
        } else {
            format!(
                "{} {}/{} \"{}\"",
                strings::SEARCH_MATCH,
                search.current + 1,
                search.matches.len(),
                search.query
            )
        };
        segments.push(bars::Segment::new(text, bars::priority::SEARCH));
    }
    if let Some(cluster) = app.selected_cluster() {
        segments.push(
            bars::Segment::new(strings::status_cluster(cluster), bars::priority::CLUSTER)
                .or_short(strings::status_cluster_short(cluster)),
        );
    }
    // No scroll percentage: next to the step count it read as progress.
    segments.extend(bars::backend_and_profile(app));
    bars::draw_status(app, frame, areas.status, &segments);
}

fn highlight_matches(app: &App, reader: &Reader, buf: &mut Buffer, area: Rect) {
    let Some(search) = &reader.search else {
        return;
    };
    let theme = &app.settings.theme;
    for (i, m) in search.matches.iter().enumerate() {
        let Some(row) = m.line.checked_sub(reader.scroll) else {
            continue;
        };
        if row >= usize::from(area.height) || m.column >= area.width {
            continue;
        }
        let style = if i == search.current {
            theme.search_current
        } else {
            theme.search_match
        };
        let width = m.width.min(area.width - m.column);
        let y = area.y + u16::try_from(row).expect("row < area.height, a u16");
        buf.set_style(Rect::new(area.x + m.column, y, width, 1), style);
    }
}

/// OSC 8 hyperlinks. The escape codes go into the first cell of each link with
/// a forced width, so ratatui's diff still knows how many columns it covers.
fn add_hyperlinks(reader: &Reader, buf: &mut Buffer, area: Rect) {
    for link in &reader.doc.links {
        let Some(row) = link.line.checked_sub(reader.scroll) else {
            continue;
        };
        if row >= usize::from(area.height) || link.column + link.width > area.width {
            continue;
        }
        let Some(width) = NonZeroU16::new(link.width) else {
            continue;
        };
        let y = area.y + u16::try_from(row).expect("row < area.height, a u16");
        let x = area.x + link.column;
        let text: String = (x..x + link.width)
            .map(|cx| buf[(cx, y)].symbol().to_string())
            .collect();
        let url: String = link.url.chars().filter(|c| !c.is_control()).collect();
        let symbol = format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\");
        buf[(x, y)]
            .set_symbol(&symbol)
            .set_diff_option(CellDiffOption::ForcedWidth(width));
        for cx in x + 1..x + link.width {
            buf[(cx, y)].set_diff_option(CellDiffOption::Skip);
        }
    }
}
