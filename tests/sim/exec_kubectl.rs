//! The machine's real `kubectl exec` against the simulated API server, over
//! the WebSocket kubectl 1.32 asks for first (`v5.channel.k8s.io`) and over
//! the SPDY upgrade it falls back to: output, exit codes, stdin, and the
//! errors a real cluster gives.

use std::time::Duration;

use serde_json::json;

use crate::support::apiserver::{Sim, deployment, pod, seed};
use crate::support::kubectl::{self, Output};

/// How kubectl reaches the server for the exec.
#[derive(Clone, Copy, Debug)]
enum Transport {
    /// kubectl 1.32's default; checked from its log, so a silent fallback fails.
    WebSocket,
    /// `KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false`: a POST upgraded to SPDY/3.1.
    Spdy,
}

const BOTH: [Transport; 2] = [Transport::WebSocket, Transport::Spdy];

async fn sim_with_pods() -> Sim {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "node-a", "10.0.1.5"));
    sim
}

/// `kubectl exec -v=4 ARGS`; over the WebSocket, kubectl's log must show
/// it did not fall back to SPDY.
async fn exec(sim: &Sim, transport: Transport, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut all = vec!["exec", "-v=4"];
    all.extend_from_slice(args);
    let out = run(sim, transport, &all, stdin).await;
    match transport {
        Transport::WebSocket => assert!(
            !out.stderr.contains("RemoteCommand fallback"),
            "kubectl fell back from the WebSocket: {}",
            out.stderr
        ),
        Transport::Spdy => assert!(
            !out.stderr.contains("The subprotocol is"),
            "kubectl used a WebSocket: {}",
            out.stderr
        ),
    }
    out
}

/// `kubectl exec ARGS` without a log, for the errors: each makes kubectl
/// 1.32 retry over SPDY, as it does against a real cluster.
async fn exec_refused(sim: &Sim, transport: Transport, args: &[&str]) -> Output {
    let mut all = vec!["exec"];
    all.extend_from_slice(args);
    run(sim, transport, &all, None).await
}

async fn run(sim: &Sim, transport: Transport, all: &[&str], stdin: Option<&[u8]>) -> Output {
    let env: &[(&str, &str)] = match transport {
        Transport::WebSocket => &[],
        Transport::Spdy => &[("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false")],
    };
    kubectl::run_with_stdin(sim.dir.path(), all, env, stdin, Duration::from_secs(60)).await
}

/// kubectl's own lines (`-v=4` logs start with a klog header) left out.
fn messages(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !is_klog(l))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_klog(line: &str) -> bool {
    let mut chars = line.chars();
    matches!(chars.next(), Some('I' | 'W' | 'E'))
        && line
            .get(1..5)
            .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_prints_and_exits_zero_over_both_transports() {
    let sim = sim_with_pods().await;
    for transport in BOTH {
        let out = exec(&sim, transport, &["web-1", "--", "hostname"], None).await;
        assert_eq!(out.status, 0, "{transport:?}: {}", out.stderr);
        assert_eq!(out.stdout, "web-1\n", "{transport:?}");
        if matches!(transport, Transport::WebSocket) {
            assert!(
                out.stderr.contains("The subprotocol is v5.channel.k8s.io"),
                "kubectl negotiated v5: {}",
                out.stderr
            );
        }
        let out = exec(
            &sim,
            transport,
            &["web-1", "--", "cat", "/etc/hostname"],
            None,
        )
        .await;
        assert_eq!(
            (out.status, out.stdout.as_str()),
            (0, "web-1\n"),
            "{transport:?}"
        );
    }
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_exits_with_the_commands_exit_code() {
    let sim = sim_with_pods().await;
    for transport in BOTH {
        let out = exec(
            &sim,
            transport,
            &["web-1", "--", "sh", "-c", "exit 3"],
            None,
        )
        .await;
        assert_eq!(out.status, 3, "{transport:?}: {}", out.stderr);
        assert_eq!(
            messages(&out.stderr),
            "command terminated with exit code 3",
            "{transport:?}"
        );
        let out = exec(&sim, transport, &["web-1", "--", "cat", "/nope"], None).await;
        assert_eq!(out.status, 1, "{transport:?}");
        assert_eq!(
            messages(&out.stderr),
            "cat: /nope: No such file or directory\ncommand terminated with exit code 1",
            "{transport:?}: stderr goes to stderr, then kubectl's line"
        );
        assert_eq!(out.stdout, "");
    }
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_the_image_lacks_fails_as_containerd_says() {
    let sim = sim_with_pods().await;
    for transport in BOTH {
        let out = exec(&sim, transport, &["web-1", "--", "nope"], None).await;
        assert_eq!(out.status, 1, "{transport:?}");
        let err = messages(&out.stderr);
        assert!(
            err.starts_with("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"")
                && err.ends_with("\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"nope\": executable file not found in $PATH: unknown"),
            "{transport:?}: {err}"
        );
    }
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_reaches_the_command() {
    let sim = sim_with_pods().await;
    for transport in BOTH {
        let out = exec(
            &sim,
            transport,
            &["-i", "web-1", "--", "cat"],
            Some(b"hi\nthere\n"),
        )
        .await;
        assert_eq!(
            (out.status, out.stdout.as_str()),
            (0, "hi\nthere\n"),
            "{transport:?}: {}",
            out.stderr
        );
        let script = b"echo one\nhostname\nexit 4\necho never\n";
        let out = exec(&sim, transport, &["-i", "web-1", "--", "sh"], Some(script)).await;
        assert_eq!(out.stdout, "one\nweb-1\n", "{transport:?}: {}", out.stderr);
        assert_eq!(out.status, 4, "{transport:?}: sh left with `exit 4`");
    }
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_finds_the_pod_of_a_deployment() {
    let sim = sim_with_pods().await;
    seed(&sim.store, "Deployment", deployment("web", 1));
    let out = sim.kubectl(&["exec", "deploy/web", "--", "hostname"]).await;
    assert_eq!(
        (out.status, out.stdout.as_str()),
        (0, "web-1\n"),
        "{}",
        out.stderr
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_read_as_on_a_real_cluster() {
    let sim = sim_with_pods().await;
    // Not scheduled: no node.
    let mut pending = pod("stuck", "stuck", "", "");
    pending["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("nodeName");
    pending["status"] = json!({"phase": "Pending"});
    seed(&sim.store, "Pod", pending);
    // Scheduled, its container still being created.
    let mut creating = pod("creating", "creating", "node-a", "10.0.1.6");
    creating["status"] = json!({"phase": "Pending", "containerStatuses": [{"name": "creating", "ready": false, "restartCount": 0,
        "image": "nginx:1.27", "state": {"waiting": {"reason": "ContainerCreating"}}}]});
    seed(&sim.store, "Pod", creating);
    for transport in BOTH {
        let cases: [(&[&str], &str); 4] = [
            (
                &["ghost", "--", "ls"],
                "Error from server (NotFound): pods \"ghost\" not found",
            ),
            (
                &["stuck", "--", "ls"],
                "Error from server (BadRequest): pod stuck does not have a host assigned",
            ),
            (
                &["creating", "--", "ls"],
                "error: unable to upgrade connection: container not found (\"creating\")",
            ),
            (
                &["web-1", "--"],
                "error: you must specify at least one command for the container",
            ),
        ];
        for (args, expected) in cases {
            let out = exec_refused(&sim, transport, args).await;
            assert_eq!(out.status, 1, "{transport:?} {args:?}");
            assert_eq!(out.stderr.trim_end(), expected, "{transport:?} {args:?}");
        }
        let out = exec_refused(&sim, transport, &["web-1", "-c", "nope", "--", "ls"]).await;
        assert_eq!(out.status, 1, "{transport:?}");
        assert!(
            out.stderr
                .contains("container nope is not valid for pod web-1"),
            "{transport:?}: {}",
            out.stderr
        );
    }
    sim.stop().await;
}
