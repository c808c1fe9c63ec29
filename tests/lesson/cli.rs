//! `trinetes lessons` through the real binary: listing, JSON, and checking a
//! folder of broken lessons.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary with a fresh state directory, so no progress of the
/// machine's own user shows up.
fn trinetes(args: &[&str]) -> Output {
    let state = tempfile::tempdir().expect("temp dir");
    trinetes_with_state(args, state.path())
}

fn trinetes_with_state(args: &[&str], state: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(args)
        .env_remove("TRINETES_LESSONS")
        .env("XDG_STATE_HOME", state)
        .output()
        .expect("the trinetes binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const GOOD: &str = "---
id: good
title: A good lesson
summary: It validates.
minutes: 3
order: 1
---

Some prose.

```sh step id=look
kubectl get nodes
```

```toml step-config
title = \"Look at the nodes\"
timeout = \"10s\"

[[check]]
kind = \"nodes-ready\"
count = 2
timeout = \"1m\"
hint = \"Wait a little.\"
```
";

/// Two broken files: four errors in all, on known lines and columns.
fn write_broken(dir: &Path) {
    let first = GOOD
        .replace("minutes: 3", "minutes: 3\nordr: 2")
        .replace("kind = \"nodes-ready\"", "kind = \"node-ready\"");
    std::fs::write(dir.join("a.md"), first).expect("write a.md");
    let second = GOOD
        .replace("id: good", "id: second")
        .replace("timeout = \"10s\"", "timeout = \"10 s\"")
        .replace("kubectl get nodes", "kubectl get nodes -n {{namespce}}");
    std::fs::write(dir.join("b.md"), second).expect("write b.md");
    std::fs::write(dir.join("README.md"), "# Not a lesson, never parsed\n").expect("write README");
}

#[test]
fn lessons_lists_the_builtin_lessons() {
    let out = trinetes(&["lessons"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    let header = lines.next().expect("a header");
    for column in ["ID", "TITLE", "MINUTES", "STEPS", "PROGRESS"] {
        assert!(header.contains(column), "{header}");
    }
    let rows: Vec<&str> = lines.collect();
    // Twelve lessons, Welcome first; the concept lessons keep their ids.
    assert_eq!(rows.len(), 12, "{stdout}");
    assert!(rows[0].starts_with("welcome "), "{stdout}");
    assert!(rows[2].starts_with("replicasets "), "{stdout}");
    let helm = rows
        .iter()
        .find(|r| r.starts_with("helm-trino "))
        .expect("the Helm lesson is listed");
    let cells: Vec<&str> = helm.split_whitespace().collect();
    assert_eq!(cells[cells.len() - 3..], ["25", "9", "-"], "{helm}");
}

#[test]
fn lessons_shows_the_progress_recorded_in_the_state_directory() {
    let state = tempfile::tempdir().expect("temp dir");
    let out = trinetes_with_state(&["lessons", "--json"], state.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let lessons = json["lessons"].as_array().expect("lessons array");
    assert!(lessons.len() >= 3, "{json}");
    // Three lessons with several steps each, by their place in the list.
    let index = |id: &str| {
        lessons
            .iter()
            .position(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("{id} is listed: {json}"))
    };
    let picked = [
        index("replicasets"),
        index("labels-selectors"),
        index("helm-trino"),
    ];
    let id = |i: usize| {
        lessons[picked[i]]["id"]
            .as_str()
            .expect("lesson id")
            .to_string()
    };
    let step_ids = |i: usize| -> Vec<String> {
        lessons[picked[i]]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| s["id"].as_str().expect("step id").to_string())
            .collect()
    };
    let first_steps = step_ids(0);
    assert!(first_steps.len() > 2, "{first_steps:?}");
    // The first picked lesson: two steps passed and one failed. The second: marked
    // completed. The third: not started.
    let mut toml = format!(
        "version = 1\n\n[lessons.{}]\nopened = \"2026-11-30T10:00:00Z\"\n\n[lessons.{}.steps]\n\
         {} = \"passed\"\n{} = \"passed\"\n{} = \"failed\"\n\n\
         [lessons.{}]\nopened = \"2026-11-30T10:00:00Z\"\ncompleted = \"2026-11-30T11:00:00Z\"\n",
        id(0),
        id(0),
        first_steps[0],
        first_steps[1],
        first_steps[2],
        id(1)
    );
    let dir = state.path().join("trinetes");
    std::fs::create_dir_all(&dir).expect("state dir");
    std::fs::write(dir.join("progress.toml"), &toml).expect("write progress");

    let listing = || {
        let out = trinetes_with_state(&["lessons"], state.path());
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let progress_of = |stdout: &str, id: &str| -> String {
        let row = stdout
            .lines()
            .find(|r| r.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("{id} is listed:\n{stdout}"));
        row.split_whitespace().last().expect("a cell").to_string()
    };
    let stdout = listing();
    let passed = format!("2/{}", first_steps.len());
    assert_eq!(progress_of(&stdout, &id(0)), passed, "{stdout}");
    assert_eq!(progress_of(&stdout, &id(1)), "done", "{stdout}");
    assert_eq!(progress_of(&stdout, &id(2)), "-", "{stdout}");

    let out = trinetes_with_state(&["lessons", "--json"], state.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let progress = &json["lessons"][picked[0]]["progress"];
    assert_eq!(progress["status"], "opened", "{progress}");
    assert_eq!(progress["passed"], 2, "{progress}");
    assert_eq!(progress["steps"], first_steps.len(), "{progress}");
    assert_eq!(
        json["lessons"][picked[2]]["progress"]["status"],
        "not-started"
    );

    // Every step of the third picked lesson passed, or was skipped on this profile:
    // done, although the lesson was never marked completed.
    toml.push_str(&format!("\n[lessons.{}.steps]\n", id(2)));
    for (i, step) in step_ids(2).iter().enumerate() {
        let outcome = if i == 0 { "skipped" } else { "passed" };
        toml.push_str(&format!("{step} = \"{outcome}\"\n"));
    }
    std::fs::write(dir.join("progress.toml"), &toml).expect("write progress");
    let stdout = listing();
    assert_eq!(progress_of(&stdout, &id(2)), "done", "{stdout}");
}

#[test]
fn lessons_json_has_steps_commands_and_checks_for_the_chosen_profile() {
    let out = trinetes(&["--profile", "episode-2021", "lessons", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["profile"], "episode-2021");
    let lessons = json["lessons"].as_array().expect("lessons array");
    let by_id = |id: &str| {
        lessons
            .iter()
            .find(|l| l["id"] == id)
            .unwrap_or_else(|| panic!("no lesson {id}"))
    };
    let demo = by_id("helm-trino");
    let create = &by_id("eks")["steps"][0];
    assert_eq!(demo["needs"], serde_json::json!(["eks-cluster"]));
    assert_eq!(demo["provides"], serde_json::json!(["trino"]));
    assert_eq!(create["id"], "create-cluster");
    assert!(
        create["command"]
            .as_str()
            .expect("command")
            .contains("--version 1.21")
    );
    assert_eq!(create["billable"], true);
    let check = &create["checks"][0];
    assert_eq!(check["kind"], "eks-cluster");
    assert_eq!(check["name"], "tcb-cluster");
    assert_eq!(
        check["description"],
        "EKS cluster tcb-cluster (us-east-1) is ACTIVE"
    );

    let step = |demo: &serde_json::Value, id: &str| {
        demo["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no step {id}"))
    };
    let crash = step(demo, "see-crash-loop");
    assert_eq!(crash["profiles"], serde_json::json!(["episode-2021"]));
    assert_eq!(crash["skipped_on_profile"], serde_json::Value::Null);
    let looping = &crash["checks"][0];
    assert_eq!(looping["kind"], "pods");
    assert_eq!(looping["reason"], "CrashLoopBackOff");
    assert_eq!(looping["min_restarts"], 1);
    assert_eq!(
        looping["description"],
        "1 pod matching app=trino,release=tcb,component=coordinator with status CrashLoopBackOff, restarted at least once"
    );

    // On the current profile the same step is marked as skipped.
    let out = trinetes(&["--profile", "current", "lessons", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let demo = json["lessons"]
        .as_array()
        .expect("lessons array")
        .iter()
        .find(|l| l["id"] == "helm-trino")
        .cloned()
        .expect("helm-trino");
    assert_eq!(
        step(&demo, "see-crash-loop")["skipped_on_profile"],
        "current"
    );
    assert_eq!(
        step(&demo, "get-deployments")["skipped_on_profile"],
        serde_json::Value::Null
    );
}

#[test]
fn unknown_profile_is_a_clear_error() {
    let out = trinetes(&["--profile", "episode-1999", "lessons"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown profile `episode-1999`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("current") && stderr.contains("episode-2021"),
        "{stderr}"
    );
}

#[test]
fn check_of_the_builtin_lessons_passes() {
    let out = trinetes(&["lessons", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("OK: 12 lessons"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn check_reports_every_error_as_file_line_column_and_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_broken(dir.path());
    let out = trinetes(&["lessons", "check", dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let a = dir.path().join("a.md");
    let b = dir.path().join("b.md");
    let expected = [
        format!("{}:6:1: unknown front matter key `ordr`", a.display()),
        format!("{}:21:8: unknown check kind `node-ready`", a.display()),
        format!("{}:12:22: unknown variable `namespce`", b.display()),
        format!("{}:17:11: malformed duration \"10 s\"", b.display()),
    ];
    for line in &expected {
        assert!(
            stderr.lines().any(|l| l.starts_with(line.as_str())),
            "missing {line:?} in:\n{stderr}"
        );
    }
    assert!(stderr.contains("did you mean `order`?"), "{stderr}");
    assert!(stderr.contains("did you mean `nodes-ready`?"), "{stderr}");
    assert!(
        stderr.contains("did you mean `namespace`?") || stderr.contains("expected"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("4 error(s)")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("README"),
        "README.md is not a lesson: {stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn the_global_lessons_flag_chooses_the_folder() {
    let broken = tempfile::tempdir().expect("temp dir");
    write_broken(broken.path());
    let out = trinetes(&[
        "--lessons",
        broken.path().to_str().expect("utf-8"),
        "lessons",
        "check",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));

    let good = tempfile::tempdir().expect("temp dir");
    std::fs::write(good.path().join("only.md"), GOOD).expect("write");
    let dir = good.path().to_str().expect("utf-8");
    let out = trinetes(&["--lessons", dir, "lessons", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("OK: 1 lesson, 1 step, 1 check"));

    let out = trinetes(&["--lessons", dir, "lessons"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("good ")),
        "{stdout}"
    );

    // Listing a broken folder fails too, and says how to see the errors.
    let out = trinetes(&[
        "--lessons",
        broken.path().to_str().expect("utf-8"),
        "lessons",
    ]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "`trinetes lessons check {}` lists them",
            broken.path().display()
        )),
        "{stderr}"
    );
}

#[test]
fn check_of_a_missing_folder_fails_with_a_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope");
    let out = trinetes(&["lessons", "check", missing.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("cannot read the lessons folder"),
        "{stderr}"
    );
    assert!(
        stderr.starts_with(&format!("{}: cannot read", missing.display())),
        "{stderr}"
    );
}
