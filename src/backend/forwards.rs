//! The port-forwards a backend holds open: `kubectl port-forward` steps are
//! carried out by trinetes itself with kube-rs (bound to 127.0.0.1), on the
//! dry-run backend and the real ones alike, so a forward outlives its step
//! and ends with its lesson.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::mpsc;

use super::portforward::{self, ForwardStatus, PortForward, PortForwardArgs};
use super::{CommandExit, StepEvent};

/// The open forwards of one backend.
#[derive(Default)]
pub struct Forwards {
    open: Mutex<Vec<PortForward>>,
}

impl Forwards {
    fn guard(&self) -> MutexGuard<'_, Vec<PortForward>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Carries out `kubectl port-forward ...` (`words` from `kubectl` on)
    /// with `client`, in `default_namespace` unless the words name one.
    /// Prints what kubectl would, and how to reach it.
    pub async fn open(
        &self,
        client: Option<kube::Client>,
        default_namespace: &str,
        words: &[String],
        events: &mpsc::Sender<StepEvent>,
    ) -> CommandExit {
        let say = |line: String| async move {
            let _ = events.send(StepEvent::Output(line)).await;
        };
        let args = match portforward::parse_args(words) {
            Ok(a) => a,
            Err(e) => {
                say(format!("error: {e}")).await;
                return CommandExit { code: Some(1) };
            }
        };
        let Some(client) = client else {
            say(
                "error: no cluster to forward to: the kubeconfig has no usable current context"
                    .to_string(),
            )
            .await;
            return CommandExit { code: Some(1) };
        };
        // Running the same command again replaces its own forward, rather
        // than moving to the next port because of it.
        self.stop_where(|f| f.args == args).await;
        match portforward::start(client, default_namespace, &args).await {
            Ok(forward) => {
                say(forward.describe(args.remote_port)).await;
                say(format!(
                    "Open http://{} in a browser; the forward runs in the background until the lesson ends.",
                    forward.local
                ))
                .await;
                self.guard().push(forward);
                CommandExit { code: Some(0) }
            }
            Err(e) => {
                say(format!("error: {e}")).await;
                CommandExit { code: Some(1) }
            }
        }
    }

    async fn stop_where(&self, which: impl Fn(&PortForward) -> bool) {
        let stopping: Vec<PortForward> = {
            let mut open = self.guard();
            let (stop, keep) = std::mem::take(&mut *open)
                .into_iter()
                .partition(|f| which(f));
            *open = keep;
            stop
        };
        for f in stopping {
            f.stop().await;
        }
    }

    /// Closes every forward.
    pub async fn stop_all(&self) {
        self.stop_where(|_| true).await;
    }

    /// What the status bar shows.
    pub fn statuses(&self) -> Vec<ForwardStatus> {
        self.guard().iter().map(PortForward::status).collect()
    }

    /// The local addresses of the open forwards.
    pub fn addresses(&self) -> Vec<SocketAddr> {
        self.guard().iter().map(|f| f.local).collect()
    }

    /// Ports asked for but taken, with the port used instead (checks follow).
    pub fn moved_ports(&self) -> BTreeMap<u16, u16> {
        self.guard()
            .iter()
            .filter_map(|f| Some((f.wanted_port_taken?, f.local.port())))
            .collect()
    }

    /// The arguments of each open forward.
    pub fn args(&self) -> Vec<PortForwardArgs> {
        self.guard().iter().map(|f| f.args.clone()).collect()
    }
}
