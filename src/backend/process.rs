//! Runs a shell command as a child process group, streaming its merged output
//! line by line. Cancelling, timing out or dropping the run ends the whole group,
//! so no grandchild (a `kubectl port-forward` started by a script, say) is left
//! behind.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{BackendError, CommandExit, StepEvent};
use crate::redact::Redactor;

/// A command line for `sh -c`, with extra environment.
#[derive(Debug, Clone, Default)]
pub struct ShellCommand {
    pub command: String,
    pub env: Vec<(String, String)>,
    pub dir: Option<PathBuf>,
    /// Masks secrets in every output line before it leaves this module
    /// (the live and context backends, which run with real credentials).
    pub redact: Option<Redactor>,
}

/// How long a cancelled group gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(2);

pub async fn run(
    spec: &ShellCommand,
    events: &mpsc::Sender<StepEvent>,
    cancel: &CancellationToken,
) -> Result<CommandExit, BackendError> {
    let mut expr = duct::cmd("sh", ["-c", spec.command.as_str()])
        .stderr_to_stdout()
        .stdin_null()
        .unchecked()
        .before_spawn(|cmd| {
            cmd.process_group(0);
            Ok(())
        });
    for (k, v) in &spec.env {
        expr = expr.env(k, v);
    }
    if let Some(dir) = &spec.dir {
        expr = expr.dir(dir);
    }
    let reader = expr.reader().map_err(|source| BackendError::Spawn {
        command: spec.command.clone(),
        source,
    })?;
    let group = ProcessGroup(reader.pids().first().copied().map(|p| p as i32));
    let lines = events.clone();
    let redact = spec.redact.clone();
    let reading = tokio::task::spawn_blocking(move || -> std::io::Result<Option<i32>> {
        let mut buffered = BufReader::new(&reader);
        let mut line = Vec::new();
        loop {
            line.clear();
            if buffered.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&line)
                .trim_end_matches(['\n', '\r'])
                .to_string();
            let text = match &redact {
                Some(r) => r.redact(&text),
                None => text,
            };
            if lines.blocking_send(StepEvent::Output(text)).is_err() {
                break;
            }
        }
        drop(buffered);
        Ok(reader.try_wait()?.and_then(|out| out.status.code()))
    });
    tokio::select! {
        joined = reading => {
            group.forget();
            let code = joined
                .map_err(|e| BackendError::Io(std::io::Error::other(e)))?
                .map_err(BackendError::Io)?;
            Ok(CommandExit { code })
        }
        () = cancel.cancelled() => {
            group.terminate().await;
            Err(BackendError::Cancelled)
        }
    }
}

/// The child's process group; dropped while still owned, it is killed.
struct ProcessGroup(Option<i32>);

impl ProcessGroup {
    fn signal(&self, sig: libc::c_int) -> bool {
        match self.0 {
            // SAFETY: kill(2) with a negative pid signals a process group; it has no
            // memory-safety preconditions.
            Some(pgid) => unsafe { libc::kill(-pgid, sig) == 0 },
            None => false,
        }
    }

    async fn terminate(mut self) {
        if self.signal(libc::SIGTERM) {
            let deadline = tokio::time::Instant::now() + GRACE;
            while tokio::time::Instant::now() < deadline && self.signal(0) {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            self.signal(libc::SIGKILL);
        }
        self.0 = None;
    }

    fn forget(mut self) {
        self.0 = None;
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        self.signal(libc::SIGKILL);
    }
}
