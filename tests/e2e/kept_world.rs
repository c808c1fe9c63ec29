//! End to end: a learner quits the TUI in the middle of an EKS demo (the
//! cluster made, Trino installed), starts it again, and finds the cluster
//! and Trino where they left them, with their own kubectl and the same
//! export lines.

use std::path::Path;
use std::process::{Command, Output};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::support::tmux::{TmuxServer, WAIT, require_tmux};

const EKS_CONTEXT: &str = "learner@mini.us-east-1.eksctl.io";

fn write_demo(dir: &Path) {
    std::fs::create_dir_all(dir).expect("lessons dir");
    let lesson = r#"---
id: mini-demo
title: A small EKS demo
summary: Create an EKS cluster and install Trino on it.
minutes: 1
order: 1
backends: [dry-run]
cluster: eks
---

# Mini demo

```sh step id=create-cluster
eksctl create cluster --name mini --region us-east-1 --nodegroup-name ng --node-type t2.large --nodes 2
```

```toml step-config
title = "Create the cluster"
timeout = "2m"
```

```sh step id=helm-repo
helm repo add trino https://trinodb.github.io/charts
```

```toml step-config
title = "Add the chart repository"
timeout = "30s"
```

```sh step id=helm-install
helm install tcb trino/trino --version 1.42.2 --set image.tag=480
```

```toml step-config
title = "Install Trino"
timeout = "1m"

[[check]]
kind = "deployment"
name = "tcb-trino-coordinator"
ready = 1
timeout = "1m"
hint = "the coordinator should start"
```

```sh step id=get-deployments
kubectl get deployments
```

```toml step-config
title = "See Trino"
timeout = "30s"
```
"#;
    std::fs::write(dir.join("01-mini.md"), lesson).expect("write the lesson");
}

fn kubectl(kubeconfig: &str, cache: &Path, args: &[&str]) -> Output {
    Command::new("kubectl")
        .args(args)
        .arg("--request-timeout=5s")
        .env("KUBECONFIG", kubeconfig)
        .env("KUBECACHEDIR", cache)
        .output()
        .expect("kubectl runs")
}

/// The export lines the `w` overlay shows, whole.
fn exports(server: &TmuxServer) -> Vec<String> {
    server.keys(&["w"]);
    server.wait_text("export AWS_ENDPOINT_URL_EKS=http://127.0.0.1:");
    let screen = server.screen_joined();
    server.keys(&["w"]);
    server.wait_for("the overlay to close", |s| {
        !s.contains("export AWS_ENDPOINT_URL_EKS=")
    });
    let lines: Vec<String> = ["export KUBECONFIG=", "export AWS_ENDPOINT_URL_EKS="]
        .iter()
        .map(|start| {
            screen
                .lines()
                .find_map(|l| {
                    let at = l.find(start)? + start.len();
                    let value = l[at..].split([' ', '│']).next()?;
                    Some(format!("{start}{value}"))
                })
                .unwrap_or_else(|| panic!("no {start} line in:\n{screen}"))
        })
        .collect();
    lines
}

#[test]
fn quitting_in_the_middle_of_the_demo_keeps_the_cluster_and_trino() {
    require_tmux();
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "this test uses the real kubectl: install kubectl 1.32"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    let cache = dir.path().join("kube-cache");
    write_demo(&lessons);
    let server = TmuxServer::start(
        &dir.path().join("tmux.sock"),
        100,
        34,
        &[
            format!("XDG_STATE_HOME={}", state.display()),
            "TRINETES_LOG=debug".to_string(),
        ],
    );
    let binary = env!("CARGO_BIN_EXE_trinetes");
    let start = format!(
        "env -u KUBECONFIG KUBECACHEDIR={} {binary} --pace fast --lessons {}",
        cache.display(),
        lessons.display()
    );
    server.type_text(&start);
    server.keys(&["Enter"]);
    server.wait_text("backend: dry-run");
    server.wait_text("Press w");
    let before = exports(&server);

    // Open the lesson and run three of its four steps.
    server.keys(&["Enter"]);
    server.wait_text("mini-demo │ step 0/4");
    for (n, next) in [(1, "helm-repo"), (2, "helm-install")] {
        server.keys(&["Tab"]);
        server.wait_text(&format!("mini-demo │ step {n}/4"));
        server.keys(&["Enter"]);
        server.wait_text(&format!("Tab to step {next}"));
    }
    server.keys(&["Tab"]);
    server.wait_text("mini-demo │ step 3/4");
    server.keys(&["Enter"]);
    server.wait_text("Tab to step get-deployments");

    // Quit in the middle of the lesson.
    server.keys(&["q"]);
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");

    // Start again: the same export lines, and the learner's own kubectl
    // finds the EKS cluster current and Trino running on it.
    server.type_text(&start);
    server.keys(&["Enter"]);
    server.wait_for("the TUI to resume the lesson", |s| {
        s.contains("mini-demo │ step")
    });
    let after = exports(&server);
    assert_eq!(after, before, "the export lines changed across the restart");
    let kubeconfig = after[0]
        .trim_start_matches("export KUBECONFIG=")
        .to_string();
    let context = kubectl(&kubeconfig, &cache, &["config", "current-context"]);
    assert_eq!(String::from_utf8_lossy(&context.stdout).trim(), EKS_CONTEXT);
    let deadline = Instant::now() + WAIT;
    let ready = loop {
        let out = kubectl(
            &kubeconfig,
            &cache,
            &[
                "get",
                "deployment",
                "tcb-trino-coordinator",
                "tcb-trino-worker",
                "--no-headers",
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() == 2 && lines[0].contains("1/1") && lines[1].contains("2/2") {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "Trino did not come back: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        sleep(Duration::from_millis(200));
    };
    assert!(ready.contains("tcb-trino-coordinator"), "{ready}");
    let nodes = kubectl(&kubeconfig, &cache, &["get", "nodes", "--no-headers"]);
    assert_eq!(
        String::from_utf8_lossy(&nodes.stdout).lines().count(),
        2,
        "the EKS cluster's two nodes"
    );

    server.keys(&["q"]);
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");
    drop(server);
}
