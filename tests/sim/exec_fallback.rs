//! `kubectl exec` in trinetes' built-in kubectl fallback (no kubectl on
//! PATH): the same `pods/exec` endpoint through kube-rs, with the real
//! kubectl's lines and exit codes; `-i`/`-t` are refused with a reason.

use serde_json::json;
use trinetes::backend::kubectl_fallback;

use crate::support::apiserver::{Sim, deployment, pod, seed};

async fn fallback(sim: &Sim, command: &str) -> (i32, Vec<String>) {
    let words: Vec<String> = shell_words::split(command).expect("words");
    let outcome = kubectl_fallback::run(Some(&sim.url()), &words).await;
    (outcome.code, outcome.lines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_prints_the_output_and_exits_with_the_commands_code() {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "node-a", "10.0.1.5"));
    seed(&sim.store, "Deployment", deployment("web", 1));
    assert_eq!(
        fallback(&sim, "kubectl exec web-1 -- hostname").await,
        (0, vec!["web-1".to_string()])
    );
    assert_eq!(
        fallback(&sim, "kubectl exec deploy/web -- cat /etc/hostname").await,
        (0, vec!["web-1".to_string()])
    );
    assert_eq!(
        fallback(&sim, "kubectl exec web-1 -- sh -c 'echo out; cat /nope'").await,
        (
            1,
            vec![
                "out".to_string(),
                "cat: /nope: No such file or directory".to_string(),
                "command terminated with exit code 1".to_string()
            ]
        )
    );
    let (code, lines) = fallback(&sim, "kubectl exec web-1 -- nope").await;
    assert_eq!(code, 1);
    assert!(
        lines.last().is_some_and(|l| l
            .starts_with("error: Internal error occurred: error executing command in container")
            && l.contains("exec: \"nope\": executable file not found in $PATH")),
        "{lines:?}"
    );
    sim.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_errors_read_like_kubectls() {
    let sim = Sim::start().await;
    seed(&sim.store, "Pod", pod("web-1", "web", "node-a", "10.0.1.5"));
    let mut done = pod("done", "done", "node-a", "10.0.1.6");
    done["status"] = json!({"phase": "Succeeded"});
    seed(&sim.store, "Pod", done);
    for (command, expected) in [
        (
            "kubectl exec ghost -- ls",
            "Error from server (NotFound): pods \"ghost\" not found",
        ),
        (
            "kubectl exec web-1 -c nope -- ls",
            "Error from server (BadRequest): container nope is not valid for pod web-1",
        ),
        (
            "kubectl exec done -- ls",
            "error: cannot exec into a container in a completed pod; current phase is Succeeded",
        ),
        (
            "kubectl exec web-1 --",
            "error: you must specify at least one command for the container",
        ),
    ] {
        assert_eq!(
            fallback(&sim, command).await,
            (1, vec![expected.to_string()]),
            "{command}"
        );
    }
    let (code, lines) = fallback(&sim, "kubectl exec -it web-1 -- sh").await;
    assert_eq!(code, 1);
    assert!(
        lines[0].contains("without a terminal or stdin"),
        "{lines:?}"
    );
    sim.stop().await;
}
