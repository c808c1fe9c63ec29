//! The open lesson rendered at one width: lines, where each step box sits,
//! links, and plain text for search. Built in `update`, sliced by `draw`.

use std::ops::Range;

use ratatui::text::Line;

use crate::lesson::{BackendKind, Block, Lesson};
use crate::tui::markdown::wrap::{char_width, text_width};
use crate::tui::markdown::{LinkRegion, RenderContext, line_text, render_document};
use crate::tui::step_box::{self, StepBoxContext};
use crate::tui::theme::Theme;

/// Everything that decides how a lesson renders.
#[derive(Debug, Clone, Copy)]
pub struct DocumentStyle<'a> {
    pub theme: &'a Theme,
    pub backend: BackendKind,
    pub hyperlinks: bool,
    /// What the progress file remembers of this lesson's steps.
    pub progress: Option<&'a crate::progress::LessonProgress>,
    /// The run shown in this lesson, if any.
    pub run: Option<&'a crate::tui::run::StepRun>,
}

#[derive(Debug, Clone)]
pub struct RenderedLesson {
    pub width: u16,
    pub lines: Vec<Line<'static>>,
    /// Line range of each step's box, indexed like `Lesson::steps`.
    pub steps: Vec<Range<usize>>,
    pub links: Vec<LinkRegion>,
    /// Each line's text, for search.
    pub plain: Vec<String>,
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
        for block in &lesson.blocks {
            if !lines.is_empty() {
                lines.push(Line::default());
            }
            match block {
                Block::Markdown { source, .. } => {
                    let rendered = render_document(source, width, &ctx);
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
        run: style.run.filter(|r| r.step == index),
        next: lesson
            .steps
            .get(index + 1)
            .map(|s| (s.id.as_str(), s.title.as_str())),
    };
    step_box::render(step, index + 1, lesson.steps.len(), width, &ctx)
}
