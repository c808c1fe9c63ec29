//! `helm ...` in the world: the simulated Helm, pointed at the cluster of the
//! current kubeconfig context, as the real helm would be.

use tokio::sync::mpsc;

use super::{World, WorldOutput, send};
use crate::sim::helm::HelmEnv;

impl World {
    /// Run one helm command (the words after `helm`); returns its exit code.
    pub async fn helm(&self, args: &[String], out: &mpsc::Sender<WorldOutput>) -> i32 {
        let read_file = |path: &str| std::fs::read_to_string(path).ok();
        let context = self.current_context();
        let output = self.helm_now(args, context.as_deref(), &read_file);
        for line in output.stdout.lines().chain(output.stderr.lines()) {
            send(out, line).await;
        }
        output.exit_code
    }

    fn helm_now(
        &self,
        args: &[String],
        context: Option<&str>,
        read_file: &dyn Fn(&str) -> Option<String>,
    ) -> crate::sim::helm::HelmOutput {
        let mut clusters = self.clusters();
        match context.and_then(|c| clusters.get_mut(c)) {
            Some(entry) => {
                let store = entry.cluster.store().clone();
                let env = HelmEnv::new(store.clock().now())
                    .with_cluster(&store)
                    .with_files(read_file);
                entry.helm.run(args, &env)
            }
            None => {
                // No cluster behind the current context: the client still
                // works for repositories, and installs fail as helm's do.
                let now = jiff::Timestamp::now();
                let mut env = HelmEnv::new(now).with_files(read_file);
                env.unreachable_reason = match context {
                    Some(c) => format!("the cluster of context {c:?} does not exist"),
                    None => "no current context in the kubeconfig".to_string(),
                };
                let mut helm = clusters
                    .values()
                    .next()
                    .map(|e| e.helm.clone())
                    .unwrap_or_default();
                helm.run(args, &env)
            }
        }
    }
}
