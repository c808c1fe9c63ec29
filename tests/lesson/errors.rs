//! Validation: each kind of error is reported at its exact line and column, says
//! what was expected, and all errors of a file are reported together.

use std::path::Path;

use trinetes::lesson::{LessonError, parse};

const FRONT: &str = "---
id: demo
title: A demo
summary: Something short.
minutes: 5
order: 1
---

# Heading
";

fn errors_of(source: &str) -> Vec<LessonError> {
    let err = parse(Path::new("lessons/t.md"), source, &|_| None)
        .expect_err("this lesson must not validate");
    assert!(!err.is_empty());
    err
}

fn one_error(source: &str) -> LessonError {
    let errors = errors_of(source);
    assert_eq!(
        errors.len(),
        1,
        "expected exactly one error, got {errors:#?}"
    );
    errors.into_iter().next().expect("one error")
}

fn assert_at(error: &LessonError, line: usize, column: usize, needle: &str) {
    assert_eq!(
        (error.line, error.column),
        (line, column),
        "wrong position for: {error}"
    );
    assert!(
        error.message.contains(needle),
        "message {:?} lacks {needle:?}",
        error.message
    );
}

/// A valid step with one check, with `config` lines appended to its step-config.
fn step(id: &str, config: &str) -> String {
    format!(
        "```sh step id={id}\nkubectl get pods\n```\n\n```toml step-config\ntitle = \"Look\"\ntimeout = \"10s\"\n{config}```\n\n"
    )
}

#[test]
fn a_valid_lesson_parses() {
    let src = format!("{FRONT}{}", step("look", ""));
    let lesson = parse(Path::new("t.md"), &src, &|_| None).expect("valid");
    assert_eq!(lesson.steps[0].id, "look");
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let src = FRONT.replace("minutes: 5", "minutes: 5\nsumary: typo");
    let e = one_error(&src);
    // line 6, the misspelled key starts in column 1.
    assert_at(&e, 6, 1, "unknown front matter key `sumary`");
    assert!(e.message.contains("did you mean `summary`?"), "{e}");
    assert_eq!(e.to_string(), format!("lessons/t.md:6:1: {}", e.message));
}

#[test]
fn unknown_step_config_key_suggests_the_right_one() {
    let src = format!("{FRONT}{}", step("look", "timout = \"5s\"\n"));
    let e = one_error(&src);
    // FRONT is 9 lines; the step opens on line 10 and `timout` follows `timeout` on line 17.
    assert_at(&e, 17, 1, "unknown key `timout`");
    assert!(e.message.contains("did you mean `timeout`?"), "{e}");
}

#[test]
fn unknown_check_key_suggests_the_right_one() {
    let check = "\n[[check]]\nkind = \"pods\"\nselector = \"app=x\"\ncuont = 3\ntimeout = \"1m\"\nhint = \"h\"\n";
    let src = format!("{FRONT}{}", step("look", check));
    let e = one_error(&src);
    assert_at(&e, 21, 1, "unknown key `cuont` in check `pods`");
    assert!(e.message.contains("did you mean `count`?"), "{e}");
}

#[test]
fn duplicate_step_ids_point_at_the_second_id() {
    let src = format!("{FRONT}{}{}", step("look", ""), step("look", ""));
    let e = one_error(&src);
    // The second step's fence is on line 19: "```sh step id=look"; the id value is column 15.
    assert_at(&e, 19, 15, "duplicate step id `look`");
    assert!(e.message.contains("line 10"), "{e}");
}

#[test]
fn unknown_check_kind_is_rejected_at_its_value() {
    let check = "\n[[check]]\nkind = \"deploymnet\"\ntimeout = \"1m\"\nhint = \"h\"\n";
    let src = format!("{FRONT}{}", step("look", check));
    let e = one_error(&src);
    assert_at(&e, 19, 8, "unknown check kind `deploymnet`");
    assert!(e.message.contains("did you mean `deployment`?"), "{e}");
}

#[test]
fn missing_required_front_matter_field() {
    let src = FRONT.replace("title: A demo\n", "");
    let e = one_error(&src);
    assert_at(&e, 1, 1, "missing `title`");
}

#[test]
fn missing_required_step_field_points_at_the_config_block() {
    let src = format!(
        "{FRONT}```sh step id=look\nkubectl get pods\n```\n\n```toml step-config\ntimeout = \"10s\"\n```\n"
    );
    let e = one_error(&src);
    assert_at(&e, 14, 1, "missing `title`");
}

#[test]
fn missing_required_check_field_points_at_its_table() {
    let check = "\n[[check]]\nkind = \"deployment\"\nready = 2\ntimeout = \"1m\"\nhint = \"h\"\n";
    let src = format!("{FRONT}{}", step("look", check));
    let e = one_error(&src);
    assert_at(&e, 18, 1, "check `deployment` is missing `name`");
}

#[test]
fn unknown_variable_is_reported_where_it_is_used() {
    let src = format!(
        "{FRONT}Run it in {{{{regoin}}}}.\n\n```sh step id=look\neksctl get cluster --name {{{{cluster_name}}}}\n```\n\n```toml step-config\ntitle = \"Look\"\ntimeout = \"10s\"\n```\n"
    );
    let e = one_error(&src);
    assert_at(&e, 10, 11, "unknown variable `regoin`");
    assert!(e.message.contains("did you mean `region`?"), "{e}");
}

#[test]
fn malformed_duration_is_reported_at_its_value() {
    let src = format!(
        "{FRONT}```sh step id=look\nkubectl get pods\n```\n\n```toml step-config\ntitle = \"Look\"\ntimeout = \"15 minutes\"\n```\n"
    );
    let e = one_error(&src);
    assert_at(&e, 16, 11, "malformed duration \"15 minutes\"");
    assert!(e.message.contains("`1h30m`"), "says what is expected: {e}");
}

#[test]
fn unknown_backend_in_front_matter_and_in_runs_on() {
    let front = FRONT.replace("order: 1", "order: 1\nbackends: [dry-run, lve]");
    let src = format!(
        "{front}{}",
        step(
            "look",
            "runs-on = [\"live\", \"kind\"]\nskip-reason = \"r\"\n"
        )
    );
    let errors = errors_of(&src);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(&errors[0], 7, 21, "unknown backend `lve`");
    assert!(errors[0].message.contains("did you mean `live`?"));
    assert_at(&errors[1], 18, 20, "unknown backend `kind`");
}

#[test]
fn every_error_of_a_file_is_reported_not_just_the_first() {
    let front = FRONT.replace("minutes: 5", "minutes: five\ncolour: red");
    let check =
        "\n[[check]]\nkind = \"nodes-ready\"\ncount = 2\ntimeout = \"soon\"\nhint = \"h\"\n";
    let src = format!(
        "{front}{}{}",
        step("look", check),
        step("look", "billable = \"yes\"\n")
    );
    let errors = errors_of(&src);
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 5, "{text:#?}");
    for needle in [
        "`minutes` must be a whole number",
        "unknown front matter key `colour`",
        "malformed duration",
        "duplicate step id",
        "`billable` must be `true` or `false`",
    ] {
        assert!(
            text.iter().any(|t| t.contains(needle)),
            "{needle}: {text:#?}"
        );
    }
}

#[test]
fn a_step_without_config_and_a_stray_config_are_errors() {
    let src = format!(
        "{FRONT}```sh step id=look\nkubectl get pods\n```\n\nSome prose.\n\n```toml step-config\ntitle = \"x\"\n```\n"
    );
    let errors = errors_of(&src);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(&errors[0], 10, 1, "step `look` has no step-config");
    assert_at(&errors[1], 16, 1, "must come right after a step's command");
}

#[test]
fn a_missing_diagram_is_an_error_at_the_image() {
    let src = format!("{FRONT}See ![the picture](../assets/diagrams/nope.txt) here.\n");
    let e = one_error(&src);
    assert_at(&e, 10, 5, "diagram `../assets/diagrams/nope.txt` not found");
}

#[test]
fn invalid_toml_is_reported_inside_the_block() {
    let src = format!(
        "{FRONT}```sh step id=look\nkubectl get pods\n```\n\n```toml step-config\ntitle = \"Look\"\ntimeout = \n```\n"
    );
    let e = one_error(&src);
    assert_eq!(e.line, 16, "{e}");
    assert!(e.message.contains("not valid TOML"), "{e}");
}

#[test]
fn missing_front_matter_is_reported_at_the_top() {
    let e = one_error("# Just a heading\n");
    assert_at(&e, 1, 1, "expected front matter");
}

#[test]
fn duplicate_lesson_ids_across_a_folder_point_at_the_second_id() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.md"), FRONT).expect("write");
    std::fs::write(
        dir.path().join("b.md"),
        FRONT.replace("order: 1", "order: 2"),
    )
    .expect("write");
    let errors = trinetes::lesson::load_dir(dir.path()).expect_err("duplicate ids");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].file, dir.path().join("b.md"));
    assert_at(&errors[0], 2, 5, "duplicate lesson id `demo`");
}

#[test]
fn an_unquoted_value_with_a_colon_must_be_quoted() {
    let src = FRONT.replace("title: A demo", "title: Demo: EKS");
    let e = one_error(&src);
    assert_at(&e, 3, 12, "must be quoted");
}

#[test]
fn unknown_step_attribute_in_the_info_string() {
    let src = format!("{FRONT}{}", step("look", "")).replace("step id=look", "step idd=look");
    let errors = errors_of(&src);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_at(&errors[0], 10, 7, "a step needs an id");
    assert_at(&errors[1], 10, 12, "unknown step attribute `idd`");
    assert!(
        errors[1].message.contains("did you mean `id`?"),
        "{}",
        errors[1]
    );
}

#[test]
fn values_outside_a_fixed_set_are_rejected_with_a_suggestion() {
    let check = "\n[[check]]\nkind = \"pods\"\nselector = \"app=x\"\nphase = \"running\"\ntimeout = \"1m\"\nhint = \"h\"\n";
    let src = format!("{FRONT}{}", step("look", check));
    let e = one_error(&src);
    assert_at(&e, 21, 9, "`phase` = `running` is not valid");
    assert!(e.message.contains("did you mean `Running`?"), "{e}");
}

#[test]
fn a_single_bracket_check_table_is_explained() {
    let check = "\n[check]\nkind = \"nodes-ready\"\ncount = 2\ntimeout = \"1m\"\nhint = \"h\"\n";
    let src = format!("{FRONT}{}", step("look", check));
    let e = one_error(&src);
    assert_at(&e, 18, 2, "`[[check]]` tables (double brackets)");
}

#[test]
fn http_check_needs_json_field_and_equals_together() {
    let check = "\n[[check]]\nkind = \"http\"\nurl = \"http://127.0.0.1:8080/v1/info\"\njson-field = \"starting\"\ntimeout = \"1m\"\nhint = \"h\"\n";
    let src = format!("{FRONT}{}", step("look", check));
    let e = one_error(&src);
    assert_at(&e, 18, 1, "`json-field` and `equals` together");
}

#[test]
fn an_unknown_profile_is_reported_at_its_name_with_a_suggestion() {
    let src = format!(
        "{FRONT}{}",
        step(
            "look",
            "profiles = [\"current\", \"episode-2012\"]\nskip-reason = \"old\"\n"
        )
    );
    let e = one_error(&src);
    // `profiles = ["current", "episode-2012"]`: the second name opens at column 24.
    assert_at(&e, 17, 24, "unknown profile `episode-2012`");
    assert!(e.message.contains("did you mean `episode-2021`?"), "{e}");
    assert!(e.message.contains("`current` or `episode-2021`"), "{e}");
    assert_eq!(e.to_string(), format!("lessons/t.md:17:24: {}", e.message));
}

#[test]
fn a_step_for_some_profiles_needs_a_skip_reason_and_a_name() {
    let src = format!("{FRONT}{}", step("look", "profiles = [\"episode-2021\"]\n"));
    let e = one_error(&src);
    assert_at(&e, 14, 1, "missing `skip-reason`");

    let src = format!("{FRONT}{}", step("look", "profiles = []\n"));
    let e = one_error(&src);
    assert_at(&e, 17, 12, "`profiles` lists no profile");

    // Every profile listed: nothing is skipped, so no reason is needed.
    let src = format!(
        "{FRONT}{}",
        step("look", "profiles = [\"current\", \"episode-2021\"]\n")
    );
    parse(Path::new("t.md"), &src, &|_| None).expect("valid");

    let src = format!(
        "{FRONT}{}",
        step(
            "look",
            "profiles = [\"current\", \"current\"]\nskip-reason = \"x\"\n"
        )
    );
    let e = one_error(&src);
    assert_at(&e, 17, 24, "profile `current` is listed twice");
}

#[test]
fn a_pods_reason_must_be_a_status_kubectl_shows() {
    let check = "\n[[check]]\nkind = \"pods\"\nselector = \"app=trino\"\nreason = \"CrashLoopBackoff\"\nmin-restarts = -1\ntimeout = \"1m\"\nhint = \"h\"\n";
    let errors = errors_of(&format!("{FRONT}{}", step("look", check)));
    assert_eq!(errors.len(), 2, "{errors:#?}");
    // The config's first line is 15; `[[check]]` follows a blank line on 18.
    assert_at(
        &errors[0],
        21,
        10,
        "`reason` = `CrashLoopBackoff` is not valid",
    );
    assert!(
        errors[0]
            .message
            .contains("did you mean `CrashLoopBackOff`?"),
        "{}",
        errors[0]
    );
    assert_at(&errors[1], 22, 16, "`min-restarts` must be a whole number");
}

#[test]
fn a_lesson_names_its_cluster_and_its_steps_carry_it() {
    let front = FRONT.replace("order: 1", "order: 1\ncluster: eks");
    let src = format!("{front}{}", step("look", ""));
    let lesson = parse(Path::new("t.md"), &src, &|_| None).expect("valid");
    assert_eq!(lesson.front.cluster.as_deref(), Some("eks"));
    assert_eq!(lesson.steps[0].cluster.as_deref(), Some("eks"));

    let plain = parse(
        Path::new("t.md"),
        &format!("{FRONT}{}", step("look", "")),
        &|_| None,
    )
    .expect("valid");
    assert_eq!(plain.steps[0].cluster, None, "no cluster: the practice one");

    let front = FRONT.replace("order: 1", "order: 1\ncluster: kind");
    let error = one_error(&format!("{front}{}", step("look", "")));
    assert_at(
        &error,
        7,
        10,
        "unknown cluster `kind`: expected `practice` or `eks`",
    );
}
