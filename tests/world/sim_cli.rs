//! `trinetes sim` through the real binary: it prints two export lines, a
//! kubeconfig the machine's kubectl uses and an EKS endpoint the `aws` CLI
//! uses, and stops cleanly on SIGTERM, taking its context out of the kubeconfig.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::bin::Running;

fn start(state: &std::path::Path, extra: &[&str]) -> Running {
    let mut args = vec!["sim"];
    args.extend_from_slice(extra);
    Running::start(state, &args)
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
    let export = sim
        .wait_for("export KUBECONFIG=", 30)
        .trim_start_matches("export KUBECONFIG=")
        .to_string();
    let eks_endpoint = sim
        .wait_for("export AWS_ENDPOINT_URL_EKS=", 30)
        .trim_start_matches("export AWS_ENDPOINT_URL_EKS=")
        .to_string();
    let printed = sim.seen.clone();
    assert!(
        eks_endpoint.starts_with("http://127.0.0.1:"),
        "{eks_endpoint}"
    );
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

    // The aws CLI reaches the simulated EKS endpoint through the printed URL.
    let listed = crate::support::bin::aws_eks(&eks_endpoint, dir.path(), &["list-clusters"]);
    assert!(
        listed.status.success(),
        "aws eks list-clusters failed: {}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON output");
    assert_eq!(listed["clusters"], serde_json::json!([]));

    sim.signal(libc::SIGTERM);
    let (code, all) = sim.finish(10);
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("Stopped"), "{all}");
    let left = std::fs::read_to_string(&export).unwrap_or_default();
    assert!(
        !left.contains("kind-trinetes"),
        "the context is still in the kubeconfig after exit:\n{left}"
    );
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

#[test]
fn sim_keeps_its_world_and_its_export_lines_across_restarts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    let cache = dir.path().join("cache");
    let run = |then: &dyn Fn(&str)| {
        let mut sim = start(&state, &[]);
        let kubeconfig = sim
            .wait_for("export KUBECONFIG=", 30)
            .trim_start_matches("export KUBECONFIG=")
            .to_string();
        sim.wait_for("export AWS_ENDPOINT_URL_EKS=", 30);
        let printed: Vec<String> = sim
            .seen
            .iter()
            .filter(|l| l.starts_with("export ") || l.starts_with("API server: "))
            .cloned()
            .collect();
        then(&kubeconfig);
        sim.signal(libc::SIGTERM);
        let (code, all) = sim.finish(10);
        assert_eq!(code, Some(0), "{all}");
        printed
    };
    let first = run(&|kubeconfig| {
        let out = kubectl(
            kubeconfig,
            &cache,
            &["create", "configmap", "kept", "--from-literal=a=b"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    let second = run(&|kubeconfig| {
        let out = kubectl(
            kubeconfig,
            &cache,
            &["get", "configmap", "kept", "-o", "jsonpath={.data.a}"],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "b");
    });
    assert_eq!(first.len(), 3, "{first:#?}");
    assert_eq!(first, second, "the export lines changed across a restart");
}
