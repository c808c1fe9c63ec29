//! One lesson's page: its prose in reading order, each step as a box with
//! the command of the chosen profile, what the step checks in words, and
//! its hints; the speaker notes only when asked for.

use std::time::Duration;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::{HandoutOptions, document, markup, prose, text};
use crate::lesson::{BackendKind, Block, Lesson, Profile, Step};

/// The lessons before and after this one, for the page's links.
#[derive(Clone, Copy)]
pub(super) struct Neighbours<'a> {
    pub previous: Option<&'a Lesson>,
    pub next: Option<&'a Lesson>,
}

/// `ID.html`: lesson ids are lowercase letters, digits and dashes (the
/// parser refuses others), so they make safe file names.
pub(super) fn file_name(lesson: &Lesson) -> String {
    format!("{}.html", lesson.front.id)
}

/// The page of `lesson`, already expanded for `profile`.
pub(super) fn render(
    lesson: &Lesson,
    profile: &Profile,
    options: HandoutOptions,
    neighbours: Neighbours<'_>,
) -> String {
    let front = &lesson.front;
    let mut body = vec![markup("<header class=\"band\">\n<nav>")];
    body.extend(link("index.html".to_string(), "All lessons".to_string()));
    body.extend([
        markup("</nav>\n<h1>"),
        text(front.title.clone()),
        markup("</h1>\n<p class=\"meta\">"),
        text(format!(
            "{} minutes · profile {}",
            front.minutes, profile.name
        )),
        markup("</p>\n</header>\n<main>\n<p class=\"summary\">"),
        text(front.summary.clone()),
        markup("</p>\n"),
    ]);
    let mut notes = lesson.notes.iter().peekable();
    for block in &lesson.blocks {
        let line = match block {
            Block::Markdown { span, .. } => span.line,
            Block::Step(i) => lesson.steps.get(*i).map_or(0, |s| s.span.line),
        };
        while let Some(note) = notes.next_if(|n| n.span.line < line) {
            if options.with_notes {
                body.extend(speaker_note(&note.text));
            }
        }
        match block {
            Block::Markdown { source, .. } => {
                body.extend(prose::events(source, &lesson.diagrams, &front.title));
            }
            Block::Step(i) => {
                if let Some(step) = lesson.steps.get(*i) {
                    body.extend(step_box(step, *i + 1));
                }
            }
        }
    }
    if options.with_notes {
        for note in notes {
            body.extend(speaker_note(&note.text));
        }
    }
    body.push(markup("</main>\n<footer>\n"));
    if let Some(previous) = neighbours.previous {
        body.push(markup("<span class=\"previous\">← "));
        body.extend(link(file_name(previous), previous.front.title.clone()));
        body.push(markup("</span>\n"));
    }
    if let Some(next) = neighbours.next {
        body.push(markup("<span class=\"next\">"));
        body.extend(link(file_name(next), next.front.title.clone()));
        body.push(markup(" →</span>\n"));
    }
    body.push(markup("</footer>\n"));
    document(&format!("{} · trinetes", front.title), body)
}

/// A link; the renderer escapes the address and the label.
pub(super) fn link(to: String, label: String) -> [Event<'static>; 3] {
    [
        Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: CowStr::from(to),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }),
        text(label),
        Event::End(TagEnd::Link),
    ]
}

/// A speaker note, marked as one, its text read as markdown.
fn speaker_note(note: &str) -> Vec<Event<'_>> {
    let mut events = vec![
        markup("<aside class=\"notes\">\n<p class=\"label\">"),
        text("Speaker notes"),
        markup("</p>\n"),
    ];
    events.extend(
        pulldown_cmark::Parser::new(note)
            .filter(|e| !matches!(e, Event::Html(_) | Event::InlineHtml(_))),
    );
    events.push(markup("</aside>\n"));
    events
}

/// A step: its title, what is special about it, the command to type, the
/// episode's command where it differs, the checks in words and the hints.
fn step_box(step: &Step, number: usize) -> Vec<Event<'_>> {
    let remarks = remarks(step);
    let mut events = vec![
        markup("<section class=\"step\">\n"),
        Event::Start(Tag::Heading {
            level: HeadingLevel::H3,
            id: Some(CowStr::from(format!("step-{}", step.id))),
            classes: Vec::new(),
            attrs: Vec::new(),
        }),
        text(format!("Step {number}: ")),
    ];
    events.extend(prose::inline(&step.title));
    events.push(Event::End(TagEnd::Heading(HeadingLevel::H3)));
    if !remarks.is_empty() {
        events.push(markup("<p class=\"remarks\">"));
        events.extend(prose::inline(&remarks));
        events.push(markup("</p>\n"));
    }
    events.extend(code_block(&step.command));
    if let Some(episode) = &step.episode_command {
        events.extend(paragraph("The episode typed instead:".to_string()));
        events.extend(code_block(episode));
        if let Some(why) = &step.episode_why {
            events.push(Event::Start(Tag::Paragraph));
            events.extend(prose::inline(why.trim()));
            events.push(Event::End(TagEnd::Paragraph));
        }
    }
    if !step.checks.is_empty() {
        events.push(markup("<p class=\"label\">"));
        events.push(text("trinetes checks that"));
        events.push(markup("</p>\n<ul class=\"checks\">\n"));
        for check in &step.checks {
            events.push(markup("<li>"));
            events.push(text(format!(
                "{} (waiting up to {})",
                check.explain(),
                duration(check.timeout)
            )));
            if !check.hint.trim().is_empty() {
                events.push(markup("<br><span class=\"hint\">"));
                events.push(text("If not: "));
                events.extend(prose::inline(check.hint.trim()));
                events.push(markup("</span>"));
            }
            events.push(markup("</li>\n"));
        }
        events.push(markup("</ul>\n"));
    }
    if !step.hints.is_empty() {
        events.push(markup("<p class=\"label\">"));
        events.push(text("Hints"));
        events.push(markup("</p>\n<ul class=\"hints\">\n"));
        for hint in &step.hints {
            events.push(markup("<li>"));
            if let Some(when) = &hint.when {
                events.push(text(format!("When you see \u{201c}{when}\u{201d}: ")));
            }
            events.extend(prose::inline(hint.text.trim()));
            events.push(markup("</li>\n"));
        }
        events.push(markup("</ul>\n"));
    }
    events.push(markup("</section>\n"));
    events
}

/// What a reader should know before typing the step (cost, where it
/// runs), as one line of markdown.
fn remarks(step: &Step) -> String {
    let mut out = Vec::new();
    if let Some(reason) = step.profile_skip_reason() {
        out.push(format!("Skipped: {reason}"));
    }
    if step.billable {
        out.push("Creates billable AWS resources".to_string());
    }
    if step.background {
        out.push("Keeps running while you go on".to_string());
    }
    if step.interactive {
        out.push("Interactive".to_string());
    }
    if !step.backends.is_empty() && step.backends.len() < BackendKind::ALL.len() {
        let names: Vec<&str> = step.backends.iter().map(|b| b.name()).collect();
        let mut remark = format!("Runs on {} only", names.join(" and "));
        if let Some(reason) = &step.skip_reason
            && step.skipped_on_profile.is_none()
        {
            remark.push_str(&format!(": {}", reason.trim()));
        }
        out.push(remark);
    }
    out.join(" · ")
}

fn code_block(command: &str) -> [Event<'_>; 3] {
    [
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(
            "sh",
        )))),
        text(format!("{}\n", command.trim_end())),
        Event::End(TagEnd::CodeBlock),
    ]
}

fn paragraph(words: String) -> [Event<'static>; 3] {
    [
        Event::Start(Tag::Paragraph),
        text(words),
        Event::End(TagEnd::Paragraph),
    ]
}

/// `90s`, `2m`, `1m30s`: as lesson authors write timeouts.
fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 60, secs % 60) {
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = "---\nid: t\ntitle: The title\nsummary: s\nminutes: 5\norder: 1\n---\n\n\
        # The title\n\nIntro.\n\n<!-- notes: say hello -->\n\n## Part\n\nWords.\n\n\
        ```sh step id=a\necho {{cluster_name}}\n```\n\n```toml step-config\ntitle = \"Say `a`\"\n\
        timeout = \"10s\"\nbillable = true\nhints = [{ when = \"denied\", text = \"Log in with `aws sso login`.\" }]\n```\n";

    fn page(with_notes: bool) -> String {
        let profile = Profile::builtin("current").expect("the built-in profile");
        let lesson = crate::lesson::parse(std::path::Path::new("t.md"), LESSON, &|_| None)
            .expect("the lesson parses")
            .expanded(&profile);
        let none = Neighbours {
            previous: None,
            next: None,
        };
        render(&lesson, &profile, HandoutOptions { with_notes }, none)
    }

    fn position(html: &str, what: &str) -> usize {
        html.find(what)
            .unwrap_or_else(|| panic!("{what:?} not in {html}"))
    }

    #[test]
    fn a_note_sits_where_the_author_wrote_it_and_only_with_notes() {
        let html = page(true);
        let note = position(&html, "<aside class=\"notes\">");
        assert!(position(&html, "<p>Intro.</p>") < note);
        assert!(note < position(&html, "<h2>Part</h2>"));
        assert!(html[note..].contains("<p>say hello</p>"));
        assert!(!page(false).contains("say hello"));
    }

    #[test]
    fn a_step_reads_title_remarks_command_and_hints_in_that_order() {
        let html = page(false);
        assert_eq!(html.matches("<h1>").count(), 1, "the title is said once");
        let title = position(&html, "<h3 id=\"step-a\">Step 1: Say <code>a</code></h3>");
        let remark = position(&html, "Creates billable AWS resources");
        let command = position(
            &html,
            "<pre><code class=\"language-sh\">echo tcb-cluster\n</code></pre>",
        );
        let hint = position(
            &html,
            "<li>When you see “denied”: Log in with <code>aws sso login</code>.</li>",
        );
        assert!(
            title < remark && remark < command && command < hint,
            "{html}"
        );
    }
}
