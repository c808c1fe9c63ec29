//! End to end: the real binary in a private tmux server runs steps of a tiny
//! lessons folder on the live backend. The first step echoes a line and its
//! `http` check passes against a loopback server this test starts; the
//! second step's check fails and shows its hint. Then it quits and checks the
//! terminal came back and the outcomes were recorded. A second test runs
//! dry-run steps on the simulated cluster and reaches it with kubectl.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::support::tmux::{TmuxServer, WAIT, require_tmux};

fn start(dir: &Path, state: &Path) -> TmuxServer {
    TmuxServer::start(
        &dir.join("tmux.sock"),
        100,
        34,
        &[
            format!("XDG_STATE_HOME={}", state.display()),
            "NO_PROXY=127.0.0.1".to_string(),
            "no_proxy=127.0.0.1".to_string(),
            "TRINETES_LOG=debug".to_string(),
            // The doctor's checks before the first live step look for AWS
            // credentials: never at the EC2 metadata address from a test,
            // and never with the machine's own AWS settings.
            "AWS_EC2_METADATA_DISABLED=true".to_string(),
            "AWS_ENDPOINT_URL=http://127.0.0.1:9".to_string(),
            format!("AWS_CONFIG_FILE={}", dir.join("no-aws-config").display()),
            format!(
                "AWS_SHARED_CREDENTIALS_FILE={}",
                dir.join("no-aws-credentials").display()
            ),
        ],
    )
}

/// A loopback HTTP server: `/ready` answers `{"state":"ready"}`, anything
/// else 503. It stops when dropped or after two minutes, whichever is first.
struct Loopback {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Loopback {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let port = listener.local_addr().expect("local address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !flag.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut request = [0u8; 2048];
                        let n = stream.read(&mut request).unwrap_or(0);
                        let head = String::from_utf8_lossy(&request[..n]);
                        let (status, body) = if head.starts_with("GET /ready ") {
                            ("200 OK", r#"{"state":"ready"}"#)
                        } else {
                            ("503 Service Unavailable", r#"{"state":"starting"}"#)
                        };
                        let _ = write!(
                            stream,
                            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    }
                    Err(_) => sleep(Duration::from_millis(20)),
                }
            }
        });
        Loopback { port, stop }
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The first step on a real backend waits for the doctor's checks: these
/// lessons only run `echo` and the shell, so the window says everything is
/// there and names the lessons' folder; Enter goes on.
fn pass_doctor(server: &TmuxServer) {
    let window = server.wait_text("Everything this lesson's commands need is there.");
    assert!(window.contains("These lessons come from"), "{window}");
    server.keys(&["Enter"]);
}

/// Types the live-backend command for `lessons` into the shell and waits
/// until the TUI is up on the alternate screen, showing `title`.
fn launch_live(server: &TmuxServer, lessons: &Path, title: &str) {
    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!(
        "{binary} --backend live --lessons {}",
        lessons.display()
    ));
    server.keys(&["Enter"]);
    server.wait_text(title);
    server.wait_for("the alternate screen", |_| server.alternate_on() == "1");
}

fn write_lessons(dir: &Path, port: u16) {
    std::fs::create_dir_all(dir).expect("lessons dir");
    let lesson = format!(
        r#"---
id: run-e2e
title: Running steps end to end
summary: One step that passes its check and one whose check fails.
minutes: 1
order: 1
---

# Run

```sh step id=say-hello
echo hello-from-step
```

```toml step-config
title = "Say hello"
timeout = "20s"

[[check]]
kind = "http"
url = "http://127.0.0.1:{port}/ready"
json-field = "state"
equals = "ready"
timeout = "10s"
hint = "the loopback server should answer"
```

```sh step id=not-ready
echo second-step-ran
```

```toml step-config
title = "Wait for something that never comes"
timeout = "20s"

[[check]]
kind = "http"
url = "http://127.0.0.1:{port}/never"
timeout = "1s"
hint = "known-hint-the-server-says-no"
```

```sh step id=ask
printf 'interactive-question: '; read answer; echo "interactive-answer-$answer"
```

```toml step-config
title = "Answer a question"
interactive = true
timeout = "1m"
```
"#
    );
    std::fs::write(dir.join("01-run.md"), lesson).expect("write the lesson");
}

#[test]
fn run_steps_in_the_real_binary_and_see_their_checks() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    let server_http = Loopback::start();
    write_lessons(&lessons, server_http.port);
    let server = start(dir.path(), &state);

    launch_live(&server, &lessons, "Running steps end to end");

    // Open, select the first step and run it.
    server.keys(&["Enter"]);
    server.wait_text("run-e2e │ step 0/3");
    server.keys(&["Tab"]);
    server.wait_text("run-e2e │ step 1/3");
    server.keys(&["Enter"]);
    pass_doctor(&server);
    let passed = server.wait_text("passed in");
    assert!(passed.contains("hello-from-step"), "output pane:\n{passed}");
    assert!(
        passed.contains("Output · $ echo hello-from-step"),
        "{passed}"
    );
    let passed = server.wait_text("Tab to step not-ready");
    assert!(passed.contains("✔"), "{passed}");

    // The second step's check fails and shows what was seen and the hint.
    server.keys(&["Tab"]);
    server.wait_text("run-e2e │ step 2/3");
    server.keys(&["Enter"]);
    // Nothing changes while it waits, so the hint shows before the timeout
    // too; the failure keeps it.
    server.wait_text("hint: known-hint-the-server-says-no");
    let failed = server.wait_text("press v to retry");
    assert!(
        failed.contains("hint: known-hint-the-server-says-no"),
        "{failed}"
    );
    assert!(failed.contains("second-step-ran"), "{failed}");
    assert!(failed.contains("answered 503"), "{failed}");
    assert!(failed.contains("press v to retry"), "{failed}");

    // The interactive step gets the terminal (normal screen, cooked mode),
    // reads a typed line, and gives the terminal back.
    server.keys(&["Tab"]);
    server.wait_text("run-e2e │ step 3/3");
    server.keys(&["Enter"]);
    server.wait_for("the child to own the terminal", |s| {
        s.contains("interactive-question:") && server.alternate_on() == "0"
    });
    server.type_text("yes");
    server.keys(&["Enter"]);
    server.wait_for("the TUI to come back", |_| server.alternate_on() == "1");
    let back = server.wait_text("the interactive command ended: exit status: 0");
    assert!(back.contains("run-e2e │ step 3/3"), "{back}");
    server.wait_text("passed in");

    // Quit: nothing runs, so no question; the terminal comes back.
    server.keys(&["q"]);
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");
    server.type_text("echo back-$((1000+7))");
    server.keys(&["Enter"]);
    server.wait_text("back-1007");

    let progress = std::fs::read_to_string(state.join("trinetes/progress.toml"))
        .expect("progress.toml written in XDG_STATE_HOME/trinetes");
    assert!(progress.contains("say-hello = \"passed\""), "{progress}");
    assert!(progress.contains("not-ready = \"failed\""), "{progress}");
    assert!(progress.contains("ask = \"passed\""), "{progress}");
    let log = std::fs::read_to_string(state.join("trinetes/trinetes.log")).unwrap_or_default();
    assert!(
        log.contains("handing the terminal to an interactive step"),
        "the log says the terminal was handed over:\n{log}"
    );
    drop(server);
}

fn write_dry_run_lesson(dir: &Path) {
    std::fs::create_dir_all(dir).expect("lessons dir");
    let lesson = r#"---
id: dry-e2e
title: A step on the simulated cluster
summary: Create a Deployment with the real kubectl, then list it.
minutes: 1
order: 1
backends: [dry-run]
---

# Dry run

```sh step id=create-web
kubectl create deployment web --image=nginx --replicas=2
```

```toml step-config
title = "Create two web pods"
timeout = "30s"

[[check]]
kind = "deployment"
name = "web"
ready = 2
timeout = "30s"
hint = "the simulated kubelet should start both pods"
```

```sh step id=list-web
kubectl get deployments
```

```toml step-config
title = "List the Deployments"
timeout = "30s"
```
"#;
    std::fs::write(dir.join("01-dry.md"), lesson).expect("write the lesson");
}

#[test]
fn a_dry_run_step_in_the_tui_reaches_the_simulated_cluster_the_learners_kubectl_sees() {
    require_tmux();
    let kubectl_found = Command::new("kubectl")
        .args(["version", "--client"])
        .output();
    assert!(
        kubectl_found.is_ok_and(|o| o.status.success()),
        "this test runs the real kubectl against the simulated cluster: install kubectl 1.32"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    let cache = dir.path().join("kube-cache");
    write_dry_run_lesson(&lessons);
    let server = start(dir.path(), &state);

    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!(
        "env -u KUBECONFIG KUBECACHEDIR={} {binary} --lessons {}",
        cache.display(),
        lessons.display()
    ));
    server.keys(&["Enter"]);
    server.wait_text("A step on the simulated cluster");
    server.wait_text("backend: dry-run");
    server.wait_text("Press w");

    // `w` shows the lines that point the learner's own kubectl at the world.
    server.keys(&["w"]);
    let overlay = server.wait_text("export AWS_ENDPOINT_URL_EKS=http://127.0.0.1:");
    let kubeconfig = overlay
        .lines()
        .find_map(|l| {
            let at = l.find("export KUBECONFIG=")?;
            let rest = &l[at + "export KUBECONFIG=".len()..];
            Some(rest.split([' ', '│']).next()?.to_string())
        })
        .unwrap_or_else(|| panic!("no KUBECONFIG line in the overlay:\n{overlay}"));
    assert!(
        Path::new(&kubeconfig).is_file(),
        "the kubeconfig the TUI shows does not exist: {kubeconfig}"
    );
    server.keys(&["Escape"]);
    // Escape and Enter read together would be one key, Alt-Enter.
    server.wait_for("the world window to close", |s| {
        !s.contains("export KUBECONFIG=")
    });

    // Run the first step: the real kubectl creates the Deployment and the
    // check sees two ready pods.
    server.keys(&["Enter"]);
    server.wait_text("dry-e2e │ step 0/2");
    server.keys(&["Tab"]);
    server.wait_text("dry-e2e │ step 1/2");
    server.keys(&["Enter"]);
    let passed = server.wait_text("passed in");
    assert!(
        passed.contains("deployment.apps/web created"),
        "output pane:\n{passed}"
    );
    server.wait_text("Tab to step list-web");

    // The learner's own kubectl, in another terminal, sees the same cluster.
    let theirs = Command::new("kubectl")
        .args(["get", "deployment", "web", "--no-headers"])
        .env("KUBECONFIG", &kubeconfig)
        .env("KUBECACHEDIR", &cache)
        .output()
        .expect("kubectl runs");
    let theirs_text = String::from_utf8_lossy(&theirs.stdout).into_owned();
    assert!(
        theirs.status.success() && theirs_text.contains("2/2"),
        "the learner's kubectl: {theirs_text}{}",
        String::from_utf8_lossy(&theirs.stderr)
    );

    server.keys(&["Tab"]);
    server.wait_text("dry-e2e │ step 2/2");
    server.keys(&["Enter"]);
    let listed = server.wait_for("the deployment list", |s| {
        s.contains("Output · $ kubectl get deployments") && s.contains("passed in")
    });
    assert!(
        listed
            .lines()
            .any(|l| l.contains("web") && l.contains("2/2")),
        "{listed}"
    );

    // Quitting stops the world's servers; the world itself is kept, so the
    // learner's kubectl finds nothing listening until trinetes runs again.
    server.keys(&["q"]);
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");
    assert!(
        Path::new(&kubeconfig).is_file(),
        "the kept world's kubeconfig is gone after quitting: {kubeconfig}"
    );
    let deadline = Instant::now() + WAIT;
    loop {
        let after = Command::new("kubectl")
            .args(["get", "deployment", "web", "--request-timeout=2s"])
            .env("KUBECONFIG", &kubeconfig)
            .env("KUBECACHEDIR", &cache)
            .output()
            .expect("kubectl runs");
        if !after.status.success() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the API server still answers after quitting"
        );
        sleep(Duration::from_millis(100));
    }
    drop(server);
}

/// Keys that mean one thing, in the real binary: Esc goes back while a step
/// runs (and the step goes on), K stops it, a failed step shows its hints,
/// Enter does not reset everything, and a tiny terminal only quits.
#[test]
fn esc_goes_back_k_stops_and_enter_does_not_reset() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    std::fs::create_dir_all(&lessons).expect("lessons dir");
    let lesson = r#"---
id: keys-e2e
title: Keys that mean one thing
summary: A slow step and a failing one.
minutes: 1
order: 1
---

# Keys

```sh step id=slow
echo slow-step-started; sleep 60; echo slow-step-woke
```

```toml step-config
title = "Take a while"
timeout = "2m"
```

```sh step id=fails
echo about-to-fail; exit 3
```

```toml step-config
title = "Fail on purpose"
timeout = "20s"
hints = ["hint-one-comes-first", "hint-two-comes-next"]
```
"#;
    std::fs::write(lessons.join("01-keys.md"), lesson).expect("write the lesson");
    let server = start(dir.path(), &state);
    launch_live(&server, &lessons, "Keys that mean one thing");

    server.keys(&["Enter"]);
    server.wait_text("keys-e2e │ step 0/2");
    server.keys(&["Tab"]);
    server.wait_text("keys-e2e │ step 1/2");
    server.keys(&["Enter"]);
    pass_doctor(&server);
    server.wait_text("slow-step-started");

    // Esc goes back to the list; the step goes on.
    server.keys(&["Escape"]);
    let list = server.wait_text("○ not started");
    assert!(list.contains("Lessons"), "{list}");
    server.keys(&["Enter"]);
    let back = server.wait_text("keys-e2e │ step 1/2");
    assert!(back.contains("… running"), "{back}");
    assert!(!back.contains("stopped"), "{back}");

    // K stops it (short, not billable: no question).
    server.keys(&["K"]);
    let stopped = server.wait_text("■ stopped");
    assert!(
        !stopped.lines().any(|l| l.trim() == "slow-step-woke"),
        "the step ran to its end:\n{stopped}"
    );

    // The failing step shows its hints under the failure, in order.
    server.keys(&["Tab"]);
    server.wait_text("keys-e2e │ step 2/2");
    server.keys(&["Enter"]);
    let failed = server.wait_text("hint-two-comes-next");
    let row = |text: &str| {
        failed
            .lines()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("no {text} in:\n{failed}"))
    };
    assert!(
        row("exited with code 3") < row("hint-one-comes-first")
            && row("hint-one-comes-first") < row("hint-two-comes-next"),
        "{failed}"
    );

    // Enter does not answer "forget every lesson's progress?".
    server.keys(&["R"]);
    server.wait_text("Forget the progress of every lesson?");
    server.keys(&["Enter"]);
    sleep(Duration::from_millis(500));
    assert!(
        server
            .screen()
            .contains("Forget the progress of every lesson?"),
        "Enter answered the question:\n{}",
        server.screen()
    );
    server.keys(&["n"]);
    server.wait_for("the question to close", |s| {
        !s.contains("Forget the progress")
    });

    // Too small: Esc and Tab do nothing, q still quits.
    server.tmux(&["resize-window", "-t", "e2e", "-x", "40", "-y", "10"]);
    server.wait_text("too small");
    server.keys(&["Escape", "Tab"]);
    server.tmux(&["resize-window", "-t", "e2e", "-x", "100", "-y", "34"]);
    let same = server.wait_text("keys-e2e │ step 2/2");
    assert!(same.contains("hint-two-comes-next"), "{same}");
    server.tmux(&["resize-window", "-t", "e2e", "-x", "40", "-y", "10"]);
    server.wait_text("too small");
    server.keys(&["q"]);
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");
    let progress = std::fs::read_to_string(state.join("trinetes/progress.toml"))
        .expect("progress.toml written");
    assert!(progress.contains("fails = \"failed\""), "{progress}");
    assert!(
        !progress.contains("slow ="),
        "a stopped step records nothing:\n{progress}"
    );
    drop(server);
}

/// An interactive step on dry-run runs against its lesson's cluster, even
/// when the world has no current context (as after `eksctl delete
/// cluster`): kubectl does not fall back to localhost:8080. The step box
/// and the status bar name the cluster.
#[test]
fn an_interactive_dry_run_step_runs_against_its_lessons_cluster() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    let cache = dir.path().join("kube-cache");
    std::fs::create_dir_all(&lessons).expect("lessons dir");
    let lesson = r#"---
id: dry-ask
title: An interactive step on the practice cluster
summary: Forget the current context, then list the nodes in a shell of its own.
minutes: 1
order: 1
backends: [dry-run]
---

# Interactive

```sh step id=forget
kubectl config unset current-context
```

```toml step-config
title = "Forget the current context"
timeout = "30s"
```

```sh step id=nodes
kubectl get nodes --request-timeout=5s && echo nodes-listed-here
```

```toml step-config
title = "List the nodes"
interactive = true
timeout = "30s"
```
"#;
    std::fs::write(lessons.join("01-ask.md"), lesson).expect("write the lesson");
    let server = start(dir.path(), &state);
    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!(
        "env -u KUBECONFIG KUBECACHEDIR={} {binary} --lessons {}",
        cache.display(),
        lessons.display()
    ));
    server.keys(&["Enter"]);
    server.wait_text("An interactive step on the practice cluster");
    server.keys(&["Enter"]);
    server.wait_text("dry-ask │ step 0/2");
    server.keys(&["Tab"]);
    let selected = server.wait_text("dry-ask │ step 1/2 │ cluster: kind-trinetes");
    assert!(selected.contains("cluster: kind-trinetes"), "{selected}");
    server.keys(&["Enter"]);
    server.wait_text("passed in");
    server.keys(&["Tab"]);
    server.wait_text("dry-ask │ step 2/2");
    server.keys(&["Enter"]);
    server.wait_for("the TUI to come back", |s| {
        s.contains("the interactive command ended") && server.alternate_on() == "1"
    });
    let back = server.wait_text("passed in");
    assert!(
        back.contains("the interactive command ended: exit status: 0"),
        "{back}"
    );
    server.keys(&["q"]);
    server.wait_for("alternate screen off", |_| server.alternate_on() == "0");
    let shell = server.wait_text("nodes-listed-here");
    assert!(!shell.contains("localhost:8080"), "{shell}");
    drop(server);
}
