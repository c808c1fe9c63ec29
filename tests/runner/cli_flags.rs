//! Global flags through the real binary: `--pace` and `--pace-total` work for
//! the TUI and for `trinetes run`, in either position, and a bad value is a
//! clear error before anything starts.

use std::process::{Command, Output};

use crate::support::bin::text;

fn trinetes(args: &[&str]) -> Output {
    let state = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(args)
        .env("XDG_STATE_HOME", state.path())
        .env_remove("TRINETES_LESSONS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the trinetes binary runs")
}

#[test]
fn pace_is_a_global_flag_explained_in_the_help() {
    for args in [&["--help"][..], &["run", "--help"][..]] {
        let out = trinetes(args);
        let help = text(&out);
        assert!(out.status.success(), "{help}");
        assert!(
            help.contains("--pace <PACE>") && help.contains("--pace-total <DURATION>"),
            "{args:?}:\n{help}"
        );
    }
}

#[test]
fn a_bad_pace_total_is_refused_before_anything_starts() {
    for args in [
        &["--pace-total", "soon"][..],
        &["run", "--all", "--pace-total", "soon"][..],
        &["--pace-total", "soon", "run", "--all"][..],
    ] {
        let out = trinetes(args);
        let all = text(&out);
        assert!(!out.status.success(), "{args:?}: {all}");
        assert!(
            all.contains("--pace-total \"soon\" is not a duration like 60s or 2m"),
            "{args:?}: {all}"
        );
        assert!(
            !all.contains("starting the dry-run backend"),
            "{args:?} started a backend before refusing: {all}"
        );
    }
}

/// The flags each `--help` lists, by name.
fn listed_flags(help: &str) -> Vec<String> {
    help.lines()
        .filter_map(|l| l.trim_start().strip_prefix("--"))
        .filter_map(|l| l.split([' ', '=']).next())
        .map(str::to_string)
        .collect()
}

#[test]
fn each_subcommand_help_lists_only_the_flags_that_apply_to_it() {
    let globals = [
        "lessons",
        "backend",
        "profile",
        "theme",
        "pace",
        "pace-total",
        "present",
        "type-speed",
        "fallback",
    ];
    let cases: [(&[&str], &[&str]); 6] = [
        (&["--help"], &globals),
        (&["reset-world", "--help"], &[]),
        (
            &["run", "--help"],
            &[
                "lessons",
                "backend",
                "profile",
                "pace",
                "pace-total",
                "fallback",
            ],
        ),
        (&["lessons", "--help"], &["lessons", "profile"]),
        (&["lessons", "check", "--help"], &["lessons", "profile"]),
        (&["sim", "--help"], &["profile"]),
    ];
    for (args, want) in cases {
        let out = trinetes(args);
        let help = text(&out);
        assert!(out.status.success(), "{help}");
        let listed = listed_flags(&help);
        for flag in globals {
            assert_eq!(
                listed.iter().any(|l| l == flag),
                want.contains(&flag),
                "{args:?} and --{flag}:\n{help}"
            );
        }
    }
}

#[test]
fn a_global_flag_a_subcommand_does_not_use_is_still_accepted_there() {
    let out = trinetes(&["lessons", "--theme", "light", "--backend", "live"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = trinetes(&["lessons", "--pace", "nope"]);
    assert!(
        text(&out).contains("invalid value 'nope' for '--pace <PACE>'"),
        "{}",
        text(&out)
    );
}

#[test]
fn without_a_terminal_the_tutorial_points_at_trinetes_run_once() {
    let out = trinetes(&[]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert_eq!(all.matches("use `trinetes run`").count(), 1, "{all}");
    assert!(!all.contains("os error"), "{all}");
}

#[test]
fn an_unknown_until_lists_the_step_ids() {
    let out = trinetes(&["run", "--lesson", "replicasets", "--until", "nope"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains(
            "--until \"nope\" names no step of the chosen lessons; their steps are: \
             create-replicaset, get-replicasets, delete-pods, replace, scale-up, cleanup"
        ),
        "{all}"
    );
}

#[test]
fn an_until_that_several_lessons_have_asks_for_lesson_slash_step() {
    let out = trinetes(&["run", "--all", "--until", "cleanup"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("names a step of several of the chosen lessons; name one as LESSON/STEP")
            && all.contains("replicasets/cleanup"),
        "{all}"
    );
    let out = trinetes(&["run", "--all", "--until", "nope/cleanup"]);
    assert!(
        text(&out).contains("names no step of the chosen lessons"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_context_flag_points_at_the_context_backend() {
    let out = trinetes(&["run", "--all", "--context", "nosuch"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("`--backend context=NAME`"), "{all}");
}

#[test]
fn an_unknown_backend_is_refused_before_anything_starts() {
    let out = trinetes(&["run", "--all", "--backend", "nosuch"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("unknown backend \"nosuch\""), "{all}");
    assert!(!all.contains("starting the"), "{all}");
}

#[test]
fn an_unknown_lesson_suggests_the_closest() {
    let out = trinetes(&["run", "--lesson", "replicaset"]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("no lesson \"replicaset\" (did you mean `replicasets`?)"),
        "{all}"
    );
}

#[test]
fn a_report_that_cannot_be_written_is_refused_before_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("missing-folder").join("report.json");
    let out = trinetes(&[
        "run",
        "--lesson",
        "replicasets",
        "--report",
        report.to_str().expect("utf-8"),
    ]);
    let all = text(&out);
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains(&format!("cannot write the report {}", report.display())),
        "{all}"
    );
    assert!(!all.contains("starting the dry-run backend"), "{all}");
}
