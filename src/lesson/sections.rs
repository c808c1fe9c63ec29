//! A lesson split at its headings: what a presenter talks about at once.
//! Each section carries its speaker notes and the steps under it, so the
//! notes window can show the notes of the section on screen and what comes
//! next.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{Block, Lesson};

/// One heading's stretch of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// The line of the lesson file where it starts.
    pub line: usize,
    /// Its speaker notes, in order.
    pub notes: Vec<String>,
    /// Indexes into `Lesson::steps` of the steps under it.
    pub steps: Vec<usize>,
}

impl Lesson {
    /// The sections, in order: one per heading of level 1 or 2, and the text
    /// before the first heading under the lesson's title.
    pub fn sections(&self) -> Vec<Section> {
        let mut starts: Vec<(String, usize)> = Vec::new();
        for block in &self.blocks {
            if let Block::Markdown { source, span } = block {
                for (title, offset) in headings(source) {
                    let line = span.line + source[..offset].matches('\n').count();
                    starts.push((title, line));
                }
            }
        }
        if starts
            .first()
            .is_none_or(|(_, line)| *line > first_line(self))
        {
            starts.insert(0, (self.front.title.clone(), 0));
        }
        let mut sections: Vec<Section> = starts
            .into_iter()
            .map(|(title, line)| Section {
                title,
                line,
                notes: Vec::new(),
                steps: Vec::new(),
            })
            .collect();
        let index_of = |line: usize| sections.iter().rposition(|s| s.line <= line).unwrap_or(0);
        let placed_notes: Vec<(usize, String)> = self
            .notes
            .iter()
            .map(|n| (index_of(n.span.line), n.text.clone()))
            .collect();
        let placed_steps: Vec<(usize, usize)> = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (index_of(s.span.line), i))
            .collect();
        for (at, text) in placed_notes {
            sections[at].notes.push(text);
        }
        for (at, step) in placed_steps {
            sections[at].steps.push(step);
        }
        sections
    }

    /// The index of the section that holds step `step`.
    pub fn section_of_step(sections: &[Section], step: usize) -> Option<usize> {
        sections.iter().position(|s| s.steps.contains(&step))
    }
}

/// The first line of the body.
fn first_line(lesson: &Lesson) -> usize {
    lesson
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Markdown { span, .. } => Some(span.line),
            Block::Step(i) => lesson.steps.get(*i).map(|s| s.span.line),
        })
        .unwrap_or(0)
}

/// The level-1 and level-2 headings of a markdown stretch, with the byte
/// offset where each starts.
fn headings(source: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(String, usize)> = None;
    for (event, range) in Parser::new(source).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1 | HeadingLevel::H2,
                ..
            }) => {
                current = Some((String::new(), range.start));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((title, _)) = &mut current {
                    title.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {

    const LESSON: &str = "---\nid: t\ntitle: The title\nsummary: s\nminutes: 5\norder: 1\n---\n\nIntro text.\n\n<!-- notes: say hello -->\n\n# First part\n\nWords.\n\n<!-- notes: first note -->\n\n```sh step id=a\necho a\n```\n\n```toml step-config\ntitle = \"A\"\ntimeout = \"10s\"\n```\n\n## Second `part`\n\n<!-- notes: second note -->\n\n```sh step id=b\necho b\n```\n\n```toml step-config\ntitle = \"B\"\ntimeout = \"10s\"\n```\n";

    #[test]
    fn headings_split_the_lesson_with_their_notes_and_steps() {
        let lesson = crate::lesson::parse(std::path::Path::new("t.md"), LESSON, &|_| None).unwrap();
        let sections = lesson.sections();
        let titles: Vec<&str> = sections.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["The title", "First part", "Second part"]);
        assert_eq!(sections[0].notes, ["say hello"]);
        assert_eq!(sections[1].notes, ["first note"]);
        assert_eq!(sections[1].steps, [0]);
        assert_eq!(sections[2].notes, ["second note"]);
        assert_eq!(sections[2].steps, [1]);
        assert_eq!(
            crate::lesson::Lesson::section_of_step(&sections, 1),
            Some(2)
        );
    }
}
