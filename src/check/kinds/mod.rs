//! How each check kind is evaluated, one file per kind. A kind is registered
//! with one line in the `evaluators!` list below; its fields, parsing and
//! sentence live on the lesson side, in `src/lesson/checks/`.

use std::time::Duration;

use super::{CheckContext, CheckError};
use crate::lesson::CheckKind;

/// How one check kind is evaluated.
pub(crate) trait Evaluate {
    /// Waits until the check's condition holds, answering what was seen, or
    /// fails when `timeout` ends or the check cannot be evaluated here.
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError>;
}

/// Declares the evaluators, `module::Kind` one line each, where `Kind` is both
/// the [`CheckKind`] variant and the lesson type the module implements
/// [`Evaluate`] for.
macro_rules! evaluators {
    ($($module:ident :: $kind:ident,)*) => {
        $(mod $module;)*

        /// Runs a check of any kind until it holds or `timeout` ends.
        pub(super) async fn until_holds(
            kind: &CheckKind,
            ctx: &CheckContext,
            timeout: Duration,
        ) -> Result<String, CheckError> {
            match kind {
                $(CheckKind::$kind(check) => check.until_holds(ctx, timeout).await,)*
            }
        }
    };
}

evaluators! {
    nodes_ready::NodesReady,
    deployment::Deployment,
    pods::Pods,
    service::Service,
    configmap_key::ConfigMapKey,
    eks_cluster::EksCluster,
    eks_nodegroup::EksNodegroup,
    http::Http,
    absent::Absent,
    kubeconfig_context::KubeconfigContext,
}

#[cfg(test)]
pub(crate) mod tests {
    /// A Kubernetes object (or a list of them) from `tests/fixtures/k8s/`.
    pub(crate) fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!("{}/tests/fixtures/k8s/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        serde_norway::from_str(&text).expect("fixture parses")
    }
}
