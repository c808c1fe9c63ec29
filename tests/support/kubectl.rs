//! The machine's `kubectl` run against a simulated API server: a private
//! kubeconfig, cache and HOME in the test's folder, no stdin, and a time
//! limit so a hung kubectl fails the test instead of stalling it.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// What one kubectl run printed and how it exited (-1: killed by a signal).
pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `kubectl ARGS` with `DIR/kubeconfig`, `DIR/cache` and HOME=`DIR`,
/// plus `env`; fails the test when kubectl is missing or outlives `limit`.
pub async fn run(dir: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    run_with_stdin(dir, args, env, None, limit).await
}

/// As [`run`], with `stdin` piped in (then closed) instead of no stdin.
pub async fn run_with_stdin(
    dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&[u8]>,
    limit: Duration,
) -> Output {
    let mut cmd = tokio::process::Command::new("kubectl");
    cmd.args(args)
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env("KUBECACHEDIR", dir.join("cache"))
        .env("HOME", dir)
        .env_remove("KUBECTL_EXTERNAL_DIFF")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("kubectl could not be run ({e}): install kubectl 1.32"));
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        // Written on the side: kubectl may answer before it has read it all.
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            let _ = pipe.write_all(&bytes).await;
        });
    }
    let out = tokio::time::timeout(limit, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("kubectl {args:?} did not finish within {limit:?}"))
        .expect("kubectl output");
    Output {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
