//! `kubeconfig-context`: polls the kubeconfig's `current-context`. A file is
//! not watchable the way API objects are, and it changes only when a command
//! rewrites it, so a gentle poll is enough.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, poll_until};
use crate::lesson::checks::KubeconfigContext;

const EVERY: Duration = Duration::from_millis(200);

impl Evaluate for KubeconfigContext {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let files = match &ctx.kubeconfig {
            Some(path) => vec![path.clone()],
            None => users_kubeconfig(),
        };
        poll_until(timeout, EVERY, "no kubeconfig read yet".into(), || {
            let files = files.clone();
            async move { evaluate(self, current_context(&files)) }
        })
        .await
    }
}

/// The files kubectl reads: `KUBECONFIG`'s list, else `~/.kube/config`.
fn users_kubeconfig() -> Vec<PathBuf> {
    match std::env::var_os("KUBECONFIG") {
        Some(list) if !list.is_empty() => std::env::split_paths(&list).collect(),
        _ => std::env::var_os("HOME")
            .map(|home| vec![Path::new(&home).join(".kube").join("config")])
            .unwrap_or_default(),
    }
}

/// The current context as kubectl picks it: from the first file that sets
/// one. `Err` says why there is none.
fn current_context(files: &[PathBuf]) -> Result<String, String> {
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let doc: serde_norway::Value = serde_norway::from_str(&text)
            .map_err(|e| format!("{} is not valid YAML: {e}", file.display()))?;
        if let Some(name) = doc.get("current-context").and_then(|v| v.as_str())
            && !name.is_empty()
        {
            return Ok(name.to_string());
        }
    }
    Err("no current context is set".to_string())
}

fn evaluate(check: &KubeconfigContext, current: Result<String, String>) -> Evaluation {
    match current {
        Ok(name) => Evaluation::new(
            name.contains(&check.contains),
            format!("current context {name}"),
        ),
        Err(why) => Evaluation::new(false, why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check() -> KubeconfigContext {
        KubeconfigContext {
            contains: "tcb-cluster.us-east-1.eksctl.io".into(),
        }
    }

    #[test]
    fn the_first_file_that_sets_a_context_decides() {
        let dir = tempfile::tempdir().expect("temp dir");
        let empty = dir.path().join("empty");
        let kind = dir.path().join("kind");
        let eks = dir.path().join("eks");
        std::fs::write(&empty, "apiVersion: v1\ncurrent-context: \"\"\n").expect("write");
        std::fs::write(&kind, "current-context: kind-trinetes\n").expect("write");
        std::fs::write(
            &eks,
            "current-context: learner@tcb-cluster.us-east-1.eksctl.io\n",
        )
        .expect("write");
        let missing = dir.path().join("missing");

        let seen = evaluate(&check(), current_context(&[missing.clone(), empty.clone(), eks.clone()]));
        assert!(seen.holds, "{seen:?}");
        assert_eq!(seen.seen, "current context learner@tcb-cluster.us-east-1.eksctl.io");

        let seen = evaluate(&check(), current_context(&[kind, eks]));
        assert!(!seen.holds);
        assert_eq!(seen.seen, "current context kind-trinetes");

        let seen = evaluate(&check(), current_context(&[missing, empty]));
        assert!(!seen.holds);
        assert_eq!(seen.seen, "no current context is set");
    }
}
