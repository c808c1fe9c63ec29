//! Draws the output pane: the executing step's command, a progress line
//! (gauge with stage, elapsed time and ETA, or a spinner), and the
//! scrollback with search highlights.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, LineGauge, Paragraph};

use crate::execute::StepOutcome;
use crate::tui::execution::{
    CheckState, ExecutionMode, StepExecution, eta_since, format_duration, spinner,
};
use crate::tui::markdown::wrap::Seg;
use crate::tui::screens::output::{OutputPane, PaneSize, wrap_line};
use crate::tui::state::App;
use crate::tui::strings;
use crate::tui::theme::Theme;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let border = if app.output.focused {
        theme.step_border_selected
    } else {
        theme.popup_border
    };
    let mut title = strings::OUTPUT_TITLE.to_string();
    if let Some(execution) = &app.execution {
        title.push_str(&format!("·{}", strings::command_header(&execution.command)));
    }
    let keys = if app.output.focused {
        strings::OUTPUT_FOCUSED
    } else {
        strings::OUTPUT_UNFOCUSED
    };
    let mut bottom = format!(" {keys} ");
    if let Some(search) = &app.output.search {
        bottom = if search.matches.is_empty() {
            format!(
                " {} \"{}\" ·{bottom}",
                strings::SEARCH_NO_MATCH,
                search.query
            )
        } else {
            format!(
                " {} {}/{} \"{}\" ·{bottom}",
                strings::SEARCH_MATCH,
                search.current + 1,
                search.matches.len(),
                search.query
            )
        };
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(border)
        .title(Line::from(Span::styled(title, theme.popup_title)))
        .title(Line::from(Span::styled(bottom, theme.dim)).right_aligned());
    // One column of margin each side, like the lesson text.
    let inner = block.inner(area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    frame.render_widget(block, area);
    let [gauge_area, text_area] = inner.layout(&Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
    ]));
    draw_progress(app, frame, gauge_area);
    draw_lines(app, frame, text_area);
}

fn draw_progress(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let Some(execution) = &app.execution else {
        let empty = if app.build_up.running.is_some() {
            strings::OUTPUT_BUILDING
        } else {
            strings::OUTPUT_EMPTY
        };
        frame.render_widget(Paragraph::new(Span::styled(empty, theme.dim)), area);
        return;
    };
    if let Some(outcome) = &execution.outcome {
        let (text, style) = outcome_line(outcome, execution, theme);
        frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
        return;
    }
    let label = progress_label(execution);
    match execution.fraction() {
        Some(fraction) => {
            let gauge = LineGauge::default()
                .ratio(f64::from(fraction.clamp(0.0, 1.0)))
                .label(Span::styled(label, theme.text))
                .filled_style(theme.check)
                .unfilled_style(theme.dim)
                // Two glyphs, so the bar shows without colour (NO_COLOR) too.
                .filled_symbol(strings::GAUGE_FILLED)
                .unfilled_symbol(strings::GAUGE_UNFILLED);
            frame.render_widget(gauge, area);
        }
        None => frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{} {label}", spinner(execution.elapsed)),
                theme.text,
            )),
            area,
        ),
    }
}

/// `stage 42% · elapsed 1m05s · 1m30s left`, from the execution's state alone.
pub fn progress_label(execution: &StepExecution) -> String {
    let checking = execution
        .checks
        .iter()
        .any(|c| c.state == CheckState::Running);
    let what = match (&execution.stage, checking, execution.mode) {
        (_, true, _) | (_, _, ExecutionMode::ChecksOnly) => strings::PROGRESS_CHECKING.to_string(),
        (_, _, ExecutionMode::Interactive) => strings::PROGRESS_INTERACTIVE.to_string(),
        (Some((name, Some(f))), ..) => format!("{name} {:.0}%", f.clamp(0.0, 1.0) * 100.0),
        (Some((name, None)), ..) => name.clone(),
        (None, ..) => strings::PROGRESS_EXECUTING.to_string(),
    };
    let mut label = format!(
        "{what} · {} {}",
        strings::PROGRESS_ELAPSED,
        format_duration(execution.elapsed)
    );
    let left = execution
        .fraction()
        .and_then(|f| eta_since(execution.stage_reported_at, f, execution.elapsed));
    if !checking && let Some(left) = left {
        label.push_str(&format!(
            " · {} {}",
            format_duration(left),
            strings::PROGRESS_ETA
        ));
    }
    label
}

fn outcome_line(
    outcome: &StepOutcome,
    execution: &StepExecution,
    theme: &Theme,
) -> (String, Style) {
    let took = format_duration(execution.elapsed);
    match outcome {
        StepOutcome::Passed => (format!("✔ {}", strings::result_passed(&took)), theme.check),
        StepOutcome::Failed { reason } => (
            format!("✘ {}", strings::result_failed(reason)),
            theme.warning,
        ),
        StepOutcome::TimedOut => (
            format!("✘ {}", strings::result_timed_out(&took)),
            theme.warning,
        ),
        StepOutcome::Cancelled => (format!("■ {}", strings::RESULT_CANCELLED), theme.warning),
        StepOutcome::Skipped { reason } => (strings::result_skipped(reason), theme.badge_skipped),
    }
}

fn draw_lines(app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.settings.theme;
    let pane = &app.output;
    let height = usize::from(area.height);
    let width = usize::from(area.width);
    let query = pane.search.as_ref().map(|s| s.query.to_lowercase());
    let current = pane.current_match();
    let styled = |i: usize| -> Vec<Vec<Seg>> {
        let text = &pane.lines[i];
        let style = if Some(i) == current {
            theme.search_current
        } else {
            theme.search_match
        };
        let segs = match &query {
            Some(q) if !q.is_empty() => highlight(text, q, style, theme.text),
            _ => vec![Seg::new(text.clone(), theme.text)],
        };
        wrap_line(text, &segs, width, theme.dim)
    };
    let rows: Vec<Vec<Seg>> = if pane.follow {
        // The newest lines, bottom-aligned: wrap backwards until the pane is full.
        let mut rows = Vec::new();
        for i in (0..pane.lines.len()).rev() {
            let mut line = styled(i);
            line.append(&mut rows);
            rows = line;
            if rows.len() >= height {
                break;
            }
        }
        rows.split_off(rows.len().saturating_sub(height))
    } else {
        let size = PaneSize {
            rows: height,
            width,
        };
        (pane.top(size)..pane.lines.len())
            .flat_map(styled)
            .take(height)
            .collect()
    };
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|segs| {
            Line::from(
                segs.into_iter()
                    .map(|s| Span::styled(s.text, s.style))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Rows the newest output takes at `width` columns, counted up to `limit`:
/// what the pane would need to show it all.
pub fn rows_wanted(pane: &OutputPane, width: u16, limit: usize) -> usize {
    let width = usize::from(width);
    let mut rows = 0;
    for text in pane.lines.iter().rev() {
        rows += super::rows(text, width);
        if rows >= limit {
            return limit;
        }
    }
    rows
}

/// Marks each case-insensitive hit of `query`; when lower-casing changes the
/// byte length (some non-ASCII text) the whole line is marked instead.
fn highlight(text: &str, query: &str, hit: Style, plain: Style) -> Vec<Seg> {
    let lower = text.to_lowercase();
    if !lower.contains(query) {
        return vec![Seg::new(text, plain)];
    }
    if lower.len() != text.len() {
        return vec![Seg::new(text, hit)];
    }
    let mut segs = Vec::new();
    let mut at = 0;
    for (start, _) in lower.match_indices(query) {
        if start < at || !text.is_char_boundary(start) {
            continue;
        }
        segs.push(Seg::new(&text[at..start], plain));
        let end = start + query.len();
        segs.push(Seg::new(&text[start..end], hit));
        at = end;
    }
    segs.push(Seg::new(&text[at..], plain));
    segs
}
