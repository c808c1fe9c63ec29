//! Every lesson can be started on its own: `trinetes run --lesson ID` for a
//! lesson that needs state another lesson provides (the Helm lesson needs
//! the EKS cluster, Clean up needs Trino) first runs the lessons that build
//! it, says so, and then the lesson itself, on both profiles; state that is
//! there already is not built again.

use crate::support::bin::{require_kubectl, take_port_8080, text, trinetes_in as trinetes};

/// The EKS lessons, what each builds first when run alone, and how many of
/// its own steps pass on `current` and on `episode-2021`.
const ALONE: [(&str, &[&str], usize, usize); 3] = [
    ("eks", &[], 3, 3),
    ("helm-trino", &["eks"], 6, 9),
    ("cleanup", &["eks", "helm-trino"], 8, 8),
];

#[test]
fn each_eks_lesson_runs_alone_on_both_profiles_and_builds_what_it_needs() {
    require_kubectl();
    let _port = take_port_8080();
    for profile in ["current", "episode-2021"] {
        for (lesson, builders, own_current, own_episode) in ALONE {
            let state = tempfile::tempdir().expect("temp dir");
            let report = state.path().join("report.json");
            let out = trinetes(
                state.path(),
                &[
                    "--profile",
                    profile,
                    "run",
                    "--lesson",
                    lesson,
                    "--pace",
                    "fast",
                    "--report",
                    report.to_str().expect("utf-8 path"),
                ],
            );
            let all = text(&out);
            let what = format!("{profile} {lesson}");
            assert!(out.status.success(), "{what}:\n{all}");
            assert!(all.contains(", 0 failed, "), "{what}:\n{all}");

            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
                    .expect("JSON report");
            let ran: Vec<&str> = json["lessons"]
                .as_array()
                .expect("lessons")
                .iter()
                .filter_map(|l| l["id"].as_str())
                .collect();
            let mut expected = builders.to_vec();
            expected.push(lesson);
            assert_eq!(ran, expected, "{what}: the build-up comes first");

            if builders.is_empty() {
                assert!(!all.contains("which is not there"), "{what}:\n{all}");
            } else {
                let said = all
                    .find(&format!("{lesson} needs "))
                    .unwrap_or_else(|| panic!("{what}: the build-up is not announced:\n{all}"));
                for builder in builders {
                    let heading = format!("== {builder}: ");
                    let at = all
                        .find(&heading)
                        .unwrap_or_else(|| panic!("{what}: {builder} did not run:\n{all}"));
                    assert!(said < at, "{what}:\n{all}");
                    assert!(
                        all[at..].contains(&format!("(built for {lesson})")),
                        "{what}:\n{all}"
                    );
                }
                let built = all
                    .find(&format!("built what {lesson} needs"))
                    .unwrap_or_else(|| panic!("{what}: no end of the build-up:\n{all}"));
                let own = all
                    .find(&format!("== {lesson}: "))
                    .unwrap_or_else(|| panic!("{what}: the lesson itself did not run:\n{all}"));
                assert!(built < own, "{what}:\n{all}");
                // A build-up leaves out background steps: no forward is opened for it.
                assert!(
                    !json["lessons"][0]["steps"]
                        .as_array()
                        .expect("steps")
                        .iter()
                        .any(|s| s["id"] == "port-forward"),
                    "{what}"
                );
            }
            let own = json["lessons"]
                .as_array()
                .expect("lessons")
                .last()
                .expect("the lesson")["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .filter(|s| s["outcome"] == "passed")
                .count();
            let want = if profile == "current" {
                own_current
            } else {
                own_episode
            };
            assert_eq!(own, want, "{what}: its own steps that passed:\n{all}");
        }
    }
}

#[test]
fn state_a_lesson_left_in_the_kept_world_is_not_built_again() {
    require_kubectl();
    let _port = take_port_8080();
    let state = tempfile::tempdir().expect("temp dir");
    let first = trinetes(
        state.path(),
        &[
            "run",
            "--lesson",
            "helm-trino",
            "--pace",
            "fast",
            "--until",
            "get-pods",
        ],
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("helm-trino needs eks-cluster"));

    let second = trinetes(
        state.path(),
        &["run", "--lesson", "cleanup", "--pace", "fast"],
    );
    let all = text(&second);
    assert!(second.status.success(), "{all}");
    assert!(!all.contains("which is not there"), "{all}");
    assert!(!all.contains("(built for cleanup)"), "{all}");
    assert!(all.contains("✔ helm-uninstall passed"), "{all}");
}

#[test]
fn only_what_is_missing_is_built_and_a_realistic_session_builds_it_fast() {
    require_kubectl();
    let state = tempfile::tempdir().expect("temp dir");
    // The EKS lesson runs first, so Clean up only needs Trino built; the
    // session's realistic pace is kept for the lessons asked for.
    let out = trinetes(
        state.path(),
        &[
            "run",
            "--lesson",
            "eks",
            "--lesson",
            "cleanup",
            "--pace",
            "realistic",
            "--pace-total",
            "5s",
            "--until",
            "delete-services",
        ],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("cleanup needs trino, which is not there: running lesson helm-trino first"),
        "{all}"
    );
    assert!(all.contains("(built for cleanup)"), "{all}");
    assert!(!all.contains("== eks: EKS and eksctl (built for"), "{all}");
    assert!(
        all.contains("the world's clock runs at the session's pace again"),
        "{all}"
    );
    assert!(all.contains("✔ delete-services passed"), "{all}");
}

/// The lessons with steps that need nothing: each one, run alone on a new
/// world, passes every step on both profiles.
const ON_THEIR_OWN: [&str; 6] = [
    "welcome",
    "replicasets",
    "labels-selectors",
    "deployments",
    "configmaps",
    "networking",
];

#[test]
fn each_concept_lesson_runs_alone_on_a_new_world_on_both_profiles() {
    require_kubectl();
    let _port = take_port_8080();
    for profile in ["current", "episode-2021"] {
        for lesson in ON_THEIR_OWN {
            let state = tempfile::tempdir().expect("temp dir");
            let out = trinetes(
                state.path(),
                &[
                    "--profile",
                    profile,
                    "run",
                    "--lesson",
                    lesson,
                    "--pace",
                    "fast",
                ],
            );
            let all = text(&out);
            let what = format!("{profile} {lesson}");
            assert!(out.status.success(), "{what}:\n{all}");
            assert!(all.contains(", 0 failed, "), "{what}:\n{all}");
            let passed: usize = all
                .lines()
                .rev()
                .find_map(|l| {
                    l.split_once(" passed, ")
                        .and_then(|(n, _)| n.trim().parse().ok())
                })
                .unwrap_or_else(|| panic!("{what}: no summary line:\n{all}"));
            assert!(passed > 0, "{what}: no step ran:\n{all}");
            assert!(
                !all.contains("which is not there"),
                "{what} needs nothing:\n{all}"
            );
        }
    }
}
