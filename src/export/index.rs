//! `index.html`: every lesson in order, with its summary, minutes and steps.

use super::{document, markup, page, text};
use crate::lesson::{Lesson, Profile};

pub(super) fn render(lessons: &[Lesson], profile: &Profile) -> String {
    let minutes: u32 = lessons.iter().map(|l| l.front.minutes).sum();
    let mut body = vec![
        markup("<header class=\"band\">\n<h1>"),
        text("Trino on Kubernetes: workshop handouts"),
        markup("</h1>\n<p class=\"meta\">"),
        text(format!(
            "{} lessons, about {minutes} minutes · profile {}: {}",
            lessons.len(),
            profile.name,
            profile.summary.trim()
        )),
        markup("</p>\n</header>\n<main>\n<ol class=\"lessons\">\n"),
    ];
    for lesson in lessons {
        body.push(markup("<li>"));
        body.extend(page::link(
            page::file_name(lesson),
            lesson.front.title.clone(),
        ));
        body.push(markup(" <span class=\"meta\">"));
        body.push(text(format!(
            "{} min · {}",
            lesson.front.minutes,
            steps_phrase(lesson.steps.len())
        )));
        body.push(markup("</span>\n<p>"));
        body.push(text(lesson.front.summary.clone()));
        body.push(markup("</p></li>\n"));
    }
    body.push(markup("</ol>\n</main>\n"));
    document("Workshop handouts · trinetes", body)
}

fn steps_phrase(n: usize) -> String {
    match n {
        0 => "reading only".to_string(),
        1 => "1 step".to_string(),
        n => format!("{n} steps"),
    }
}
