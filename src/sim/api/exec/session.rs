//! One exec, whatever carries it: what the client sent comes in as
//! [`Input`], what the process writes goes out as [`Output`], and the end is
//! the `Status` the error channel carries (the remote command protocol v4+).
//!
//! - `-it` with a shell: a prompt, the line discipline of [`super::tty`],
//!   one line at a time through the container's shell.
//! - `-i` with a shell and no TTY: the lines of stdin run as they come.
//! - anything else: stdin (when asked for) is read to its end, then the
//!   command runs once.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use super::tty::{self, Event, LineEditor};
use crate::sim::container::{self, Container, Exit};

/// What the client sends, taken out of its transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin(Vec<u8>),
    /// The client finished writing stdin (v5's close frame, a SPDY FIN).
    StdinClosed,
    /// The terminal's new size (channel 4); accepted, nothing depends on it.
    Resize {
        width: u16,
        height: u16,
    },
}

/// What goes back to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout(Vec<u8>),
    Stderr(Vec<u8>),
}

/// What the client asked for in the query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub command: Vec<String>,
    pub container: Option<String>,
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
}

/// Stdin beyond this is dropped: the simulated commands read files of a few
/// kilobytes, and a runaway pipe must not fill the server's memory.
pub const MAX_STDIN: usize = 8 * 1024 * 1024;

/// The client went away before the command ended.
#[derive(Debug)]
pub struct Gone;

/// Runs the command to its end and returns the Status for the error channel.
pub async fn run(
    container: &Container,
    options: &Options,
    input: &mut mpsc::Receiver<Input>,
    output: &mpsc::Sender<Output>,
) -> Result<Value, Gone> {
    let out = Writer { output, options };
    let shell = container.is_shell(&options.command);
    if shell && options.stdin && options.tty {
        return interactive(container, options, input, &out).await;
    }
    if shell && options.stdin {
        return line_by_line(container, options, input, &out).await;
    }
    let mut stdin = Vec::new();
    if options.stdin && !options.tty {
        loop {
            match input.recv().await {
                Some(Input::Stdin(bytes)) => {
                    let room = MAX_STDIN.saturating_sub(stdin.len());
                    stdin.extend_from_slice(&bytes[..bytes.len().min(room)]);
                }
                Some(Input::StdinClosed) => break,
                Some(Input::Resize { .. }) => {}
                None => return Err(Gone),
            }
        }
    }
    let result = container.exec_on(&options.command, &stdin, options.tty);
    out.process(&result).await?;
    Ok(status(&options.command, container, &result.exit))
}

/// `kubectl exec -it POD -- sh`.
async fn interactive(
    container: &Container,
    options: &Options,
    input: &mut mpsc::Receiver<Input>,
    out: &Writer<'_>,
) -> Result<Value, Gone> {
    let mut shell = container.shell_for(&options.command);
    let mut editor = LineEditor::new();
    let mut last = Exit::Code(0);
    out.stdout(shell.prompt().into_bytes()).await?;
    loop {
        let bytes = match input.recv().await {
            Some(Input::Stdin(bytes)) => bytes,
            Some(Input::Resize { .. }) => continue,
            Some(Input::StdinClosed) => return Ok(status(&options.command, container, &last)),
            None => return Err(Gone),
        };
        for event in editor.feed(&bytes) {
            match event {
                Event::Echo(echo) => out.stdout(echo).await?,
                Event::Line(line) => {
                    let (result, leave) = shell.run_line(&line);
                    out.process(&result).await?;
                    last = Exit::Code(result.exit.code());
                    if leave {
                        return Ok(status(&options.command, container, &last));
                    }
                    out.stdout(shell.prompt().into_bytes()).await?;
                }
                Event::Interrupt => {
                    last = Exit::Code(130);
                    out.stdout(shell.prompt().into_bytes()).await?;
                }
                Event::Eof => {
                    // sh says goodbye the way bash does when it reads EOF.
                    out.stdout(b"exit\r\n".to_vec()).await?;
                    return Ok(status(&options.command, container, &last));
                }
            }
        }
    }
}

/// `echo 'ls /etc' | kubectl exec -i POD -- sh`: no prompt, no echo.
async fn line_by_line(
    container: &Container,
    options: &Options,
    input: &mut mpsc::Receiver<Input>,
    out: &Writer<'_>,
) -> Result<Value, Gone> {
    let mut shell = container.shell_for(&options.command);
    let mut pending: Vec<u8> = Vec::new();
    let mut last = Exit::Code(0);
    loop {
        let closed = match input.recv().await {
            Some(Input::Stdin(bytes)) => {
                let room = MAX_STDIN.saturating_sub(pending.len());
                pending.extend_from_slice(&bytes[..bytes.len().min(room)]);
                false
            }
            Some(Input::StdinClosed) => true,
            Some(Input::Resize { .. }) => continue,
            None => return Err(Gone),
        };
        let mut lines: Vec<String> = Vec::new();
        while let Some(end) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            lines.push(String::from_utf8_lossy(&line[..end]).into_owned());
        }
        if closed && !pending.is_empty() {
            lines.push(String::from_utf8_lossy(&std::mem::take(&mut pending)).into_owned());
        }
        for line in lines {
            let (result, leave) = shell.run_line(&line);
            out.process(&result).await?;
            last = Exit::Code(result.exit.code());
            if leave {
                return Ok(status(&options.command, container, &last));
            }
        }
        if closed {
            return Ok(status(&options.command, container, &last));
        }
    }
}

/// Sends only the streams the client asked for; with a TTY, stderr shares
/// the terminal and lines end in CR LF.
struct Writer<'a> {
    output: &'a mpsc::Sender<Output>,
    options: &'a Options,
}

impl Writer<'_> {
    async fn stdout(&self, bytes: Vec<u8>) -> Result<(), Gone> {
        if bytes.is_empty() || !self.options.stdout {
            return Ok(());
        }
        self.output
            .send(Output::Stdout(bytes))
            .await
            .map_err(|_| Gone)
    }

    async fn process(&self, result: &container::Output) -> Result<(), Gone> {
        if self.options.tty {
            let mut both = tty::crlf(&result.stdout);
            both.extend(tty::crlf(&result.stderr));
            return self.stdout(both).await;
        }
        self.stdout(result.stdout.clone()).await?;
        if self.options.stderr && !result.stderr.is_empty() {
            let bytes = result.stderr.clone();
            self.output
                .send(Output::Stderr(bytes))
                .await
                .map_err(|_| Gone)?;
        }
        Ok(())
    }
}

/// The Status that ends an exec, as the kubelet writes it: Success, a
/// NonZeroExitCode failure whose `ExitCode` cause kubectl exits with, or
/// the runtime's error when the process could not start.
pub fn status(command: &[String], container: &Container, exit: &Exit) -> Value {
    match exit {
        Exit::Code(0) => json!({"metadata": {}, "status": "Success"}),
        Exit::Code(code) => json!({
            "metadata": {},
            "status": "Failure",
            "message": format!(
                "command terminated with non-zero exit code: error executing command [{}], exit code {code}",
                command.join(" ")
            ),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
        }),
        Exit::StartFailed(why) => {
            let cause = format!(
                "error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: {why}: unknown",
                exec_id(command, container)
            );
            json!({
                "metadata": {},
                "status": "Failure",
                "message": format!("Internal error occurred: {cause}"),
                "reason": "InternalError",
                "details": {"causes": [{"message": cause}]},
                "code": 500,
            })
        }
    }
}

/// containerd names each exec with 64 hex digits; ours are stable per command.
fn exec_id(command: &[String], container: &Container) -> String {
    let mut hash = Sha256::new();
    hash.update(container.name().as_bytes());
    for arg in command {
        hash.update([0]);
        hash.update(arg.as_bytes());
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
