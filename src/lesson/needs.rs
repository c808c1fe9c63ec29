//! What lessons need and provide: a lesson that starts from state another
//! lesson makes (`needs: [eks-cluster]`) can be opened on its own, because
//! the lessons that `provide` that state can be run for it first. Here is the
//! pure part: validation across a folder, and which lessons build a need.

use super::error::LessonError;
use super::model::{Lesson, Span, Step};

/// A lesson with the positions of its front matter's `needs` and `provides`
/// values, for messages.
pub struct Placed<'a> {
    pub lesson: &'a Lesson,
    pub needs_at: Span,
    pub provides_at: Span,
}

/// Every need must be provided by exactly one lesson of the set, and a need
/// must not lead back to the lesson that has it.
pub fn validate(lessons: &[Placed<'_>], errors: &mut Vec<LessonError>) {
    for placed in lessons {
        let lesson = placed.lesson;
        for name in &lesson.front.provides {
            // Reported at every provider after the first one.
            let earlier = lessons.iter().map(|p| p.lesson).find(|l| {
                (l.front.order, &l.front.id) < (lesson.front.order, &lesson.front.id)
                    && l.front.provides.contains(name)
            });
            if let Some(first) = earlier {
                errors.push(LessonError::new(
                    &lesson.path,
                    placed.provides_at,
                    format!(
                        "`{name}` is provided by lesson `{}` already; expected one lesson to provide each name",
                        first.front.id
                    ),
                ));
            }
        }
        for name in &lesson.front.needs {
            if provider(lessons.iter().map(|p| p.lesson), name).is_none() {
                let known: Vec<&str> = lessons
                    .iter()
                    .flat_map(|p| p.lesson.front.provides.iter().map(String::as_str))
                    .collect();
                let expected = if known.is_empty() {
                    "no lesson here provides anything".to_string()
                } else {
                    format!("lessons here provide {}", known.join(", "))
                };
                errors.push(LessonError::new(
                    &lesson.path,
                    placed.needs_at,
                    format!(
                        "no lesson provides `{name}` (a lesson that makes it says `provides: [{name}]`); {expected}"
                    ),
                ));
            }
        }
        let all: Vec<&Lesson> = lessons.iter().map(|p| p.lesson).collect();
        if build_order(&all, lesson)
            .iter()
            .any(|l| l.front.id == lesson.front.id)
        {
            errors.push(LessonError::new(
                &lesson.path,
                placed.needs_at,
                format!(
                    "the needs of `{}` lead back to itself; expected each need to come from an earlier lesson",
                    lesson.front.id
                ),
            ));
        }
    }
}

/// The lesson that provides `need`.
pub fn provider<'a>(
    lessons: impl IntoIterator<Item = &'a Lesson>,
    need: &str,
) -> Option<&'a Lesson> {
    lessons
        .into_iter()
        .find(|l| l.front.provides.iter().any(|p| p == need))
}

/// The lessons that build what `lesson` needs, each once, those it needs
/// itself first: for a lesson that needs Trino, the EKS lesson and then the
/// Helm lesson. A need that leads back to `lesson` ends the walk there.
pub fn build_order<'a>(lessons: &[&'a Lesson], lesson: &Lesson) -> Vec<&'a Lesson> {
    let mut order: Vec<&'a Lesson> = Vec::new();
    let mut visiting: Vec<String> = vec![lesson.front.id.clone()];
    visit(lessons, &lesson.front.needs, &mut visiting, &mut order);
    order
}

fn visit<'a>(
    lessons: &[&'a Lesson],
    needs: &[String],
    visiting: &mut Vec<String>,
    order: &mut Vec<&'a Lesson>,
) {
    for need in needs {
        let Some(p) = provider(lessons.iter().copied(), need) else {
            continue;
        };
        if order.iter().any(|l| l.front.id == p.front.id) {
            continue;
        }
        if visiting.contains(&p.front.id) {
            // A cycle: report the provider once so validation can see it.
            order.push(p);
            continue;
        }
        visiting.push(p.front.id.clone());
        visit(lessons, &p.front.needs, visiting, order);
        visiting.pop();
        order.push(p);
    }
}

/// The steps of a providing lesson that build its state: all of them but
/// background ones (a port-forward leaves nothing behind in the world).
pub fn build_steps(lesson: &Lesson) -> impl Iterator<Item = &Step> {
    lesson.steps.iter().filter(|s| !s.background)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::lesson::parse;

    fn lesson(id: &str, order: i32, extra: &str) -> Lesson {
        let source = format!(
            "---\nid: {id}\ntitle: t\nsummary: s\nminutes: 1\norder: {order}\n{extra}---\n# {id}\n"
        );
        parse(Path::new(&format!("{id}.md")), &source, &|_| None).expect("valid lesson")
    }

    fn placed(lessons: &[Lesson]) -> Vec<Placed<'_>> {
        lessons
            .iter()
            .map(|lesson| Placed {
                lesson,
                needs_at: Span { line: 7, column: 8 },
                provides_at: Span {
                    line: 7,
                    column: 11,
                },
            })
            .collect()
    }

    fn errors(lessons: &[Lesson]) -> Vec<String> {
        let mut errors = Vec::new();
        validate(&placed(lessons), &mut errors);
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_need_nobody_provides_is_rejected_where_it_is_written() {
        let lessons = [
            lesson("eks", 1, "provides: [eks-cluster]\n"),
            lesson("helm", 2, "needs: [eks-cluser]\n"),
        ];
        let errors = errors(&lessons);
        assert_eq!(
            errors,
            [
                "helm.md:7:8: no lesson provides `eks-cluser` (a lesson that makes it says `provides: [eks-cluser]`); lessons here provide eks-cluster"
            ]
        );
    }

    #[test]
    fn build_order_puts_what_a_provider_needs_first_and_each_lesson_once() {
        let lessons = [
            lesson("eks", 1, "provides: [eks-cluster]\n"),
            lesson("helm", 2, "needs: [eks-cluster]\nprovides: [trino]\n"),
            lesson("cleanup", 3, "needs: [trino, eks-cluster]\n"),
        ];
        assert!(errors(&lessons).is_empty());
        let all: Vec<&Lesson> = lessons.iter().collect();
        let ids = |l: &Lesson| -> Vec<String> {
            build_order(&all, l)
                .iter()
                .map(|l| l.front.id.clone())
                .collect()
        };
        assert_eq!(ids(&lessons[2]), ["eks", "helm"]);
        assert_eq!(ids(&lessons[1]), ["eks"]);
        assert!(ids(&lessons[0]).is_empty());
    }

    #[test]
    fn two_providers_of_one_name_and_cycles_are_rejected() {
        let lessons = [
            lesson("a", 1, "needs: [y]\nprovides: [x]\n"),
            lesson("b", 2, "needs: [x]\nprovides: [y]\n"),
            lesson("c", 3, "provides: [x]\n"),
        ];
        let errors = errors(&lessons);
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("c.md:7:11: `x` is provided by lesson `a` already")),
            "{errors:#?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("a.md:7:8: the needs of `a` lead back to itself")),
            "{errors:#?}"
        );
    }

    #[test]
    fn background_steps_build_nothing() {
        let source = "---\nid: x\ntitle: t\nsummary: s\nminutes: 1\norder: 1\nprovides: [p]\n---\n\
                      ```sh step id=a\ntrue\n```\n\n```toml step-config\ntitle = \"a\"\ntimeout = \"1s\"\n```\n\n\
                      ```sh step id=fwd\ntrue\n```\n\n```toml step-config\ntitle = \"f\"\ntimeout = \"1s\"\nbackground = true\n```\n";
        let l = parse(Path::new("x.md"), source, &|_| None).expect("valid lesson");
        let ids: Vec<&str> = build_steps(&l).map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["a"]);
    }
}
