//! `kubectl exec POD -- CMD` in the fallback: the same `pods/exec` the real
//! kubectl reaches (over kube-rs' WebSocket), without stdin or a terminal.
//! The process's output comes back as lines, stdout then stderr, and the
//! command's exit code is the fallback's, as kubectl does it.

use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams};
use tokio::io::AsyncReadExt;

use super::FallbackError;
use super::api::Server;
use super::cmd::ExecArgs;
use super::commands::name_of;
use super::logs::{default_container, pick_pod};

pub(super) async fn exec(
    server: &Server,
    args: &ExecArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let ns = &args.namespace;
    // kubectl exec does not say which of several pods it took.
    let pod = pick_pod(server, ns, &args.target, "execs into", &mut Vec::new()).await?;
    let phase = pod["status"]["phase"].as_str().unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        return Err(FallbackError::Usage(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        )));
    }
    let container = match &args.container {
        Some(c) => Some(c.clone()),
        None => default_container(&pod, out),
    };
    let mut params = AttachParams::default()
        .stdin(false)
        .stdout(true)
        .stderr(true);
    if let Some(c) = container {
        params = params.container(c);
    }
    let pods: Api<Pod> = Api::namespaced(server.client().clone(), ns);
    let mut process = pods
        .exec(name_of(&pod), args.command.clone(), &params)
        .await
        .map_err(refused)?;
    let status = process.take_status();
    let mut stdout = process.stdout();
    let mut stderr = process.stderr();
    // Both read at once: a full pipe would stall the other.
    let (stdout, stderr) = tokio::join!(read_all(stdout.as_mut()), read_all(stderr.as_mut()));
    let status = match status {
        Some(status) => status.await,
        None => None,
    };
    let _ = process.join().await;
    out.extend(stdout.lines().map(str::to_string));
    out.extend(stderr.lines().map(str::to_string));
    let Some(status) = status else {
        return Err(FallbackError::Transport(
            "the exec ended without a status from the server".into(),
        ));
    };
    exit_code(&status, out)
}

async fn read_all<R: tokio::io::AsyncRead + Unpin>(reader: Option<&mut R>) -> String {
    let mut bytes = Vec::new();
    if let Some(r) = reader {
        let _ = r.read_to_end(&mut bytes).await;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Success is 0; NonZeroExitCode gives its code with kubectl's line; any
/// other failure is printed as kubectl prints an error.
fn exit_code(
    status: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Status,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    if status.status.as_deref() == Some("Success") {
        return Ok(0);
    }
    if status.reason.as_deref() == Some("NonZeroExitCode") {
        let code = status
            .details
            .iter()
            .flat_map(|d| d.causes.iter().flatten())
            .find(|c| c.reason.as_deref() == Some("ExitCode"))
            .and_then(|c| c.message.as_deref()?.parse::<i32>().ok());
        if let Some(code) = code {
            out.push(format!("command terminated with exit code {code}"));
            return Ok(code);
        }
    }
    Err(FallbackError::Usage(
        status.message.clone().unwrap_or_default(),
    ))
}

/// A refusal before the upgrade, in kubectl's words where the server gave a
/// Status.
fn refused(e: kube::Error) -> FallbackError {
    match e {
        kube::Error::Api(status) => FallbackError::Server {
            reason: status.reason.clone(),
            message: status.message.clone(),
        },
        kube::Error::UpgradeConnection(u) => {
            FallbackError::Transport(format!("unable to upgrade connection: {u}"))
        }
        other => FallbackError::Transport(other.to_string()),
    }
}
