//! End to end: the real binary in a private tmux server runs steps of a tiny
//! lessons folder on the live backend. The first step echoes a line and its
//! `http` check passes against a loopback server this test starts; the
//! second step's check fails and shows its hint. Then it quits and checks the
//! terminal came back and the outcomes were recorded.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

struct TmuxServer {
    socket: PathBuf,
}

impl TmuxServer {
    fn start(socket: &Path, state_dir: &Path) -> Self {
        let server = TmuxServer {
            socket: socket.to_path_buf(),
        };
        let state = format!("XDG_STATE_HOME={}", state_dir.display());
        let out = server.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "100",
            "-y",
            "34",
            "-e",
            &state,
            "-e",
            "NO_PROXY=127.0.0.1",
            "-e",
            "no_proxy=127.0.0.1",
            "-e",
            "TRINETES_LOG=debug",
            "sh",
        ]);
        assert!(out.status.success(), "tmux new-session failed: {out:?}");
        server
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux runs")
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}: {out:?}");
    }

    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}: {out:?}");
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "e2e"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn alternate_on(&self) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            sleep(Duration::from_millis(100));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
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
    let found = Command::new("tmux").arg("-V").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "this test drives the real binary in tmux: install tmux (e.g. apt-get install tmux)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let lessons = dir.path().join("lessons");
    let server_http = Loopback::start();
    write_lessons(&lessons, server_http.port);
    let server = TmuxServer::start(&dir.path().join("tmux.sock"), &state);

    let binary = env!("CARGO_BIN_EXE_trinetes");
    server.type_text(&format!(
        "{binary} --backend live --lessons {}",
        lessons.display()
    ));
    server.keys(&["Enter"]);
    server.wait_text("Running steps end to end");
    server.wait_for("the alternate screen", |_| server.alternate_on() == "1");

    // Open, select the first step and run it.
    server.keys(&["Enter"]);
    server.wait_text("run-e2e │ step 0/3");
    server.keys(&["Tab"]);
    server.wait_text("run-e2e │ step 1/3");
    server.keys(&["Enter"]);
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
    let failed = server.wait_text("hint: known-hint-the-server-says-no");
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
