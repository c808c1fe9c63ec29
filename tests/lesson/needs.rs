//! `needs` and `provides` in the front matter: a lesson names the state it
//! starts from, another the state it leaves; validation of a folder rejects
//! a need that no lesson there provides, at the `needs` value.

use std::path::Path;
use std::process::Command;

use trinetes::lesson::{load_dir, parse};

fn front(id: &str, order: u32, extra: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {id}\nsummary: s.\nminutes: 5\norder: {order}\n{extra}---\n\n# {id}\n"
    )
}

fn folder(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write a lesson");
    }
    dir
}

#[test]
fn a_need_that_a_lesson_of_the_folder_provides_validates() {
    let dir = folder(&[
        ("a.md", front("cluster", 1, "provides: [eks-cluster]\n")),
        (
            "b.md",
            front("helm", 2, "needs: [eks-cluster]\nprovides: [trino]\n"),
        ),
    ]);
    let lessons = load_dir(dir.path()).unwrap_or_else(|e| panic!("{e:#?}"));
    assert_eq!(lessons[1].front.needs, ["eks-cluster"]);
    assert_eq!(lessons[1].front.provides, ["trino"]);
}

#[test]
fn a_need_no_lesson_provides_is_rejected_at_its_value() {
    let dir = folder(&[
        ("a.md", front("cluster", 1, "provides: [eks-cluster]\n")),
        ("b.md", front("helm", 2, "needs: [eks-clustr]\n")),
    ]);
    let errors = load_dir(dir.path()).expect_err("an unprovided need");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert_eq!(e.file, dir.path().join("b.md"));
    assert_eq!((e.line, e.column), (7, 8), "{e}");
    assert!(
        e.message.contains("no lesson provides `eks-clustr`")
            && e.message.contains("lessons here provide eks-cluster"),
        "{e}"
    );

    // The same through `trinetes lessons check DIR`, which exits non-zero.
    let state = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["lessons", "check", dir.path().to_str().expect("utf-8")])
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("trinetes runs");
    assert!(!out.status.success());
    let all =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        all.contains("b.md:7:8: no lesson provides `eks-clustr`"),
        "{all}"
    );
}

#[test]
fn names_must_be_ids_listed_once_and_a_lesson_cannot_need_what_it_provides() {
    let source = front("x", 1, "needs: [Eks, trino, trino]\nprovides: [trino]\n");
    let errors = parse(Path::new("x.md"), &source, &|_| None).expect_err("bad names");
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 3, "{text:#?}");
    assert!(
        text[0].starts_with("x.md:7:9: `needs` entry `Eks`: expected lower-case"),
        "{text:#?}"
    );
    assert!(
        text[1].starts_with("x.md:7:14: `trino` is both needed and provided"),
        "{text:#?}"
    );
    assert!(
        text[2].starts_with("x.md:7:21: `trino` is listed twice in `needs`"),
        "{text:#?}"
    );
}

#[test]
fn the_builtin_lessons_need_only_what_they_provide_in_order() {
    let lessons = trinetes::lesson::builtin_checked().unwrap_or_else(|e| panic!("{e:#?}"));
    let all: Vec<&trinetes::lesson::Lesson> = lessons.iter().collect();
    let ids = |id: &str| -> Vec<String> {
        let lesson = lessons.iter().find(|l| l.front.id == id).expect("lesson");
        trinetes::lesson::needs::build_order(&all, lesson)
            .iter()
            .map(|l| l.front.id.clone())
            .collect()
    };
    assert_eq!(ids("helm-trino"), ["eks"]);
    assert_eq!(ids("cleanup"), ["eks", "helm-trino"]);
    assert!(ids("eks").is_empty());
    assert!(ids("deployments").is_empty());
    // A provider comes before the lessons that need it.
    for lesson in &lessons {
        for builder in trinetes::lesson::needs::build_order(&all, lesson) {
            assert!(
                builder.front.order < lesson.front.order,
                "{}",
                lesson.front.id
            );
        }
    }
}
