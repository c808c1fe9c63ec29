//! `trinetes sim` through the real binary: it prints an export line whose
//! kubeconfig the machine's kubectl can use, and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(state: &std::path::Path, extra: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .arg("sim")
        .args(extra)
        .env("XDG_STATE_HOME", state)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the trinetes binary runs");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Running { child, lines }
}

fn kubectl(kubeconfig: &str, cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("KUBECACHEDIR", cache)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("kubectl could not be run ({e}): install kubectl 1.32"))
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..200 {
        if let Some(status) = child.try_wait().expect("wait works") {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("trinetes sim did not exit within 10 s of SIGTERM");
}

#[test]
fn sim_prints_a_kubeconfig_that_kubectl_uses_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = start(
        &dir.path().join("state"),
        &["--nodes", "3", "--node-type", "t3.large"],
    );
    let mut printed = Vec::new();
    let export = loop {
        let line = sim
            .lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no export line; printed so far: {printed:?}"));
        printed.push(line.clone());
        if let Some(path) = line.strip_prefix("export KUBECONFIG=") {
            break path.to_string();
        }
    };
    assert_eq!(
        export,
        dir.path()
            .join("state/trinetes/sim/kubeconfig")
            .to_string_lossy()
    );
    let url = printed
        .iter()
        .find_map(|l| l.strip_prefix("API server: "))
        .expect("the server URL is printed")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let cache = dir.path().join("cache");
    let out = kubectl(
        &export,
        &cache,
        &[
            "get",
            "nodes",
            "--no-headers",
            "-o",
            "custom-columns=NAME:.metadata.name,TYPE:.metadata.labels.node\\.kubernetes\\.io/instance-type,READY:.status.conditions[?(@.type==\"Ready\")].status",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "kubectl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(
            cols[0].starts_with("ip-192-168-") && cols[0].ends_with(".ec2.internal"),
            "{row}"
        );
        assert_eq!(&cols[1..], ["t3.large", "True"], "{row}");
    }

    // SAFETY: kill(2) on the pid of a child this test owns and has not reaped.
    let sent = unsafe { libc::kill(sim.child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0);
    let status = wait_exit(&mut sim.child);
    assert!(status.success(), "exit status {status:?}");
    let rest: Vec<String> = sim.lines.try_iter().collect();
    assert!(rest.iter().any(|l| l.contains("Stopped")), "{rest:?}");
    let port = url.rsplit(':').next().unwrap();
    assert!(
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err(),
        "the API server still listens after exit"
    );
}

#[test]
fn an_unknown_node_type_is_refused_with_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["sim", "--node-type", "t9.huge"])
        .env("XDG_STATE_HOME", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown node type \"t9.huge\"") && stderr.contains("t2.large"),
        "{stderr}"
    );
}

#[test]
fn a_port_in_use_is_reported_clearly() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_trinetes"))
        .args(["sim", "--port", &port])
        .env("XDG_STATE_HOME", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_exit(&mut child);
    assert!(!status.success());
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{stderr}"
    );
}
