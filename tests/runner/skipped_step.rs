//! Each concept lesson teaches by doing: it has a hands-on step whose check
//! fails, with its hint, when the learner skips that step. For every such
//! lesson the test copies the lessons into a temporary folder, with the
//! chosen step's command replaced by `true` in its lesson, runs that lesson
//! headless up to that step (after building what it needs, which passes),
//! and sees that step fail with its check's hint.

use std::path::Path;
use std::process::{Command, Output};

use trinetes::lesson::{Lesson, Profile, load_dir};

use crate::support::bin::{require_kubectl, text};

/// The concept lessons and, for each, the step whose skipping must show.
const CHOSEN: [(&str, &str); 8] = [
    // Without the patch, log.properties still says INFO.
    ("configmaps", "patch-log-level"),
    // Without the scale, the ReplicaSet never runs 5 pods.
    ("replicasets", "scale-up"),
    // Without the Deployment, no pod carries `app=web`.
    ("labels-selectors", "create-web"),
    // Without `set image`, the template keeps nginx:1.20 at revision 1,
    // although its pods are all ready and up to date.
    ("deployments", "set-image"),
    // Without the NodePort Service, there is no nodePort to check.
    ("networking", "expose-nodeport"),
    // Without eksctl, EKS has no cluster to report ACTIVE.
    ("eks", "create-cluster"),
    // Without the install, the chart's ConfigMaps never appear.
    ("helm-trino", "helm-install"),
    // Without the uninstall, Helm's record of the release stays.
    ("cleanup", "helm-uninstall"),
];

/// Built-in lessons with hands-on steps that are not concept lessons (or not
/// yet): every built-in lesson with steps is either chosen above or named
/// here, so a new lesson cannot slip past this test.
const NOT_CONCEPT: [(&str, &str); 1] = [(
    "welcome",
    "its one step only looks at the nodes; skipping it changes nothing",
)];

/// How long the skipped step's checks may wait in the copy: they can never
/// hold, so the lesson's own timeouts (minutes) would only slow the test.
const SHORT_TIMEOUT: &str = "4s";

fn lessons_on_disk() -> Vec<Lesson> {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons")).unwrap_or_else(|errors| {
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{}", text.join("\n"))
    })
}

/// The lesson's text with `step`'s command replaced by `true` and the
/// timeouts of its checks shortened; everything else is left as it is.
fn with_step_skipped(source: &str, step: &str) -> String {
    let fence = format!("```sh step id={step}\n");
    let start = source
        .find(&fence)
        .unwrap_or_else(|| panic!("no step fence for {step}"))
        + fence.len();
    let end = start
        + source[start..]
            .find("\n```\n")
            .unwrap_or_else(|| panic!("step {step} has no closing fence"));
    let config_start = end
        + source[end..]
            .find("```toml step-config\n")
            .unwrap_or_else(|| panic!("step {step} has no config"));
    let config_end = config_start
        + "```toml step-config\n".len()
        + source[config_start + "```toml step-config\n".len()..]
            .find("\n```\n")
            .unwrap_or_else(|| panic!("the config of {step} has no closing fence"));
    // Only the checks' timeouts are shortened, not the step's own.
    let mut in_check = false;
    let config: String = source[config_start..config_end]
        .lines()
        .map(|line| {
            in_check |= line == "[[check]]";
            if in_check && line.starts_with("timeout = ") {
                format!("timeout = \"{SHORT_TIMEOUT}\"")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        "{}true{}{}{}",
        &source[..start],
        &source[end..config_start],
        config,
        &source[config_end..]
    )
}

fn run_until(lessons: &Path, state: &Path, lesson: &str, step: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["--lessons", lessons.to_str().expect("utf-8 path")])
        .args(["run", "--lesson", lesson, "--until", step, "--pace", "fast"])
        .env("XDG_STATE_HOME", state)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs")
}

#[test]
fn every_lesson_with_steps_is_chosen_or_named_as_not_a_concept_lesson() {
    let profile = Profile::builtin("current").expect("built-in profile");
    for lesson in lessons_on_disk() {
        let lesson = lesson.expanded(&profile);
        if lesson.steps.is_empty() {
            continue;
        }
        let id = lesson.front.id.as_str();
        let chosen = CHOSEN.iter().find(|(l, _)| *l == id);
        let exempt = NOT_CONCEPT.iter().any(|(l, _)| *l == id);
        assert!(
            chosen.is_some() != exempt,
            "lesson {id} has steps: choose the step whose skipping must fail in CHOSEN, or say in NOT_CONCEPT why it has none"
        );
        if let Some((_, step)) = chosen {
            let found = lesson.steps.iter().find(|s| s.id == *step);
            let found = found.unwrap_or_else(|| panic!("lesson {id} has no step {step}"));
            assert!(
                !found.checks.is_empty(),
                "{id}/{step}: a step with no check cannot fail"
            );
        }
    }
}

#[test]
fn skipping_the_chosen_step_of_each_concept_lesson_fails_its_check_with_the_hint() {
    require_kubectl();
    let profile = Profile::builtin("current").expect("built-in profile");
    let lessons = lessons_on_disk();
    for (id, step) in CHOSEN {
        let lesson = lessons
            .iter()
            .find(|l| l.front.id == id)
            .unwrap_or_else(|| panic!("no built-in lesson {id}"));
        let source = std::fs::read_to_string(&lesson.path).expect("read the lesson");
        let expanded = lesson.expanded(&profile);
        let skipped = expanded
            .steps
            .iter()
            .find(|s| s.id == step)
            .unwrap_or_else(|| panic!("lesson {id} has no step {step}"));

        // The other lessons come along: a lesson may need what they provide.
        let dir = tempfile::tempdir().expect("temp dir");
        for other in &lessons {
            let file = other.path.file_name().expect("a file name");
            let text = if other.front.id == id {
                with_step_skipped(&source, step)
            } else {
                std::fs::read_to_string(&other.path).expect("read a lesson")
            };
            std::fs::write(dir.path().join(file), text).expect("write the copy");
        }
        let state = tempfile::tempdir().expect("temp dir");
        let out = run_until(dir.path(), state.path(), id, step);
        let all = text(&out);

        assert_eq!(out.status.code(), Some(1), "{id}/{step}:\n{all}");
        assert!(
            all.contains(&format!("✘ {step} failed")),
            "{id}/{step}:\n{all}"
        );
        assert_eq!(
            all.lines().filter(|l| l.starts_with("✘ ")).count(),
            1,
            "{id}: only the skipped step fails; the steps before it pass:\n{all}"
        );
        // The first check to fail stops the step; its hint is printed.
        let hinted = skipped
            .checks
            .iter()
            .any(|c| all.contains(&format!("hint: {}", c.hint)));
        assert!(hinted, "{id}/{step}: no check's hint was printed:\n{all}");
        // The copy really ran `true` in place of the step's command.
        assert!(all.contains("$ true"), "{id}/{step}:\n{all}");
    }
}

#[test]
fn the_copy_changes_only_the_chosen_step() {
    let source = "intro\n\n```sh step id=a\nkubectl get pods\n```\n\n```toml step-config\ntitle = \"a\"\ntimeout = \"20s\"\n\n[[check]]\nkind = \"pods\"\nselector = \"app=x\"\ntimeout = \"2m\"\nhint = \"h\"\n```\n\n```sh step id=b\nkubectl get nodes\n```\n\n```toml step-config\ntitle = \"b\"\ntimeout = \"20s\"\n\n[[check]]\nkind = \"nodes-ready\"\ncount = 2\ntimeout = \"1m\"\nhint = \"h\"\n```\n";
    let copy = with_step_skipped(source, "a");
    let expected = source.replacen("kubectl get pods", "true", 1).replacen(
        "timeout = \"2m\"",
        &format!("timeout = \"{SHORT_TIMEOUT}\""),
        1,
    );
    assert_eq!(copy, expected);
}
