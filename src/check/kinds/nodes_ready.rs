//! `nodes-ready`: watches the nodes and counts the Ready ones.

use std::time::Duration;

use k8s_openapi::api::core::v1::Node;
use kube::api::Api;
use kube::runtime::watcher;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, watch};
use crate::lesson::checks::NodesReady;

impl Evaluate for NodesReady {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let api = Api::<Node>::all(watch::client(ctx)?);
        watch::drive(api, watcher::Config::default(), timeout, |nodes| {
            evaluate(self, &nodes.values().cloned().collect::<Vec<_>>())
        })
        .await
    }
}

fn node_is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

fn evaluate(check: &NodesReady, nodes: &[Node]) -> Evaluation {
    let want = check.count;
    let ready = nodes.iter().filter(|n| node_is_ready(n)).count();
    Evaluation::new(
        ready >= want as usize,
        format!("{ready} of {} node(s) Ready (want {want})", nodes.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::kinds::tests::fixture;

    #[test]
    fn only_ready_nodes_count() {
        let nodes: Vec<Node> = fixture("nodes-one-ready.yaml");
        assert!(evaluate(&NodesReady { count: 1 }, &nodes).holds);
        let two = evaluate(&NodesReady { count: 2 }, &nodes);
        assert!(!two.holds);
        assert_eq!(two.seen, "1 of 2 node(s) Ready (want 2)");
    }
}
