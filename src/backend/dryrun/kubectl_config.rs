//! `kubectl config` on a machine without kubectl: the world's kubeconfig is
//! trinetes's own file, so trinetes switches its context itself.

use tokio::sync::mpsc;

use super::DryRunBackend;
use crate::backend::{BackendError, CommandExit, StepEvent, kubectl_fallback};
use crate::sim::kubeconfig;

impl DryRunBackend {
    /// `kubectl config` without kubectl installed: the world's kubeconfig
    /// is trinetes's own file, so trinetes switches its context itself.
    pub(super) async fn kubectl_config(
        &self,
        words: &[String],
        events: &mpsc::Sender<StepEvent>,
    ) -> Result<CommandExit, BackendError> {
        let args: Vec<&str> = words[2..].iter().map(String::as_str).collect();
        let (lines, code) = match args.as_slice() {
            ["use-context", name] => {
                if self.world.contexts().iter().any(|(c, _)| c == name) {
                    match kubeconfig::set_current_context(self.world.kubeconfig_path(), Some(name))
                    {
                        Ok(()) => (vec![format!("Switched to context \"{name}\".")], 0),
                        Err(e) => (vec![format!("error: {e}")], 1),
                    }
                } else {
                    (
                        vec![format!(
                            "error: no context exists with the name: \"{name}\""
                        )],
                        1,
                    )
                }
            }
            ["current-context"] => match self.world.current_context() {
                Some(context) => (vec![context], 0),
                None => (vec!["error: current-context is not set".to_string()], 1),
            },
            _ => (
                vec![
                    kubectl_fallback::notice(),
                    format!(
                        "error: only `kubectl config use-context NAME` and `kubectl config current-context` work without kubectl installed, not `{}`",
                        words.join(" ")
                    ),
                ],
                1,
            ),
        };
        for line in lines {
            let _ = events.send(StepEvent::Output(line)).await;
        }
        Ok(CommandExit { code: Some(code) })
    }
}
