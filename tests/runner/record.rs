//! `--record FILE.cast` on a headless run: the file is asciicast v2 that the
//! real asciinema CLI plays, with a marker per step and every command;
//! secrets a step prints are not in it; `trinetes replay` refuses a missing
//! or malformed file with a message that says why.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::bin::{require_kubectl, text, trinetes_in};

/// Fails the test, saying what to install, when the asciinema CLI is missing.
fn require_asciinema() {
    let found = Command::new("asciinema").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the asciinema CLI is missing: install it with `pip install asciinema`"
    );
}

/// `asciinema ARGS` detached from any terminal, so it never waits for keys.
fn asciinema(args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new("asciinema");
    command.args(args).stdin(Stdio::null());
    // SAFETY: setsid(2) only, between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    command.output().expect("asciinema runs")
}

/// The steps of a lesson as `trinetes lessons --json` lists them: (id, command).
fn steps_of(state: &Path, lesson: &str) -> Vec<(String, String)> {
    let out = trinetes_in(state, &["lessons", "--json"]);
    assert!(out.status.success(), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("lessons JSON");
    let lessons = json["lessons"].as_array().expect("an array of lessons");
    let found = lessons
        .iter()
        .find(|l| l["id"] == lesson)
        .unwrap_or_else(|| panic!("no lesson {lesson} in {json}"));
    found["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["id"].as_str().expect("an id").to_string(),
                s["command"].as_str().expect("a command").to_string(),
            )
        })
        .collect()
}

/// The events of a recording after its header, as JSON arrays.
fn events(cast: &str) -> Vec<serde_json::Value> {
    cast.lines()
        .skip(1)
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Records `trinetes run --lesson replicasets --pace fast` into `cast`.
pub fn record_replicasets(state: &Path, cast: &Path) {
    require_kubectl();
    let out = trinetes_in(
        state,
        &[
            "run",
            "--lesson",
            "replicasets",
            "--pace",
            "fast",
            "--record",
            cast.to_str().expect("utf-8"),
        ],
    );
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains(&format!("recording written to {}", cast.display())),
        "{all}"
    );
}

#[test]
fn a_headless_run_records_an_asciicast_that_asciinema_plays() {
    require_asciinema();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let cast = dir.path().join("replicasets.cast");
    record_replicasets(&state, &cast);
    let recorded = std::fs::read_to_string(&cast).expect("the recording");

    let header: serde_json::Value =
        serde_json::from_str(recorded.lines().next().expect("a header")).expect("JSON header");
    assert_eq!(header["version"], 2, "{header}");
    assert_eq!(header["title"], "trinetes run: replicasets", "{header}");
    // What `trinetes replay` needs: the profile and backend it ran with.
    assert_eq!(header["trinetes"]["format"], 1, "{header}");
    assert_eq!(header["trinetes"]["profile"], "current", "{header}");
    assert_eq!(header["trinetes"]["backend"], "dry-run", "{header}");
    // The learner's own paths are not in a file that is shared.
    let state_path = state.display().to_string();
    assert!(!recorded.contains(&state_path), "{recorded}");
    assert!(
        recorded.contains("Wrote $STATE/world/files/replicaset-definition.yml"),
        "{recorded}"
    );

    // One marker per step, LESSON/STEP, in order; times never go back.
    let steps = steps_of(&state, "replicasets");
    let events = events(&recorded);
    let markers: Vec<&str> = events
        .iter()
        .filter(|e| e[1] == "m")
        .map(|e| e[2].as_str().expect("a label"))
        .collect();
    let ids: Vec<String> = steps
        .iter()
        .map(|(id, _)| format!("replicasets/{id}"))
        .collect();
    assert_eq!(markers, ids);
    let times: Vec<f64> = events
        .iter()
        .map(|e| e[0].as_f64().expect("a time"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    // asciinema 2 (what pip installs) prints it, commands and output.
    let out = asciinema(&["cat", cast.to_str().expect("utf-8")]);
    let printed = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(out.status.success(), "{}", text(&out));
    for (id, command) in &steps {
        // A line break inside a command shows the shell's continuation prompt.
        let typed = command.trim_end().replace('\n', "\n> ");
        assert!(
            printed.contains(&format!("$\u{1b}[0m {typed}")),
            "the command of {id} typed after a prompt:\n{printed}"
        );
        assert!(printed.contains(&format!("✔ {id} passed")), "{printed}");
    }
    assert!(
        printed.contains("replicaset.apps/hello created"),
        "{printed}"
    );

    // And plays it, pausing at the markers no more than it would for keys.
    let out = asciinema(&[
        "play",
        "--speed",
        "20",
        "--idle-time-limit",
        "0.1",
        cast.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("kubectl get replicaset hello"),
        "{}",
        text(&out)
    );
}

/// A lesson whose one step runs a stub that prints secrets three ways.
const LEAKY_LESSON: &str = r#"---
id: leaky
title: Leaky
summary: A step that prints credentials.
minutes: 1
order: 1
---

# Leaky

```sh step id=print-secrets
print-secrets
```

```toml step-config
title = "Print secrets"
timeout = "30s"
```
"#;

/// The dry-run backend gives its commands test credentials of its own, so
/// the stub prints trinetes' secret (SECRET) as a copy of it would.
const STUB: &str = r#"#!/bin/sh
echo "from the environment: SECRET"
echo "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
echo "an access key id: AKIAIOSFODNN7EXAMPLE"
"#;

#[test]
fn secrets_a_step_prints_are_redacted_in_the_recording() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let lessons = dir.path().join("lessons");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&lessons).expect("lessons dir");
    std::fs::create_dir_all(&bin).expect("bin dir");
    std::fs::write(lessons.join("leaky.md"), LEAKY_LESSON).expect("write the lesson");
    let secret = "s3cretFromTheEnvironment0123";
    let stub = bin.join("print-secrets");
    std::fs::write(&stub, STUB.replace("SECRET", secret)).expect("write the stub");
    std::fs::set_permissions(&stub, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let cast = dir.path().join("leaky.cast");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["run", "--all", "--pace", "fast", "--lessons"])
        .arg(&lessons)
        .arg("--record")
        .arg(&cast)
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("NO_COLOR", "1")
        .env("PATH", path)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .output()
        .expect("trinetes runs");
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    // The stub did print them (the run's own output is not redacted on dry-run).
    assert!(all.contains(secret), "the stub ran and printed:\n{all}");

    let recorded = std::fs::read_to_string(&cast).expect("the recording");
    for leaked in [
        secret,
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAIOSFODNN7EXAMPLE",
    ] {
        assert!(!recorded.contains(leaked), "{leaked} in:\n{recorded}");
    }
    for kept in [
        "from the environment: [REDACTED]",
        "aws_secret_access_key = [REDACTED]",
        "an access key id: [REDACTED]",
    ] {
        assert!(recorded.contains(kept), "{kept:?} in:\n{recorded}");
    }
}

#[test]
fn replay_refuses_a_missing_or_malformed_file_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let replay = |file: &Path| {
        let out = trinetes_in(&state, &["replay", file.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        String::from_utf8_lossy(&out.stderr).to_string()
    };

    let missing = dir.path().join("missing.cast");
    let said = replay(&missing);
    assert!(
        said.contains(&format!("cannot read the recording {}", missing.display()))
            && said.contains("No such file")
            && said.contains("trinetes run --record"),
        "{said}"
    );
    assert_eq!(said.matches("No such file").count(), 1, "said once: {said}");

    let not_json = dir.path().join("notes.cast");
    std::fs::write(&not_json, "these are my notes\n").expect("write");
    let said = replay(&not_json);
    assert!(
        said.contains(&format!(
            "{} is not a recording trinetes can play: line 1 is not an asciicast header",
            not_json.display()
        )),
        "{said}"
    );

    let bad_event = dir.path().join("bad.cast");
    std::fs::write(
        &bad_event,
        "{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"o\",\"fine\"]\n[\"soon\",\"o\",\"x\"]\n",
    )
    .expect("write");
    let said = replay(&bad_event);
    assert!(
        said.contains("line 3 is not an asciicast event") && said.contains("time"),
        "{said}"
    );

    // A recording that does not name its lessons (made elsewhere, or
    // before trinetes wrote them) cannot be presented: asciinema plays it.
    let foreign = dir.path().join("foreign.cast");
    std::fs::write(
        &foreign,
        "{\"version\":2,\"width\":80,\"height\":24}\n[0.1,\"m\",\"get-rs\"]\n[0.2,\"o\",\"x\"]\n",
    )
    .expect("write");
    let said = replay(&foreign);
    assert!(
        said.contains("cannot be replayed in the presentation")
            && said.contains("does not say which lessons it holds")
            && said.contains("asciinema play"),
        "{said}"
    );

    let v3 = dir.path().join("v3.cast");
    std::fs::write(&v3, "{\"version\":3,\"term\":{\"cols\":80,\"rows\":24}}\n").expect("write");
    let said = replay(&v3);
    assert!(said.contains("asciicast version 3"), "{said}");

    // --record belongs to the runs it can record.
    let out = trinetes_in(&state, &["lessons", "--record", "x.cast"]);
    assert!(
        !out.status.success() && text(&out).contains("--record records the tutorial"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_recording_that_cannot_be_written_is_refused_before_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cast = dir.path().join("no-such-folder").join("x.cast");
    let out = trinetes_in(
        &dir.path().join("state"),
        &[
            "run",
            "--lesson",
            "welcome",
            "--record",
            cast.to_str().expect("utf-8"),
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(
        all.contains(&format!("cannot write the recording {}", cast.display())),
        "{all}"
    );
    assert!(!all.contains("starting the dry-run backend"), "{all}");
}

/// A lesson whose step prints a line, then waits long enough to be killed.
const WAITING_LESSON: &str = r#"---
id: waiting
title: Waiting
summary: A step that prints a line and waits.
minutes: 1
order: 1
---

# Waiting

```sh step id=wait
echo "started the wait"; echo $$ > PID_FILE; exec sleep 30
```

```toml step-config
title = "Wait"
timeout = "60s"
```
"#;

#[test]
fn a_killed_run_leaves_a_recording_that_plays_up_to_its_end() {
    require_asciinema();
    let dir = tempfile::tempdir().expect("temp dir");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).expect("lessons dir");
    let cast = dir.path().join("killed.cast");
    let pid_file = dir.path().join("sleep.pid");
    let lesson = WAITING_LESSON.replace("PID_FILE", pid_file.to_str().expect("utf-8"));
    std::fs::write(lessons.join("waiting.md"), lesson).expect("write the lesson");
    let mut running = crate::support::bin::Running::start(
        &dir.path().join("state"),
        &[
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.to_str().expect("utf-8"),
            "--record",
            cast.to_str().expect("utf-8"),
        ],
    );
    running.wait_for("started the wait", 30);
    // The line is in the file as soon as it was printed: nothing waits for the end.
    let mut recorded = String::new();
    for _ in 0..50 {
        recorded = std::fs::read_to_string(&cast).expect("the recording exists while running");
        if recorded.contains("started the wait") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        recorded.contains("started the wait"),
        "the output line is in the file while the step runs:\n{recorded}"
    );
    running.signal(libc::SIGKILL);
    let _ = running.finish(10);
    if let Some(pid) = std::fs::read_to_string(&pid_file)
        .ok()
        .and_then(|p| p.trim().parse::<i32>().ok())
    {
        // SAFETY: kill(2) on the sleep this test's step started.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }

    let after = std::fs::read_to_string(&cast).expect("the recording");
    assert!(after.starts_with(&recorded), "nothing written was lost");
    assert!(after.ends_with('\n'), "whole lines only:\n{after}");
    for line in after.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("{e}: {line:?} in\n{after}"));
    }
    assert!(after.contains("\"m\",\"waiting/wait\"]"), "{after}");
    let out = asciinema(&["cat", cast.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("started the wait"),
        "{}",
        text(&out)
    );
}
