//! A lesson step drawn as a box: number and id, title, the command
//! (highlighted), what will be checked, and badges.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::backend::StepCluster;
use crate::execute::StepOutcome;
use crate::lesson::{BackendKind, Step};
use crate::progress::RecordedOutcome;
use crate::tui::execution::{self, ForwardState, StepExecution};
use crate::tui::markdown::highlight::{Language, highlight};
use crate::tui::markdown::wrap::{
    NO_BREAK, Seg, WrapStyle, hard_wrap, segs_width, wrap, wrap_with,
};
use crate::tui::strings;
use crate::tui::theme::Theme;

/// Columns a command's continuation lines are indented by, after the
/// prompt's own two.
pub const COMMAND_INDENT: usize = 2;

/// What the box needs besides the step.
#[derive(Debug, Clone)]
pub struct StepBoxContext<'a> {
    pub theme: &'a Theme,
    pub backend: BackendKind,
    pub selected: bool,
    /// The outcome the progress file remembers for this step.
    pub recorded: Option<RecordedOutcome>,
    /// This step's current or last execution in this session.
    pub execution: Option<&'a StepExecution>,
    /// The next step that runs here: its id and title, for "what to do next".
    pub next: Option<(&'a str, &'a str)>,
    /// The step that removes what this one creates: its id and command.
    pub cleanup: Option<(&'a str, &'a str)>,
    /// The cluster the step runs against, when the backend chooses it.
    pub cluster: Option<&'a StepCluster>,
    /// A port-forward step's forward, where the backend holds it.
    pub forward: Option<ForwardState>,
}

/// The box as lines exactly `width` columns wide (minimum 12).
pub fn render(
    step: &Step,
    number: usize,
    total: usize,
    width: u16,
    ctx: &StepBoxContext,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let width = usize::from(width).max(12);
    let inner = width - 4;
    let border = if ctx.selected {
        theme.step_border_selected
    } else {
        theme.step_border
    };
    let mut body: Vec<Vec<Seg>> = Vec::new();

    let title = with_inline_code(&step.title, theme.step_title, theme);
    body.extend(wrap(&title, inner));

    let badges = badges(step, ctx);
    if !badges.is_empty() {
        body.extend(wrap_with(&badges, inner, &WrapStyle::hanging(2)));
    }

    if let Some(text) = forward_note(ctx) {
        let line = [Seg::new(text, theme.warning)];
        body.extend(wrap_with(&line, inner, &WrapStyle::hanging(2)));
    }

    if let Some(cluster) = ctx.cluster {
        let line = [Seg::new(strings::step_cluster(cluster), theme.dim)];
        body.extend(wrap_with(&line, inner, &WrapStyle::hanging(2)));
        if let Some(unfinished) = unfinished(ctx) {
            let line = [Seg::new(
                strings::unfinished_create(unfinished),
                theme.warning,
            )];
            body.extend(wrap_with(&line, inner, &WrapStyle::hanging(2)));
        }
    }

    body.push(Vec::new());
    push_command(&mut body, &step.command, "$ ", inner, theme);
    // On the episode's own profile the command is the episode's: say so
    // instead of printing it twice; the why still tells what changed since.
    let same = |episode: &str| words(episode) == words(&step.command);
    if let Some(episode) = step
        .episode_command
        .as_deref()
        .filter(|e| !same(e) || step.episode_why.is_some())
    {
        body.push(Vec::new());
        let same = same(episode);
        let label = if same {
            strings::STEP_EPISODE_SAME
        } else {
            strings::STEP_EPISODE_TYPED
        };
        body.extend(wrap(&[Seg::new(label, theme.dim)], inner));
        if !same {
            push_command(&mut body, episode, "  ", inner, theme);
        }
        if let Some(why) = &step.episode_why {
            body.extend(wrap(&with_inline_code(why, theme.dim, theme), inner));
        }
    }

    // Once executed, the checks are listed with their states by `push_result`.
    if !step.checks.is_empty() && ctx.execution.is_none() {
        body.push(Vec::new());
        body.extend(wrap(&[Seg::new(strings::STEP_CHECKS, theme.dim)], inner));
        for check in &step.checks {
            let line = [
                Seg::new(strings::CHECK_NOT_RUN, theme.dim),
                Seg::new(check.describe(), theme.text),
            ];
            for (i, mut piece) in wrap(&line, inner - 2).into_iter().enumerate() {
                if i > 0 {
                    piece.insert(0, Seg::new("  ", theme.text));
                }
                body.push(piece);
            }
        }
    }

    if let Some(execution) = ctx.execution {
        body.push(Vec::new());
        super::step_result::push_result(&mut body, execution, ctx, inner);
    }

    let mut lines = Vec::with_capacity(body.len() + 2);
    lines.push(top_border(step, number, total, width, border, theme));
    for segs in body {
        let pad = inner.saturating_sub(segs_width(&segs));
        let mut spans = vec![Span::styled("│ ", border)];
        spans.extend(segs.into_iter().map(|s| Span::styled(s.text, s.style)));
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(" │", border));
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled(
        format!("╰{}╯", "─".repeat(width - 2)),
        border,
    )));
    lines
}

fn top_border(
    step: &Step,
    number: usize,
    total: usize,
    width: usize,
    border: Style,
    theme: &Theme,
) -> Line<'static> {
    let label = format!(" {} {number}/{total} · {} ", strings::STEP, step.id);
    let room = width - 3;
    let label: String = hard_wrap(&[Seg::new(label, border)], room)
        .into_iter()
        .next()
        .map(|segs| segs.into_iter().map(|s| s.text).collect())
        .unwrap_or_default();
    let used = crate::tui::markdown::wrap::text_width(&label);
    Line::from(vec![
        Span::styled("╭─", border),
        Span::styled(label, border.patch(theme.step_title)),
        Span::styled(format!("{}╮", "─".repeat(width - 3 - used)), border),
    ])
}

/// Plain text where `backticks` mark code, as lesson authors write it.
pub(crate) fn with_inline_code(text: &str, style: Style, theme: &Theme) -> Vec<Seg> {
    text.split('`')
        .enumerate()
        .filter(|(_, piece)| !piece.is_empty())
        .map(|(i, piece)| {
            let style = if i % 2 == 1 {
                style.patch(theme.inline_code)
            } else {
                style
            };
            Seg::new(piece, style)
        })
        .collect()
}

/// The command after `prompt`, broken at spaces with each broken line
/// ending in ` \`, so that what is copied from the box still runs.
fn push_command(
    body: &mut Vec<Vec<Seg>>,
    command: &str,
    prompt: &str,
    inner: usize,
    theme: &Theme,
) {
    let width = inner.saturating_sub(2).max(1);
    let style = WrapStyle::command(COMMAND_INDENT, theme.dim);
    for (i, line) in highlight(Language::Shell, command, theme)
        .into_iter()
        .enumerate()
    {
        for (j, piece) in wrap_with(&line, width, &style).into_iter().enumerate() {
            let lead = if i == 0 && j == 0 { prompt } else { "  " };
            let mut segs = vec![Seg::new(lead, theme.step_prompt)];
            segs.extend(piece);
            body.push(segs);
        }
    }
}

fn badges(step: &Step, ctx: &StepBoxContext) -> Vec<Seg> {
    let theme = ctx.theme;
    let mut segs = Vec::new();
    // A badge is padded and joined with no-break spaces, so a line break
    // comes between badges, never inside one.
    let mut add = |text: String, style: Style| {
        if !segs.is_empty() {
            segs.push(Seg::new(" ", theme.text));
        }
        let text = text.replace(' ', &NO_BREAK.to_string());
        segs.push(Seg::new(format!("{NO_BREAK}{text}{NO_BREAK}"), style));
    };
    // The current run's status wins over what an earlier run recorded,
    // and what the world says (a create that did not finish) over both.
    let status = match ctx.execution.map(|e| e.outcome.as_ref()) {
        Some(None) => Some((strings::BADGE_RUNNING, theme.step_prompt)),
        _ if unfinished(ctx).is_some() => Some((strings::BADGE_INTERRUPTED, theme.warning)),
        Some(Some(StepOutcome::Cancelled)) => Some((strings::BADGE_CANCELLED, theme.warning)),
        Some(Some(outcome)) => execution::recorded(outcome).map(|r| recorded_badge(r, theme)),
        None => ctx.recorded.map(|r| recorded_badge(r, theme)),
    };
    // A forward that is gone or failing did not stay passed.
    let status = match (status, forwarded(ctx)) {
        (Some((strings::RECORDED_PASSED, _)), Some(ForwardState::Closed)) => {
            Some((strings::BADGE_FORWARD_CLOSED, theme.warning))
        }
        (Some((strings::RECORDED_PASSED, _)), Some(ForwardState::Failing(_))) => {
            Some((strings::BADGE_FORWARD_FAILING, theme.warning))
        }
        (status, _) => status,
    };
    if let Some((text, style)) = status {
        add(text.to_string(), style);
    }
    if ctx.execution.is_some_and(|e| e.simulated) {
        add(strings::BADGE_SIMULATED.to_string(), theme.warning);
    }
    if step.billable {
        add(strings::BADGE_BILLABLE.to_string(), theme.badge_billable);
    }
    if step.interactive {
        add(
            strings::BADGE_INTERACTIVE.to_string(),
            theme.badge_interactive,
        );
    }
    if step.background {
        add(
            strings::BADGE_BACKGROUND.to_string(),
            theme.badge_interactive,
        );
    }
    let skipped_on = match &step.skipped_on_profile {
        Some(profile) => Some(format!("{} {}", strings::PROFILE, profile)),
        None if !step.backends.is_empty() && !step.backends.contains(&ctx.backend) => {
            Some(ctx.backend.name().to_string())
        }
        None => None,
    };
    if let Some(on) = skipped_on {
        add(
            format!("{} {on}", strings::BADGE_SKIPPED_ON),
            theme.badge_skipped,
        );
        if let Some(reason) = &step.skip_reason {
            segs.push(Seg::new(format!(" {reason}"), theme.dim));
        }
    }
    segs
}

/// The EKS cluster this step creates, when it is there but not finished
/// and the step is not running.
pub fn unfinished<'a>(ctx: &StepBoxContext<'a>) -> Option<&'a crate::sim::world::UnfinishedCreate> {
    let running = ctx.execution.is_some_and(|e| e.outcome.is_none());
    ctx.cluster
        .and_then(|c| c.unfinished.as_ref())
        .filter(|_| !running)
}

/// The forward's state, for a step whose last outcome is a pass: the
/// current run's, or else the recorded one.
fn forwarded(ctx: &StepBoxContext) -> Option<ForwardState> {
    let passed = match ctx.execution.map(|e| e.outcome.as_ref()) {
        Some(Some(outcome)) => *outcome == StepOutcome::Passed,
        Some(None) => false,
        None => ctx.recorded == Some(RecordedOutcome::Passed),
    };
    ctx.forward.clone().filter(|_| passed)
}

/// What became of a passed step's forward, and how to get it back.
fn forward_note(ctx: &StepBoxContext) -> Option<String> {
    match forwarded(ctx)? {
        ForwardState::Open => None,
        ForwardState::Closed => Some(strings::FORWARD_CLOSED.to_string()),
        ForwardState::Failing(problem) => Some(strings::forward_failing(&problem)),
    }
}

fn recorded_badge(recorded: RecordedOutcome, theme: &Theme) -> (&'static str, Style) {
    match recorded {
        RecordedOutcome::Passed => (strings::RECORDED_PASSED, theme.check),
        RecordedOutcome::Failed => (strings::RECORDED_FAILED, theme.warning),
        RecordedOutcome::Skipped => (strings::RECORDED_SKIPPED, theme.badge_skipped),
        RecordedOutcome::SimulatedPass => (strings::RECORDED_SIMULATED_PASS, theme.warning),
    }
}

/// A command's words, so that line breaks and spacing do not count.
fn words(command: &str) -> Vec<&str> {
    command.split_whitespace().filter(|w| *w != "\\").collect()
}
