//! Port 8080 already taken: the dry-run port-forward moves to the next free
//! port, says so, and the lesson's `http` checks on 127.0.0.1:8080 follow it
//! to Trino. It takes its turn at 127.0.0.1:8080 with the
//! other tests that forward it, since it must hold that port itself.

use std::process::Command;

use crate::support::bin::{take_port_8080, text};

const LESSON: &str = r#"---
id: port-taken
title: Port-forward when 8080 is busy
summary: Install Trino on the practice cluster and reach it through a moved port.
minutes: 1
order: 1
---

# Port taken

```sh step id=repo
helm repo add trino https://trinodb.github.io/charts
```

```toml step-config
title = "Add the chart repository"
timeout = "30s"
```

```sh step id=install
helm install tcb trino/trino --version 1.42.2 --set image.tag=480
```

```toml step-config
title = "Install Trino"
timeout = "60s"

[[check]]
kind = "deployment"
name = "tcb-trino-coordinator"
ready = 1
timeout = "60s"
hint = "the coordinator should start"
```

```sh step id=forward
kubectl port-forward svc/tcb-trino 8080:8080
```

```toml step-config
title = "Forward 8080"
timeout = "30s"
background = true

[[check]]
kind = "http"
url = "http://127.0.0.1:8080/v1/info"
json-field = "coordinator"
equals = true
timeout = "30s"
hint = "the forward should reach the coordinator"

[[check]]
kind = "http"
url = "http://127.0.0.1:8080/v1/info"
json-field = "starting"
equals = false
timeout = "60s"
hint = "Trino should finish starting"
```
"#;

#[test]
fn a_taken_port_moves_the_forward_and_the_checks_follow_it() {
    let _turn = take_port_8080();
    let Ok(holder) = std::net::TcpListener::bind("127.0.0.1:8080") else {
        panic!(
            "127.0.0.1:8080 is already taken by another program; this test needs to take it itself"
        );
    };
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = tempfile::tempdir().expect("temp dir");
    std::fs::write(lessons.path().join("port.md"), LESSON).expect("write lesson");
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["run", "--all", "--pace", "fast", "--lessons"])
        .arg(lessons.path())
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs");
    drop(holder);
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("(127.0.0.1:8080 was already in use)"), "{all}");
    let moved = all
        .lines()
        .find_map(|l| l.split("Forwarding from 127.0.0.1:").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no forwarding line:\n{all}"));
    assert_ne!(moved, "8080", "{all}");
    assert!(
        all.contains(&format!(
            "GET http://127.0.0.1:{moved}/v1/info: coordinator is true"
        )),
        "the check did not follow the forward to port {moved}:\n{all}"
    );
    assert!(
        all.contains(&format!(
            "GET http://127.0.0.1:{moved}/v1/info: starting is false"
        )),
        "{all}"
    );
}

/// Running the forward step again replaces its own forward on the same port,
/// rather than moving to the next one because of itself.
#[test]
fn running_the_forward_again_replaces_its_own_forward() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let again = r#"

```sh step id=forward-again
kubectl port-forward svc/tcb-trino 8080:8080
```

```toml step-config
title = "Forward again"
timeout = "30s"
background = true
```
"#;
    let lesson = format!("{LESSON}{again}")
        .replace("8080:8080", &format!("{port}:8080"))
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{port}"));
    let state = tempfile::tempdir().expect("temp dir");
    let lessons = tempfile::tempdir().expect("temp dir");
    std::fs::write(lessons.path().join("port.md"), lesson).expect("write lesson");
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["run", "--all", "--pace", "fast", "--lessons"])
        .arg(lessons.path())
        .env("XDG_STATE_HOME", state.path())
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .output()
        .expect("trinetes runs");
    let all = text(&out);
    assert!(out.status.success(), "{all}");
    let forwarding = format!("Forwarding from 127.0.0.1:{port} -> 8080");
    assert_eq!(all.matches(&forwarding).count(), 2, "{all}");
    assert!(!all.contains("already in use"), "{all}");
}
