//! The TUI on the live backend, quitting with what an earlier step left in
//! the ledger (a Helm release and an EKS cluster in moto): "y" runs the
//! cleanup from the TUI (stub helm and eksctl, moto for EKS), which removes
//! the release before the cluster, and trinetes quits with the ledger empty.

use trinetes::aws::EksClient;
use trinetes::ledger::{Ledger, Resource};

use super::cleanup::{DELETING_EKSCTL, file_helm, make_cluster};
use super::stubs::{Stubs, aws_env};
use crate::support::eks::MotoServer;
use crate::support::tmux::{TmuxServer, require_tmux};

#[test]
fn yes_on_quitting_cleans_up_from_the_tui_then_quits() {
    require_tmux();
    let moto = MotoServer::start();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let client = EksClient::for_endpoint(&moto.url(), "us-east-1");
    runtime.block_on(make_cluster(&client, "tcb-cluster"));

    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).expect("state dir");
    let stubs = Stubs::new(dir.path());
    let releases = dir.path().join("releases");
    std::fs::create_dir_all(&releases).expect("releases dir");
    std::fs::write(releases.join("tcb"), "").expect("a release");
    stubs.add("eksctl", DELETING_EKSCTL);
    stubs.add("helm", &file_helm(&releases));

    let ledger = Ledger::in_dir(&state.join("trinetes"));
    ledger
        .record(
            Resource::EksCluster {
                name: "tcb-cluster".into(),
                region: "us-east-1".into(),
            },
            "live",
        )
        .expect("record the cluster");
    ledger
        .record(
            Resource::HelmRelease {
                name: "tcb".into(),
                namespace: "default".into(),
                context: None,
            },
            "live",
        )
        .expect("record the release");

    let mut env: Vec<String> = aws_env(dir.path(), &moto.url())
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    env.extend([
        format!("XDG_STATE_HOME={}", state.display()),
        format!("HOME={}", state.display()),
        "NO_PROXY=127.0.0.1".to_string(),
        "no_proxy=127.0.0.1".to_string(),
        "KUBECONFIG=/nonexistent".to_string(),
    ]);
    let server = TmuxServer::start(&dir.path().join("tmux.sock"), 100, 34, &env);
    // The shell sets its own PATH, so the stubs go on the command line.
    server.type_text(&format!(
        "PATH='{}' {} --backend live; echo trinetes-exited-$?",
        stubs.path(),
        env!("CARGO_BIN_EXE_trinetes")
    ));
    server.keys(&["Enter"]);
    server.wait_for("the alternate screen", |_| server.alternate_on() == "1");

    // The event loop reads the ledger at once; q asks about what is left.
    server.keys(&["q"]);
    // (The window's last line: the whole window is drawn.)
    let asked = server.wait_text("n / Esc: stay");
    assert!(asked.contains("has not seen them removed"), "{asked}");
    assert!(
        asked.contains("Helm release tcb (namespace default)"),
        "{asked}"
    );
    assert!(
        asked.contains("EKS cluster tcb-cluster (us-east-1)"),
        "{asked}"
    );
    assert!(asked.contains("y: clean up, then quit"), "{asked}");
    server.keys(&["y"]);
    let after = server.wait_text("trinetes-exited-0");
    assert!(!after.contains("still billed"), "{after}");

    // Both are gone, the release before the cluster, and the ledger agrees.
    let calls = stubs.calls();
    let uninstall = calls
        .iter()
        .position(|c| c.starts_with("helm uninstall tcb"))
        .unwrap_or_else(|| panic!("helm uninstall ran: {calls:?}"));
    let delete = calls
        .iter()
        .position(|c| c == "eksctl delete cluster --name tcb-cluster --region us-east-1 --wait")
        .unwrap_or_else(|| panic!("eksctl delete cluster ran: {calls:?}"));
    assert!(uninstall < delete, "{calls:?}");
    assert_eq!(
        runtime
            .block_on(client.describe_cluster("tcb-cluster"))
            .expect("moto answers"),
        None
    );
    assert_eq!(ledger.open().expect("the ledger reads"), vec![]);
}

#[test]
fn leaving_them_on_quitting_removes_nothing_and_says_how_to_later() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).expect("state dir");
    let stubs = Stubs::new(dir.path());
    stubs.add("helm", "echo \"unexpected helm call: $*\" >&2; exit 2");
    let ledger = Ledger::in_dir(&state.join("trinetes"));
    ledger
        .record(
            Resource::HelmRelease {
                name: "tcb".into(),
                namespace: "default".into(),
                context: None,
            },
            "live",
        )
        .expect("record the release");
    // EKS at a closed loopback port: nothing to ask there.
    let mut env: Vec<String> = aws_env(dir.path(), "http://127.0.0.1:9")
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    env.extend([
        format!("XDG_STATE_HOME={}", state.display()),
        format!("HOME={}", state.display()),
        "KUBECONFIG=/nonexistent".to_string(),
    ]);
    let server = TmuxServer::start(&dir.path().join("tmux.sock"), 100, 34, &env);
    server.type_text(&format!(
        "PATH='{}' {} --backend live; echo trinetes-exited-$?",
        stubs.path(),
        env!("CARGO_BIN_EXE_trinetes")
    ));
    server.keys(&["Enter"]);
    server.wait_for("the alternate screen", |_| server.alternate_on() == "1");
    server.keys(&["q"]);
    server.wait_text("n / Esc: stay");
    server.keys(&["l"]);
    let after = server.wait_text("trinetes-exited-0");
    assert!(
        after.contains("left in place: Helm release tcb (namespace default)"),
        "{after}"
    );
    assert!(after.contains("`trinetes cleanup` removes them"), "{after}");
    assert!(stubs.calls().is_empty(), "{:?}", stubs.calls());
    assert_eq!(ledger.open().expect("the ledger reads").len(), 1);
}
