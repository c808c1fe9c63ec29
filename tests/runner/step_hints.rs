//! A failed step shows the hints its failure calls for: the unconditional
//! ones and those whose `when` its output or failure showed, in order,
//! under the failure; the report (JSON and JUnit) carries the same hints.

use crate::support::bin::{text, trinetes_in};

/// A lesson whose one step prints a port-forward's bind error and fails.
const LESSON: &str = r#"---
id: hints
title: Hints
summary: A step that fails with one error of several.
minutes: 1
order: 1
---

# Hints

```sh step id=forward
echo 'unable to listen on port 8080: Listen tcp4 127.0.0.1:8080: bind: Address already in use'; false
```

```toml step-config
title = "Forward"
timeout = "30s"
hints = [
  { when = "address already in use", text = "hint-in-use: something else listens on 8080" },
  "hint-always: kubectl get pods shows whether the pod runs",
  { when = "connection refused", text = "hint-refused: the pod is not listening yet" },
]
```
"#;

fn run_with_report(report: &std::path::Path) -> String {
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = tempfile::tempdir().expect("temp dir");
    std::fs::write(lessons.path().join("hints.md"), LESSON).expect("write lesson");
    let out = trinetes_in(
        state.path(),
        &[
            "run",
            "--all",
            "--pace",
            "fast",
            "--lessons",
            lessons.path().to_str().expect("utf-8"),
            "--report",
            report.to_str().expect("utf-8"),
        ],
    );
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    all
}

#[test]
fn a_failure_shows_only_the_hints_it_calls_for_in_order_and_the_report_has_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.json");
    let all = run_with_report(&report);
    let failed = all
        .find("✘ forward failed")
        .unwrap_or_else(|| panic!("no failure line:\n{all}"));
    let in_use = all
        .find("hint: hint-in-use: something else listens on 8080")
        .unwrap_or_else(|| panic!("no hint for the error shown:\n{all}"));
    let always = all
        .find("hint: hint-always:")
        .unwrap_or_else(|| panic!("no unconditional hint:\n{all}"));
    assert!(failed < in_use && in_use < always, "{all}");
    assert!(
        !all.contains("hint-refused"),
        "a hint about another error:\n{all}"
    );

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report written"))
            .expect("JSON report");
    let step = &json["lessons"][0]["steps"][0];
    assert_eq!(step["outcome"], "failed", "{json:#}");
    assert_eq!(
        step["hints"],
        serde_json::json!([
            "hint-in-use: something else listens on 8080",
            "hint-always: kubectl get pods shows whether the pod runs"
        ]),
        "{json:#}"
    );
}

#[test]
fn the_junit_report_carries_the_hints_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.xml");
    run_with_report(&report);
    let xml = std::fs::read_to_string(&report).expect("report written");
    let failure = &xml[xml.find("<failure").expect("a failure element")..];
    let failure = &failure[..failure.find("</failure>").expect("closed")];
    assert!(
        failure.contains("hint: hint-in-use: something else listens on 8080"),
        "{xml}"
    );
    assert!(failure.contains("hint: hint-always:"), "{xml}");
    assert!(!xml.contains("hint-refused"), "{xml}");
}
