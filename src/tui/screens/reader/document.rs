//! The open lesson rendered at one width: lines, where each step box sits,
//! links, and plain text for search. `sync` is the one place it is brought
//! up to date, after every `update`; `draw` only slices it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use ratatui::text::Line;

use crate::backend::StepCluster;
use crate::backend::portforward::{ForwardStatus, follow_moved_ports};
use crate::execute::StepOutcome;
use crate::lesson::{BackendKind, Block, Lesson};
use crate::progress::RecordedOutcome;
use crate::tui::execution::{self, CheckLine, ForwardState, StepExecution};
use crate::tui::markdown::wrap::{char_width, text_width};
use crate::tui::markdown::{LinkRegion, RenderContext, line_text, render_document};
use crate::tui::screens::reader::step_box::{self, StepBoxContext};
use crate::tui::screens::reader::{Reader, Search};
use crate::tui::state::App;
use crate::tui::theme::Theme;

/// Everything that decides how a lesson renders.
#[derive(Debug, Clone, Copy)]
pub struct DocumentStyle<'a> {
    pub theme: &'a Theme,
    pub backend: BackendKind,
    pub hyperlinks: bool,
    /// What the progress file remembers of this lesson's steps.
    pub progress: Option<&'a crate::progress::LessonProgress>,
    /// The execution shown in this lesson, if any.
    pub execution: Option<&'a StepExecution>,
    /// The open port-forwards: prose naming a port that one had to move
    /// names the port it really has.
    pub forwards: &'a [ForwardStatus],
    /// The cluster each step runs against (empty when not known).
    pub clusters: &'a [Option<StepCluster>],
}

impl DocumentStyle<'_> {
    /// Wanted local port → the port its forward really has, where they differ.
    pub fn moved_ports(&self) -> BTreeMap<u16, u16> {
        self.forwards
            .iter()
            .filter_map(|f| Some((f.wanted_port_taken?, f.local.port())))
            .collect()
    }
}

/// What a rendered lesson was built from, besides the lesson and the
/// settings (neither changes while the TUI runs). `sync` rebuilds when the
/// state no longer matches it.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub width: u16,
    pub selected: Option<usize>,
    /// Each step's recorded outcome, indexed like `Lesson::steps`.
    pub recorded: Vec<Option<RecordedOutcome>>,
    pub execution: Option<Shown>,
    pub moved_ports: BTreeMap<u16, u16>,
    pub clusters: Vec<Option<StepCluster>>,
    /// Each port-forward step's forward (see `execution::forward_state`).
    pub forwards: Vec<Option<ForwardState>>,
}

/// What the step boxes show of an execution in this lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub step: usize,
    pub checks: Vec<CheckLine>,
    pub outcome: Option<StepOutcome>,
    /// How long it took, once it ended (the time so far is not shown).
    pub took: Option<Duration>,
}

impl Source {
    pub fn of(lesson: &Lesson, width: u16, selected: Option<usize>, style: &DocumentStyle) -> Self {
        Source {
            width,
            selected,
            recorded: lesson
                .steps
                .iter()
                .map(|s| style.progress.and_then(|p| p.steps.get(&s.id).copied()))
                .collect(),
            execution: style.execution.map(|e| Shown {
                step: e.step,
                checks: e.checks.clone(),
                outcome: e.outcome.clone(),
                took: e.outcome.as_ref().map(|_| e.elapsed),
            }),
            moved_ports: style.moved_ports(),
            clusters: style.clusters.to_vec(),
            forwards: lesson
                .steps
                .iter()
                .map(|s| execution::forward_state(s, style.backend, style.forwards))
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RenderedLesson {
    pub width: u16,
    pub lines: Vec<Line<'static>>,
    /// Line range of each step's box, indexed like `Lesson::steps`.
    pub steps: Vec<Range<usize>>,
    pub links: Vec<LinkRegion>,
    /// Each line's text, for search.
    pub plain: Vec<String>,
    /// `None` until first built.
    pub source: Option<Source>,
    /// The text area's height at the last `sync` (0 before).
    pub height: usize,
}

/// One search hit, in display columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub line: usize,
    pub column: u16,
    pub width: u16,
}

impl RenderedLesson {
    pub fn build(
        lesson: &Lesson,
        width: u16,
        selected: Option<usize>,
        style: &DocumentStyle,
    ) -> Self {
        let ctx = RenderContext {
            theme: style.theme,
            hyperlinks: style.hyperlinks,
            diagrams: &lesson.diagrams,
        };
        let mut lines: Vec<Line<'static>> = Vec::new();
        let mut links = Vec::new();
        let mut steps = vec![0..0; lesson.steps.len()];
        let moved_ports = style.moved_ports();
        for block in &lesson.blocks {
            if !lines.is_empty() {
                lines.push(Line::default());
            }
            match block {
                Block::Markdown { source, .. } => {
                    let source = follow_moved_ports(source, &moved_ports);
                    let rendered = render_document(&source, width, &ctx);
                    let offset = lines.len();
                    links.extend(rendered.links.into_iter().map(|mut l| {
                        l.line += offset;
                        l
                    }));
                    lines.extend(rendered.lines);
                }
                Block::Step(index) if *index < lesson.steps.len() => {
                    let start = lines.len();
                    lines.extend(render_step(lesson, *index, width, selected, style));
                    steps[*index] = start..lines.len();
                }
                // A dangling index cannot come from the parser; skip it rather than panic.
                Block::Step(_) => {}
            }
        }
        let plain = lines.iter().map(line_text).collect();
        RenderedLesson {
            width,
            lines,
            steps,
            links,
            plain,
            source: Some(Source::of(lesson, width, selected, style)),
            height: 0,
        }
    }

    /// Re-draws two step boxes after the selection moved; the height of a box
    /// does not depend on selection, so every other line stays put.
    pub fn reselect(
        &mut self,
        lesson: &Lesson,
        old: Option<usize>,
        new: Option<usize>,
        style: &DocumentStyle,
    ) {
        for index in [old, new].into_iter().flatten() {
            let Some(range) = self.steps.get(index).cloned() else {
                continue;
            };
            let fresh = render_step(lesson, index, self.width, new, style);
            if fresh.len() == range.len() {
                self.lines.splice(range, fresh);
            }
        }
        if let Some(source) = &mut self.source {
            source.selected = new;
        }
    }

    /// Case-insensitive matches of `query`, in reading order.
    pub fn find(&self, query: &str) -> Vec<Match> {
        let needle: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
        if needle.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for (line, text) in self.plain.iter().enumerate() {
            let hay: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
            let mut i = 0;
            while i + needle.len() <= hay.len() {
                if hay[i..i + needle.len()] == needle[..] {
                    let column: usize = hay[..i].iter().map(|&c| char_width(c)).sum();
                    let width = text_width(&hay[i..i + needle.len()].iter().collect::<String>());
                    found.push(Match {
                        line,
                        column: u16::try_from(column).unwrap_or(u16::MAX),
                        width: u16::try_from(width).unwrap_or(u16::MAX),
                    });
                    i += needle.len();
                } else {
                    i += 1;
                }
            }
        }
        found
    }
}

fn render_step(
    lesson: &Lesson,
    index: usize,
    width: u16,
    selected: Option<usize>,
    style: &DocumentStyle,
) -> Vec<Line<'static>> {
    let step = &lesson.steps[index];
    let ctx = StepBoxContext {
        theme: style.theme,
        backend: style.backend,
        selected: selected == Some(index),
        recorded: style.progress.and_then(|p| p.steps.get(&step.id).copied()),
        execution: style.execution.filter(|e| e.step == index),
        next: execution::next_executed(lesson, index, style.backend)
            .map(|s| (s.id.as_str(), s.title.as_str())),
        cleanup: crate::execute::cleanup_step(lesson, index)
            .map(|s| (s.id.as_str(), s.command.as_str())),
        cluster: style.clusters.get(index).and_then(Option::as_ref),
        forward: execution::forward_state(step, style.backend, style.forwards),
    };
    step_box::render(step, index + 1, lesson.steps.len(), width, &ctx)
}

/// Brings the open lesson's rendered document up to date with the state,
/// keeping the reader's place. Called after every `update`; it compares what
/// the document was built from with the state, and rebuilds only what
/// changed:
/// - a new text width re-wraps everything and keeps the same fraction of
///   the text (or the selected step) in view;
/// - a new step state (a check result, an outcome, a recorded result)
///   re-renders at the same width, and when the execution shown changed,
///   scrolls to the end of the selected step's box, where results appear;
/// - a new selection re-draws just the two step boxes;
/// - a new text height (the output pane grows with its output) brings a
///   running step's box back into view, its title first.
pub fn sync(app: &mut App) {
    let (width, height) = app.text_area();
    let height = usize::from(height);
    let Some(mut r) = app.reader.take() else {
        return;
    };
    let running = app
        .execution
        .as_ref()
        .filter(|e| e.lesson == r.lesson && e.is_executing())
        .map(|e| e.step);
    let resized = r.doc.height != height;
    if let Some(lesson) = app.lessons.get(r.lesson) {
        let style = app.document_style(r.lesson);
        let want = Source::of(lesson, width, r.step, &style);
        match r.doc.source.clone() {
            None => r.doc = RenderedLesson::build(lesson, width, r.step, &style),
            Some(had) if had == want => {}
            Some(had) if had.width != width => rewrap(&mut r, lesson, &style, width, height),
            Some(had)
                if had.recorded == want.recorded
                    && had.execution == want.execution
                    && had.moved_ports == want.moved_ports
                    && had.clusters == want.clusters
                    && had.forwards == want.forwards =>
            {
                r.doc.reselect(lesson, had.selected, want.selected, &style);
            }
            Some(had) => {
                rerender(&mut r, lesson, &style);
                if had.execution != want.execution {
                    let step = r.step;
                    reveal_step_end(&mut r, step, running.is_some(), height);
                }
            }
        }
        if resized && running.is_some() {
            reveal_step_end(&mut r, running, true, height);
        }
        r.doc.height = height;
        r.scroll = r.scroll.min(r.doc.lines.len().saturating_sub(height));
    }
    app.reader = Some(r);
}

/// At a new width: the same fraction of the text, or the selected step, in view.
fn rewrap(r: &mut Reader, lesson: &Lesson, style: &DocumentStyle, width: u16, height: usize) {
    let doc = RenderedLesson::build(lesson, width, r.step, style);
    let old_len = r.doc.lines.len().max(1);
    r.scroll = r.scroll * doc.lines.len() / old_len;
    r.doc = doc;
    if let Some(query) = r.search.as_ref().map(|s| s.query.clone()) {
        let matches = r.doc.find(&query);
        let current = matches.iter().position(|m| m.line >= r.scroll).unwrap_or(0);
        r.search = Some(Search {
            query,
            matches,
            current,
        });
    }
    if let Some(range) = r.step.and_then(|s| r.doc.steps.get(s).cloned())
        && (range.start < r.scroll || range.end > r.scroll + height)
    {
        r.scroll = range.start.saturating_sub(1);
    }
}

/// At the same width, after a step box changed.
fn rerender(r: &mut Reader, lesson: &Lesson, style: &DocumentStyle) {
    r.doc = RenderedLesson::build(lesson, r.doc.width, r.step, style);
    if let Some(search) = &mut r.search {
        search.matches = r.doc.find(&search.query);
        search.current = search.current.min(search.matches.len().saturating_sub(1));
    }
}

/// Scrolls so the end of step `step`'s box shows, where its results
/// appear. While it runs (`keep_title`), never past its top: a box taller
/// than the text area keeps its title in view, so the learner sees which
/// step is running; once it has ended, its results win.
fn reveal_step_end(r: &mut Reader, step: Option<usize>, keep_title: bool, height: usize) {
    let Some(range) = step.and_then(|s| r.doc.steps.get(s).cloned()) else {
        return;
    };
    let title = range.start + 1;
    let title_hidden = title < r.scroll || title >= r.scroll + height;
    if range.end > r.scroll + height || keep_title && title_hidden {
        let end = range.end.saturating_sub(height);
        r.scroll = if keep_title {
            end.min(range.start)
        } else {
            end
        };
    }
}
