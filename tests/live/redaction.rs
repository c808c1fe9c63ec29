//! Secrets never reach the screen or the report: a live step whose tool
//! prints the secret access key, a session token and an access key id.

use super::stubs::{Stubs, trinetes};
use crate::support::bin::text;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMiJHMEUCIQD5zzTOKENzz";
const KEY_ID: &str = "AKIAIOSFODNN7ZZTESTZ";

const LESSON: &str = r#"---
id: leak
title: A tool that talks too much
summary: Its step prints credentials.
minutes: 1
backends: [live]
order: 1
---

# A tool that talks too much

## Print the configuration

```sh step id=print
leaky
```

```toml step-config
title = "Print the configuration"
timeout = "30s"
```
"#;

#[test]
fn secrets_printed_by_a_live_step_are_masked_on_screen_and_in_the_report() {
    let state = tempfile::tempdir().unwrap();
    let lessons = state.path().join("lessons");
    std::fs::create_dir_all(&lessons).unwrap();
    std::fs::write(lessons.join("leak.md"), LESSON).unwrap();
    let stubs = Stubs::new(state.path());
    // The secret comes from the environment, printed bare and in the
    // shapes credential files and the aws CLI use; the key id and the
    // token by shape only (the token is not in the environment).
    stubs.add(
        "leaky",
        &format!(
            "echo \"debug: signing with $AWS_SECRET_ACCESS_KEY\"\n\
             echo \"aws_access_key_id = {KEY_ID}\"\n\
             echo '\"SessionToken\": \"{TOKEN}\",'\n\
             echo \"done\""
        ),
    );
    let report = state.path().join("report.json");
    let env = vec![
        ("AWS_SECRET_ACCESS_KEY".to_string(), SECRET.to_string()),
        ("AWS_ACCESS_KEY_ID".to_string(), KEY_ID.to_string()),
    ];
    let out = trinetes(
        state.path(),
        &stubs.path(),
        &env,
        &[
            "run",
            "--backend",
            "live",
            "--trust-lessons",
            "--lessons",
            &lessons.to_string_lossy(),
            "--lesson",
            "leak",
            "--report",
            &report.to_string_lossy(),
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        stubs.calls().contains(&"leaky ".to_string()),
        "the stub ran: {:?}",
        stubs.calls()
    );
    assert!(said.contains("done"), "the step's output is shown:\n{said}");
    assert!(said.contains("[REDACTED]"), "{said}");
    let report = std::fs::read_to_string(&report).expect("the report was written");
    for secret in [SECRET, TOKEN, KEY_ID] {
        assert!(!said.contains(secret), "{secret} on screen:\n{said}");
        assert!(
            !report.contains(secret),
            "{secret} in the report:\n{report}"
        );
    }
}
