//! A lesson split at its headings and at its `<!-- pause -->` comments:
//! what a presenter shows and talks about at once. Each section carries its
//! prose, its speaker notes and the steps under it, so the presentation can
//! show one section per screen and the notes window the notes of the
//! section on screen and what comes next.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::{Block, Lesson};

/// One heading's (or one pause's) stretch of a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// The line of the lesson file where it starts.
    pub line: usize,
    /// It starts at a `<!-- pause -->` and goes on under the heading above.
    pub continued: bool,
    /// Its prose as markdown, the heading itself left out (a presentation
    /// shows the title on its own).
    pub text: String,
    /// Its speaker notes, in order.
    pub notes: Vec<String>,
    /// Indexes into `Lesson::steps` of the steps under it.
    pub steps: Vec<usize>,
}

/// Where a section starts.
struct Start {
    title: String,
    line: usize,
    continued: bool,
    /// The lines the heading itself takes (none for a pause).
    heading: std::ops::Range<usize>,
}

impl Lesson {
    /// The sections, in order: one per heading of level 1 or 2, one more
    /// after each `<!-- pause -->` (with the title of the heading above it),
    /// and the text before the first heading under the lesson's title.
    pub fn sections(&self) -> Vec<Section> {
        let mut starts: Vec<Start> = Vec::new();
        for block in &self.blocks {
            if let Block::Markdown { source, span } = block {
                for (title, range) in headings(source) {
                    let line = span.line + source[..range.start].matches('\n').count();
                    let lines = source[range].trim_end().matches('\n').count() + 1;
                    starts.push(Start {
                        title,
                        line,
                        continued: false,
                        heading: line..line + lines,
                    });
                }
            }
        }
        for pause in &self.pauses {
            starts.push(Start {
                title: String::new(),
                line: pause.line,
                continued: true,
                heading: pause.line..pause.line,
            });
        }
        starts.sort_by_key(|s| s.line);
        if starts.first().is_none_or(|s| s.line > first_line(self)) {
            starts.insert(
                0,
                Start {
                    title: self.front.title.clone(),
                    line: 0,
                    continued: false,
                    heading: 0..0,
                },
            );
        }
        // A pause goes on under the title of the section it is in.
        for i in 1..starts.len() {
            if starts[i].continued {
                starts[i].title = starts[i - 1].title.clone();
            }
        }
        let mut sections: Vec<Section> = starts
            .iter()
            .map(|s| Section {
                title: s.title.clone(),
                line: s.line,
                continued: s.continued,
                text: String::new(),
                notes: Vec::new(),
                steps: Vec::new(),
            })
            .collect();
        let index_of = |line: usize| starts.iter().rposition(|s| s.line <= line).unwrap_or(0);
        for block in &self.blocks {
            if let Block::Markdown { source, span } = block {
                // A block is its own paragraph: the prose after a step must
                // not run on from the prose before it.
                let mut started: Option<usize> = None;
                for (n, text) in source.split_inclusive('\n').enumerate() {
                    let line = span.line + n;
                    let at = index_of(line);
                    if !starts[at].heading.contains(&line) {
                        let section = &mut sections[at].text;
                        if started != Some(at) && !section.trim().is_empty() {
                            let trimmed = section.trim_end().len();
                            section.truncate(trimmed);
                            section.push_str("\n\n");
                        }
                        started = Some(at);
                        section.push_str(text);
                    }
                }
            }
        }
        for section in &mut sections {
            section.text = section.text.trim().to_string();
        }
        for note in &self.notes {
            sections[index_of(note.span.line)]
                .notes
                .push(note.text.clone());
        }
        for (i, step) in self.steps.iter().enumerate() {
            sections[index_of(step.span.line)].steps.push(i);
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

/// The level-1 and level-2 headings of a markdown stretch, with the bytes
/// each takes.
fn headings(source: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut current: Option<(String, std::ops::Range<usize>)> = None;
    for (event, range) in Parser::new(source).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1 | HeadingLevel::H2,
                ..
            }) => {
                current = Some((String::new(), range));
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
        assert_eq!(sections[0].text, "Intro text.");
        assert_eq!(sections[1].text, "Words.");
        assert!(sections.iter().all(|s| !s.continued));
    }

    const PAUSED: &str = "---\nid: t\ntitle: The title\nsummary: s\nminutes: 5\norder: 1\n---\n\n# Part\n\nBefore the pause.\n\n<!-- notes: before -->\n\n<!-- pause -->\n\nAfter the pause.\n\n<!-- notes: after -->\n\n```sh step id=a\necho a\n```\n\n```toml step-config\ntitle = \"A\"\ntimeout = \"10s\"\n```\n\n<!-- other comment -->\n\n## Next\n\nNext words.\n";

    #[test]
    fn a_pause_starts_a_section_that_goes_on_under_the_same_heading() {
        let lesson = crate::lesson::parse(std::path::Path::new("t.md"), PAUSED, &|_| None).unwrap();
        assert_eq!(lesson.pauses.len(), 1);
        let sections = lesson.sections();
        let titles: Vec<(&str, bool)> = sections
            .iter()
            .map(|s| (s.title.as_str(), s.continued))
            .collect();
        assert_eq!(titles, [("Part", false), ("Part", true), ("Next", false)]);
        assert_eq!(sections[0].text, "Before the pause.");
        assert_eq!(sections[0].notes, ["before"]);
        assert!(sections[0].steps.is_empty());
        assert_eq!(sections[1].text, "After the pause.");
        assert_eq!(sections[1].notes, ["after"]);
        assert_eq!(sections[1].steps, [0]);
        assert_eq!(sections[2].text, "Next words.");
    }

    #[test]
    fn a_lesson_without_pauses_or_headings_is_one_section() {
        let plain =
            "---\nid: t\ntitle: Only\nsummary: s\nminutes: 5\norder: 1\n---\n\nJust text.\n";
        let lesson = crate::lesson::parse(std::path::Path::new("t.md"), plain, &|_| None).unwrap();
        let sections = lesson.sections();
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].title, "Only");
        assert_eq!(sections[0].text, "Just text.");
    }
}
