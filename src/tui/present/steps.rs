//! The steps of the screen as lines: each shown step's title and command,
//! the last one's command as far as it is typed, with its state, checks
//! and hints.

use ratatui::text::{Line, Span};

use crate::execute::StepOutcome;
use crate::tui::execution::{CheckState, StepExecution, format_duration, spinner};
use crate::tui::markdown::wrap::{char_width, text_width as width_of};
use crate::tui::state::App;
use crate::tui::strings;

/// Lines of the shown step's command on screen.
const COMMAND_ROWS: usize = 6;

/// The steps shown so far: title and command; the last one typed out, with
/// its state, checks and hints.
pub fn step_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let Some(present) = &app.present else {
        return Vec::new();
    };
    let Some(lesson) = present.lesson.and_then(|l| app.lessons.get(l)) else {
        return Vec::new();
    };
    let shown = present.shown_steps();
    let mut lines = Vec::new();
    for (n, &index) in shown.iter().enumerate() {
        let Some(step) = lesson.steps.get(index) else {
            continue;
        };
        let last = n + 1 == shown.len();
        let mut title = super::view::step_title(&step.title, theme);
        if step.billable {
            title.push(Span::styled(
                format!("  {}", strings::BADGE_BILLABLE),
                theme.badge_billable,
            ));
        }
        lines.push(Line::from(title));
        let typed = match (&present.typing, last) {
            (Some(typing), true) => typing.visible(&step.command),
            _ => step.command.as_str(),
        };
        let cursor = last && present.is_typing();
        let all: Vec<&str> = typed.split('\n').collect();
        // The last step shows the end of what is typed (where the cursor
        // is), earlier ones their first line: the state and output below
        // must stay on screen.
        let keep = if last { COMMAND_ROWS } else { 1 };
        let from = if last && cursor {
            all.len().saturating_sub(keep)
        } else {
            0
        };
        let upto = (from + keep).min(all.len());
        let room = usize::from(width).saturating_sub(3).max(8);
        for (i, part) in all.iter().enumerate().take(upto).skip(from) {
            let rows = split_columns(part, room);
            let count = rows.len();
            for (r, row) in rows.into_iter().enumerate() {
                let prompt = if i == 0 && r == 0 { "$ " } else { "  " };
                let mut spans = vec![
                    Span::styled(prompt, theme.step_prompt),
                    Span::styled(row, theme.code),
                ];
                if cursor && i + 1 == all.len() && r + 1 == count {
                    spans.push(Span::styled("█", theme.step_prompt));
                }
                lines.push(Line::from(spans));
            }
        }
        let hidden = all.len() - (upto - from);
        if hidden > 0 && !(last && cursor) {
            lines.push(Line::styled(
                format!("  {}", strings::present_more_lines(hidden)),
                theme.dim,
            ));
        }
        if last
            && let Some(execution) = app
                .execution
                .as_ref()
                .filter(|e| Some(e.lesson) == present.lesson && e.step == index)
        {
            lines.extend(execution_lines(app, execution));
        }
    }
    lines
}

fn execution_lines(app: &App, execution: &StepExecution) -> Vec<Line<'static>> {
    let theme = &app.settings.theme;
    let elapsed = format_duration(execution.elapsed);
    let status = match &execution.outcome {
        None => {
            let mut s = format!(
                "{} {} {elapsed}",
                spinner(execution.elapsed),
                strings::PRESENT_RUNNING
            );
            if let Some((stage, fraction)) = &execution.stage {
                s.push_str(&format!(" · {stage}"));
                if let Some(f) = fraction {
                    s.push_str(&format!(" {:.0}%", f * 100.0));
                }
            }
            Line::styled(s, theme.check)
        }
        Some(StepOutcome::Passed) => Line::styled(
            format!("✔ {} {elapsed}", strings::PRESENT_PASSED),
            theme.mark_completed,
        ),
        Some(StepOutcome::Skipped { reason }) => {
            Line::styled(format!("⤼ {reason}"), theme.badge_skipped)
        }
        Some(StepOutcome::Failed { reason }) => Line::styled(format!("✘ {reason}"), theme.warning),
        Some(StepOutcome::TimedOut) => {
            Line::styled(format!("✘ {}", strings::PRESENT_TIMED_OUT), theme.warning)
        }
        Some(StepOutcome::Cancelled) => {
            Line::styled(format!("■ {}", strings::PRESENT_STOPPED), theme.warning)
        }
    };
    let mut status = status;
    if execution.simulated {
        status.push_span(Span::styled(
            format!("  {}", strings::BADGE_SIMULATED),
            theme.warning,
        ));
    }
    if crate::tui::present::replay::replaying(app) {
        status.push_span(Span::styled(
            format!("  {}", strings::REPLAY_STEP_BADGE),
            theme.dim,
        ));
    }
    let mut lines = vec![status];
    if app.fast_forward && execution.is_executing() {
        lines.push(Line::styled(strings::FAST_FORWARD_ON, theme.dim));
    }
    for check in &execution.checks {
        let (mark, style) = match &check.state {
            CheckState::Pending => ("·", theme.dim),
            CheckState::Running => ("…", theme.check),
            CheckState::Passed { .. } => ("✔", theme.mark_completed),
            CheckState::Failed { .. } => ("✘", theme.warning),
        };
        lines.push(Line::styled(
            format!("  {mark} {}", check.description),
            style,
        ));
        if let CheckState::Failed { hint, .. } = &check.state
            && !hint.is_empty()
        {
            lines.push(Line::styled(
                format!("    {} {hint}", strings::PRESENT_HINT),
                theme.notes,
            ));
        }
    }
    for hint in &execution.hints {
        lines.push(Line::styled(
            format!("  {} {hint}", strings::PRESENT_HINT),
            theme.notes,
        ));
    }
    lines
}

/// `text` in rows of at most `width` columns, broken after a space; a word
/// longer than a row is broken where the row ends. Every character is
/// kept, so the rows joined are the command.
fn split_columns(text: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    for word in text.split_inclusive(' ') {
        let last = rows.last_mut().expect("rows starts with one");
        if !last.is_empty() && width_of(last) + width_of(word.trim_end()) > width {
            rows.push(String::new());
        }
        for c in word.chars() {
            let last = rows.last_mut().expect("rows starts with one");
            // A space that does not fit stays at the row's end.
            let spills = c != ' ' || last.is_empty();
            if spills && width_of(last) + char_width(c) > width {
                rows.push(c.to_string());
            } else {
                last.push(c);
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_command_wraps_at_the_width() {
        assert_eq!(split_columns("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(split_columns("", 3), [""]);
    }

    #[test]
    fn a_command_breaks_between_words_not_inside_them() {
        let command = "kubectl get pods --selector app=hello";
        let rows = split_columns(command, 16);
        assert_eq!(rows, ["kubectl get pods ", "--selector ", "app=hello"]);
        assert_eq!(rows.concat(), command, "nothing is lost");
        assert!(rows.iter().all(|r| width_of(r.trim_end()) <= 16));
        // A word longer than a row is broken where the row ends.
        assert_eq!(split_columns("ab cdefghij", 4), ["ab ", "cdef", "ghij"]);
    }
}
