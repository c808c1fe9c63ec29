//! Which cluster a dry-run step talks to: the one its lesson names, whatever
//! the world's current context is. kubectl is aimed at it through a
//! KUBECONFIG that lists a one-line file naming its context first.

use std::path::PathBuf;

use super::DryRunBackend;
use crate::lesson::Step;
use crate::sim::kubeconfig;
use crate::sim::world::PRACTICE_CONTEXT;

/// The lesson `cluster` that names the profile's EKS cluster.
const EKS_CLUSTER: &str = "eks";

/// Where a step's commands go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// No particular cluster: the world's current context, as a user's
    /// own terminal would use.
    Current,
    /// A running cluster, by its context.
    Running { context: String },
    /// The lesson's cluster does not exist (not created yet, or deleted).
    Missing { name: String },
}

impl DryRunBackend {
    /// Where a step's commands go: its lesson's cluster.
    pub(super) fn target(&self, step: &Step) -> Target {
        let running = |context: Option<String>, name: &str| match context {
            Some(context) => Target::Running { context },
            None => Target::Missing {
                name: name.to_string(),
            },
        };
        match step.cluster.as_deref() {
            Some(EKS_CLUSTER) => {
                // The profile's cluster first; a lesson folder of its own may
                // name its cluster differently, so any EKS cluster after that.
                let name = self.eks_cluster.as_deref();
                let context = self
                    .world
                    .eks_context(name)
                    .or_else(|| self.world.eks_context(None));
                running(context, name.unwrap_or("the EKS cluster"))
            }
            _ => running(
                self.world
                    .context_url(PRACTICE_CONTEXT)
                    .map(|_| PRACTICE_CONTEXT.to_string()),
                PRACTICE_CONTEXT,
            ),
        }
    }

    /// The API server URL the target's commands and checks use.
    pub(super) fn target_url(&self, target: &Target) -> Option<String> {
        match target {
            Target::Current => self.world.current_cluster_url(),
            Target::Running { context } => self.world.context_url(context),
            Target::Missing { .. } => None,
        }
    }

    /// The environment of `command` aimed at `target`. `kubectl config`
    /// edits the world's own file (the learner's), so a command that uses
    /// it sees that file alone.
    pub(super) fn env_for(&self, target: &Target, command: &str) -> Vec<(String, String)> {
        let world_file = self.world.kubeconfig_path().display().to_string();
        let kubeconfig = match target {
            Target::Running { context } if !command.contains("kubectl config") => {
                match self.context_overlay(context) {
                    Ok(overlay) => format!("{}:{world_file}", overlay.display()),
                    Err(e) => {
                        tracing::warn!("cannot write the kubeconfig for {context}: {e}");
                        world_file
                    }
                }
            }
            _ => world_file,
        };
        // Go's garbage collector at a quarter of its default frequency:
        // kubectl (a Go program started for nearly every step) spends less
        // of its short life collecting, for a few MB more. Nothing it sends
        // or prints changes. A GOGC of the user's own is kept.
        let go_gc = std::env::var_os("GOGC")
            .is_none()
            .then(|| ("GOGC".to_string(), "400".to_string()));
        vec![
            ("KUBECONFIG".into(), kubeconfig),
            ("AWS_ENDPOINT_URL_EKS".into(), self.world.eks_url()),
            (
                "AWS_ACCESS_KEY_ID".into(),
                crate::aws::TEST_ACCESS_KEY_ID.into(),
            ),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_DEFAULT_REGION".into(), self.world.region().into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ]
        .into_iter()
        .chain(go_gc)
        .chain(
            self.path
                .as_ref()
                .map(|p| ("PATH".to_string(), p.to_string_lossy().into_owned())),
        )
        .collect()
    }

    /// The one-line kubeconfig that makes `context` current.
    fn context_overlay(&self, context: &str) -> std::io::Result<PathBuf> {
        let file: String = context
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self
            .world
            .dir()
            .join("contexts")
            .join(format!("{file}.yaml"));
        kubeconfig::write_context_overlay(&path, context)?;
        Ok(path)
    }
}
