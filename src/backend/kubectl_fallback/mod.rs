//! The dry-run backend's built-in stand-in for `kubectl`, used when no
//! kubectl is installed: the commands the lessons use (get, describe, scale,
//! delete, logs, exec, create deployment, expose, set image, rollout), talking to the simulated
//! cluster through kube-rs. Parsing (`cmd`, one file per verb), pure layout
//! (`format`, `describe`, `describe_sections`), API calls (`api`) and the
//! commands themselves (`commands`, `changes`, `logs`, `exec`).

pub mod cmd;
pub mod describe;
pub mod format;

mod api;
mod changes;
mod commands;
mod describe_sections;
mod exec;
mod logs;
mod rollouts;

pub use api::Resource;
pub use cmd::{COVERED, Invocation, parse};

/// Why a fallback command failed; each prints as kubectl would print it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FallbackError {
    /// Bad or unsupported arguments.
    #[error("error: {0}")]
    Usage(String),
    /// A Status from the API server.
    #[error("Error from server ({reason}): {message}")]
    Server { reason: String, message: String },
    /// The server could not be reached, or answered nonsense.
    #[error("error: {0}")]
    Transport(String),
}

/// What a fallback command printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// stdout and stderr lines in the order kubectl would print them.
    pub lines: Vec<String>,
    pub code: i32,
}

/// The first line of every fallback run: what is happening and how to get
/// the real thing.
pub fn notice() -> String {
    format!(
        "kubectl is not installed (no kubectl on PATH), so trinetes answers with its built-in kubectl fallback, which covers {COVERED}. Install kubectl (https://kubernetes.io/docs/tasks/tools/) for the real thing."
    )
}

/// Run `kubectl ...` (the words, `kubectl` first) against the API server at
/// `url`; None means the current context has no running cluster.
pub async fn run(url: Option<&str>, words: &[String]) -> Outcome {
    let invocation = match parse(words) {
        Ok(Invocation::Help(text)) => {
            return Outcome {
                lines: text.trim_end().lines().map(str::to_string).collect(),
                code: 0,
            };
        }
        Ok(i) => i,
        Err(e) => return failed(Vec::new(), &e),
    };
    let Some(url) = url else {
        return failed(
            Vec::new(),
            &FallbackError::Transport(
                "the current kubeconfig context has no running cluster".into(),
            ),
        );
    };
    let client = match crate::check::client_for_url(url) {
        Ok(c) => c,
        Err(e) => return failed(Vec::new(), &FallbackError::Transport(e.to_string())),
    };
    let server = api::Server::new(client, url.to_string());
    let mut lines = Vec::new();
    match commands::execute(&server, &invocation, &mut lines).await {
        Ok(code) => Outcome { lines, code },
        Err(e) => failed(lines, &e),
    }
}

fn failed(mut lines: Vec<String>, e: &FallbackError) -> Outcome {
    lines.push(e.to_string());
    Outcome { lines, code: 1 }
}
