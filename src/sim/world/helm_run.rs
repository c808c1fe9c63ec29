//! `helm ...` in the world: the simulated Helm client, pointed at the cluster
//! of the current kubeconfig context, as the real helm would be.

use tokio::sync::mpsc;

use super::{World, WorldOutput, send};
use crate::sim::helm::{HelmEnv, HelmOutput};

impl World {
    /// Run one helm command (the words after `helm`) on the current
    /// context's cluster; returns its exit code.
    pub async fn helm(&self, args: &[String], out: &mpsc::Sender<WorldOutput>) -> i32 {
        self.helm_on(None, args, out).await
    }

    /// Run one helm command on the cluster of `context` (as `helm
    /// --kube-context` would), or of the current context for None.
    pub async fn helm_on(
        &self,
        context: Option<&str>,
        args: &[String],
        out: &mpsc::Sender<WorldOutput>,
    ) -> i32 {
        let output = self.helm_now(context, args);
        for line in output.stdout.lines().chain(output.stderr.lines()) {
            send(out, line).await;
        }
        output.exit_code
    }

    fn helm_now(&self, context: Option<&str>, args: &[String]) -> HelmOutput {
        let read_file = |path: &str| std::fs::read_to_string(path).ok();
        let context = context
            .map(str::to_string)
            .or_else(|| self.current_context());
        let store = context
            .as_deref()
            .and_then(|c| self.clusters().get(c).map(|e| e.cluster.store().clone()));
        let mut helm = self.helm.lock().unwrap_or_else(|e| e.into_inner());
        match &store {
            Some(store) => {
                // No rebase between reading the time and the writes.
                let _time = store.hold_time();
                let env = HelmEnv::new(store.clock().now())
                    .with_version(self.opts.helm_version.clone())
                    .with_cluster(store)
                    .with_files(&read_file);
                helm.run(args, &env)
            }
            None => {
                // No cluster behind the current context: repositories still
                // work, and installs fail as helm's do.
                let mut env = HelmEnv::new(jiff::Timestamp::now())
                    .with_version(self.opts.helm_version.clone())
                    .with_files(&read_file);
                env.unreachable_reason = match &context {
                    Some(c) => format!("the cluster of context {c:?} does not exist"),
                    None => "no current context in the kubeconfig".to_string(),
                };
                helm.run(args, &env)
            }
        }
    }
}
