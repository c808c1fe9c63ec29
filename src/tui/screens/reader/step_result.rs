//! The lines a step box gains once its step runs: each check's state (what
//! was seen, the last thing seen and the hint, or the hint early when
//! nothing changes), the outcome with what the checks waited for or the
//! step's own hints, and what to do next.

use crate::execute::StepOutcome;
use crate::tui::execution::{CheckState, StepExecution, format_duration};
use crate::tui::markdown::wrap::{Seg, wrap};
use crate::tui::screens::reader::step_box::StepBoxContext;
use crate::tui::strings;
use crate::tui::theme::Theme;

/// Appends the execution's results to a step box body `inner` columns wide. No
/// elapsed time here: the box is re-rendered only when a check changes.
pub fn push_result(
    body: &mut Vec<Vec<Seg>>,
    execution: &StepExecution,
    ctx: &StepBoxContext,
    inner: usize,
) {
    let theme = ctx.theme;
    if execution.is_executing()
        && execution
            .checks
            .iter()
            .all(|c| c.state == CheckState::Pending)
    {
        push(
            body,
            inner,
            theme,
            vec![Seg::new(strings::RESULT_EXECUTING, theme.dim)],
            2,
        );
    }
    if !execution.checks.is_empty() {
        push(
            body,
            inner,
            theme,
            vec![Seg::new(strings::STEP_CHECKS, theme.dim)],
            0,
        );
    }
    for check in &execution.checks {
        match &check.state {
            CheckState::Pending => push(
                body,
                inner,
                theme,
                vec![
                    Seg::new(strings::CHECK_NOT_RUN, theme.dim),
                    Seg::new(check.description.clone(), theme.dim),
                ],
                2,
            ),
            CheckState::Running => {
                push(
                    body,
                    inner,
                    theme,
                    vec![
                        Seg::new("… ", theme.step_prompt),
                        Seg::new(
                            format!("{} {}", strings::RESULT_CHECKING, check.description),
                            theme.text,
                        ),
                    ],
                    2,
                );
                if let Some((seen, hint)) = &check.stalled {
                    push_at(
                        body,
                        inner,
                        theme,
                        vec![
                            Seg::new(format!("{} ", strings::RESULT_STILL_WAITING), theme.dim),
                            Seg::new(seen.clone(), theme.text),
                        ],
                        2,
                        4,
                    );
                    push_at(
                        body,
                        inner,
                        theme,
                        vec![
                            Seg::new(format!("{} ", strings::RESULT_HINT), theme.dim),
                            Seg::new(hint.clone(), theme.text),
                        ],
                        2,
                        4,
                    );
                }
            }
            CheckState::Passed { seen, .. } => push(
                body,
                inner,
                theme,
                // What was seen says what was checked, and more: "deployment
                // web: 2/2 ready" rather than "deployment web: 2/2 ready: ...".
                vec![
                    Seg::new("✔ ", theme.check),
                    Seg::new(seen.clone(), theme.text),
                ],
                2,
            ),
            CheckState::Failed { last_seen, hint } => {
                push(
                    body,
                    inner,
                    theme,
                    vec![
                        Seg::new("✘ ", theme.warning),
                        Seg::new(check.description.clone(), theme.text),
                    ],
                    2,
                );
                push_at(
                    body,
                    inner,
                    theme,
                    // The check's own words already say "last seen:" when
                    // it timed out; say it once.
                    if last_seen.contains(strings::RESULT_LAST_SEEN) {
                        vec![Seg::new(last_seen.clone(), theme.text)]
                    } else {
                        vec![
                            Seg::new(format!("{} ", strings::RESULT_LAST_SEEN), theme.dim),
                            Seg::new(last_seen.clone(), theme.text),
                        ]
                    },
                    2,
                    4,
                );
                push_at(
                    body,
                    inner,
                    theme,
                    vec![
                        Seg::new(format!("{} ", strings::RESULT_HINT), theme.dim),
                        Seg::new(hint.clone(), theme.text),
                    ],
                    2,
                    4,
                );
            }
        }
    }
    let Some(outcome) = &execution.outcome else {
        return;
    };
    let took = format_duration(execution.elapsed);
    let (mark, style, text) = match outcome {
        StepOutcome::Passed => ("✔ ", theme.check, strings::result_passed(&took)),
        StepOutcome::Failed { reason } => ("✘ ", theme.warning, strings::result_failed(reason)),
        StepOutcome::TimedOut => ("✘ ", theme.warning, strings::result_timed_out(&took)),
        StepOutcome::Cancelled => ("■ ", theme.warning, strings::RESULT_CANCELLED.to_string()),
        StepOutcome::Skipped { reason } => {
            ("» ", theme.badge_skipped, strings::result_skipped(reason))
        }
    };
    push(
        body,
        inner,
        theme,
        vec![Seg::new(mark, style), Seg::new(text, style)],
        2,
    );
    match outcome {
        // The command's own output may show a state from before the checks
        // looked (0/1 ready): say what they saw, and when.
        StepOutcome::Passed => {
            if let Some((waited, seen)) = execution.checks_saw_otherwise() {
                push(
                    body,
                    inner,
                    theme,
                    vec![Seg::new(strings::checks_waited(waited, &seen), theme.dim)],
                    2,
                );
            }
        }
        StepOutcome::Failed { .. } | StepOutcome::TimedOut => {
            for hint in &execution.hints {
                push_at(
                    body,
                    inner,
                    theme,
                    vec![
                        Seg::new(format!("{} ", strings::RESULT_HINT), theme.dim),
                        Seg::new(hint.clone(), theme.text),
                    ],
                    2,
                    4,
                );
            }
        }
        StepOutcome::Cancelled if execution.billable => push(
            body,
            inner,
            theme,
            vec![Seg::new(
                strings::stop_goes_on(ctx.backend, ctx.cleanup),
                theme.badge_billable,
            )],
            2,
        ),
        StepOutcome::Cancelled | StepOutcome::Skipped { .. } => {}
    }
    let what_next = if outcome.ok() {
        match ctx.next {
            Some((id, title)) => strings::next_step(id, title),
            None => strings::NEXT_LESSON_DONE.to_string(),
        }
    } else if matches!(outcome, StepOutcome::Cancelled)
        && crate::tui::screens::reader::step_box::unfinished(ctx).is_some()
    {
        strings::NEXT_AFTER_UNFINISHED.to_string()
    } else if matches!(outcome, StepOutcome::Cancelled) {
        strings::NEXT_AFTER_CANCEL.to_string()
    } else if execution
        .checks
        .iter()
        .any(|c| matches!(c.state, CheckState::Failed { .. }))
    {
        strings::NEXT_AFTER_CHECK_FAILED.to_string()
    } else {
        strings::NEXT_AFTER_COMMAND_FAILED.to_string()
    };
    push(
        body,
        inner,
        theme,
        vec![
            Seg::new(format!("{} ", strings::NEXT), theme.step_title),
            Seg::new(what_next, theme.text),
        ],
        2,
    );
}

fn push(body: &mut Vec<Vec<Seg>>, inner: usize, theme: &Theme, segs: Vec<Seg>, indent: usize) {
    push_at(body, inner, theme, segs, 0, indent);
}

/// Wraps `segs`, then indents the first piece by `lead` and the rest by
/// `indent` (after wrapping, which would trim leading spaces).
fn push_at(
    body: &mut Vec<Vec<Seg>>,
    inner: usize,
    theme: &Theme,
    segs: Vec<Seg>,
    lead: usize,
    indent: usize,
) {
    let width = inner.saturating_sub(indent.max(lead)).max(1);
    for (i, mut piece) in wrap(&segs, width).into_iter().enumerate() {
        let pad = if i == 0 { lead } else { indent };
        if pad > 0 {
            piece.insert(0, Seg::new(" ".repeat(pad), theme.text));
        }
        body.push(piece);
    }
}
