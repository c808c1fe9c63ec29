//! What an `eksctl create cluster` left when it did not finish (stopped,
//! quit, or trinetes killed mid-create): an EKS cluster whose control plane
//! goes on (CREATING, then ACTIVE, billed on AWS) without its nodegroup or
//! its kubeconfig context. The TUI marks the step from this, so its mark
//! matches the world after a stop and after a restart.

use super::World;

/// An EKS cluster a create command names, there but not finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnfinishedCreate {
    pub cluster: String,
    pub region: String,
    /// The control plane's EKS status: `CREATING` or `ACTIVE`.
    pub status: String,
    /// Whether the create asked for a nodegroup that is not ACTIVE.
    pub nodegroup_missing: bool,
    /// Whether the kubeconfig has no context for it (eksctl writes it last).
    pub context_missing: bool,
}

/// The cluster, region and whether a nodegroup is wanted, when `command`
/// is `eksctl create cluster`.
fn create_target(command: &str, default_region: &str) -> Option<(String, String, bool)> {
    let words = shell_words::split(&command.replace("\\\n", " ")).ok()?;
    if words
        .iter()
        .take(3)
        .map(String::as_str)
        .ne(["eksctl", "create", "cluster"])
    {
        return None;
    }
    let value = |long: &str, short: Option<&str>| {
        words.iter().enumerate().find_map(|(i, w)| {
            if let Some(v) = w.strip_prefix(&format!("{long}=")) {
                return Some(v.to_string());
            }
            (w == long || Some(w.as_str()) == short)
                .then(|| words.get(i + 1).cloned())
                .flatten()
        })
    };
    let name = value("--name", Some("-n"))?;
    let region = value("--region", Some("-r")).unwrap_or_else(|| default_region.to_string());
    let nodegroup = !words.iter().any(|w| w == "--without-nodegroup");
    Some((name, region, nodegroup))
}

impl World {
    /// When `command` is an `eksctl create cluster` whose cluster exists in
    /// the world but was not finished: what is there. None for any other
    /// command, for a cluster that does not exist or is being deleted, and
    /// for a finished one.
    pub fn unfinished_create(&self, command: &str) -> Option<UnfinishedCreate> {
        let (cluster, region, wants_nodegroup) = create_target(command, self.region())?;
        let summary = self
            .eks_state()
            .summaries()
            .into_iter()
            .find(|s| s.name == cluster && s.region == region)?;
        if !matches!(summary.status.as_str(), "CREATING" | "ACTIVE") {
            return None;
        }
        let nodegroup_missing =
            wants_nodegroup && !summary.nodegroups.iter().any(|n| n.status == "ACTIVE");
        let context_missing = self.eks_context(Some(&cluster)).is_none();
        (nodegroup_missing || context_missing).then_some(UnfinishedCreate {
            cluster,
            region,
            status: summary.status,
            nodegroup_missing,
            context_missing,
        })
    }

    /// The EKS status of the cluster `name`, if EKS has it.
    pub fn eks_status(&self, name: &str) -> Option<String> {
        self.eks_state()
            .summaries()
            .into_iter()
            .find(|s| s.name == name)
            .map(|s| s.status)
    }
}

#[cfg(test)]
mod tests {
    use super::create_target;

    #[test]
    fn the_cluster_a_create_command_names() {
        assert_eq!(
            create_target(
                "eksctl create cluster --name tcb --region eu-west-1 --nodes 2",
                "us-east-1"
            ),
            Some(("tcb".into(), "eu-west-1".into(), true))
        );
        assert_eq!(
            create_target(
                "eksctl create cluster --name=tcb --without-nodegroup",
                "us-east-1"
            ),
            Some(("tcb".into(), "us-east-1".into(), false))
        );
        assert_eq!(
            create_target("eksctl delete cluster --name tcb", "us-east-1"),
            None
        );
        assert_eq!(create_target("kubectl get nodes", "us-east-1"), None);
    }
}
