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
    CheckState, ExecutionMode, StepExecution, eta, format_duration, spinner,
};
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
        frame.render_widget(
            Paragraph::new(Span::styled(strings::OUTPUT_EMPTY, theme.dim)),
            area,
        );
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
                .unfilled_style(theme.dim);
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
    if !checking && let Some(left) = execution.fraction().and_then(|f| eta(execution.elapsed, f)) {
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
    let top = pane.top(height);
    let end = (top + height).min(pane.lines.len());
    let query = pane.search.as_ref().map(|s| s.query.to_lowercase());
    let current = pane.current_match();
    let lines: Vec<Line> = (top..end)
        .map(|i| {
            let text = &pane.lines[i];
            let style = if Some(i) == current {
                theme.search_current
            } else {
                theme.search_match
            };
            match &query {
                Some(q) if !q.is_empty() => highlight(text, q, style, theme.text),
                _ => Line::from(Span::styled(text.clone(), theme.text)),
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Marks each case-insensitive hit of `query`; when lower-casing changes the
/// byte length (some non-ASCII text) the whole line is marked instead.
fn highlight(text: &str, query: &str, hit: Style, plain: Style) -> Line<'static> {
    let lower = text.to_lowercase();
    if !lower.contains(query) {
        return Line::from(Span::styled(text.to_string(), plain));
    }
    if lower.len() != text.len() {
        return Line::from(Span::styled(text.to_string(), hit));
    }
    let mut spans = Vec::new();
    let mut at = 0;
    for (start, _) in lower.match_indices(query) {
        if start < at || !text.is_char_boundary(start) {
            continue;
        }
        spans.push(Span::styled(text[at..start].to_string(), plain));
        let end = start + query.len();
        spans.push(Span::styled(text[start..end].to_string(), hit));
        at = end;
    }
    spans.push(Span::styled(text[at..].to_string(), plain));
    Line::from(spans)
}
