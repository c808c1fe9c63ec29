//! The cost guard: before a billable step runs on the live backend, say what
//! it will create and what that costs per hour, from `assets/prices.toml`,
//! with the prices' date and what the estimate leaves out; then require the
//! cluster's name typed as confirmation.

use crate::ledger::Resource;
use crate::ledger::plan::{self, Defaults};
use crate::lesson::Prices;

/// What a billable command will create and cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The EKS cluster's name: what the learner must type to confirm.
    pub cluster: String,
    pub region: String,
    pub nodes: u32,
    pub node_type: String,
    /// Control plane plus nodes, per hour; None when the node type has no
    /// price in the list.
    pub per_hour: Option<f64>,
    pub control_plane_per_hour: f64,
    pub node_per_hour: Option<f64>,
    pub currency: String,
    pub as_of: String,
    pub prices_region: String,
    pub not_included: Vec<String>,
}

impl Estimate {
    /// Reads an `eksctl create cluster` command (node type and count from
    /// its flags, else `fallback_node_type` and 2, eksctl's default).
    /// None when the command creates no EKS cluster.
    pub fn for_command(
        command: &str,
        defaults: &Defaults,
        prices: &Prices,
        fallback_node_type: &str,
    ) -> Option<Estimate> {
        let (cluster, region) = plan::created_by(command, defaults)
            .into_iter()
            .find_map(|r| match r {
                Resource::EksCluster { name, region } => Some((name, region)),
                _ => None,
            })?;
        let words = shell_words::split(command).unwrap_or_default();
        let flag = |name: &str| -> Option<String> {
            let mut it = words.iter();
            while let Some(w) = it.next() {
                if w == name {
                    return it.next().cloned();
                }
                if let Some(v) = w.strip_prefix(name).and_then(|r| r.strip_prefix('=')) {
                    return Some(v.to_string());
                }
            }
            None
        };
        let node_type = flag("--node-type").unwrap_or_else(|| fallback_node_type.to_string());
        let nodes = flag("--nodes").and_then(|n| n.parse().ok()).unwrap_or(2);
        let node_per_hour = prices.instance_per_hour.get(&node_type).copied();
        Some(Estimate {
            cluster,
            region,
            nodes,
            per_hour: prices.cluster_per_hour(&node_type, nodes),
            node_type,
            control_plane_per_hour: prices.eks_control_plane_per_hour,
            node_per_hour,
            currency: prices.currency.clone(),
            as_of: prices.as_of.clone(),
            prices_region: prices.region.clone(),
            not_included: prices.not_included.clone(),
        })
    }

    /// The estimate as lines for the screen.
    pub fn lines(&self) -> Vec<String> {
        let money = |v: f64| format!("${v:.2}");
        let mut out = vec![format!(
            "This creates the EKS cluster {} in {} with {} × {} nodes, billed by AWS while it exists.",
            self.cluster, self.region, self.nodes, self.node_type
        )];
        out.push(match (self.per_hour, self.node_per_hour) {
            (Some(total), Some(node)) => format!(
                "Estimated cost: about {} per hour ({} control plane + {} × {} per {}), {} per day.",
                money(total),
                money(self.control_plane_per_hour),
                self.nodes,
                format_args!("${node:.4}"),
                self.node_type,
                money(total * 24.0),
            ),
            _ => format!(
                "Estimated cost: {} per hour for the control plane, plus the {} nodes ({} has no price in the list).",
                money(self.control_plane_per_hour),
                self.nodes,
                self.node_type
            ),
        });
        out.push(format!(
            "Prices: {} list prices in {} as of {}; not included: {}.",
            self.currency,
            self.prices_region,
            self.as_of,
            self.not_included.join("; ")
        ));
        out
    }
}

/// Whether a typed confirmation matches: the cluster's exact name.
pub fn confirmed(estimate: &Estimate, typed: Option<&str>) -> bool {
    typed.map(str::trim) == Some(estimate.cluster.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults {
            region: "us-east-1".into(),
            namespace: "default".into(),
            context: None,
        }
    }

    #[test]
    fn the_demo_cluster_costs_control_plane_plus_nodes() {
        let prices = Prices::builtin().unwrap();
        let e = Estimate::for_command(
            "eksctl create cluster --name tcb-cluster --nodes 2 --node-type t2.large",
            &defaults(),
            &prices,
            "t3.large",
        )
        .unwrap();
        assert_eq!(e.cluster, "tcb-cluster");
        assert_eq!(e.nodes, 2);
        let hourly = e.per_hour.unwrap();
        assert!((hourly - 0.2856).abs() < 1e-9, "{hourly}");
        let text = e.lines().join("\n");
        assert!(text.contains("about $0.29 per hour"), "{text}");
        assert!(
            text.contains("$0.10 control plane + 2 × $0.0928 per t2.large"),
            "{text}"
        );
        assert!(text.contains("as of 2026-11"), "{text}");
        assert!(text.contains("NAT gateway"), "{text}");
    }

    #[test]
    fn an_unpriced_node_type_says_so_instead_of_guessing() {
        let prices = Prices::builtin().unwrap();
        let e = Estimate::for_command(
            "eksctl create cluster --name x --node-type z9.huge",
            &defaults(),
            &prices,
            "t2.large",
        )
        .unwrap();
        assert_eq!(e.per_hour, None);
        assert!(e.lines()[1].contains("z9.huge has no price in the list"));
    }

    #[test]
    fn only_the_exact_cluster_name_confirms() {
        let prices = Prices::builtin().unwrap();
        let e = Estimate::for_command(
            "eksctl create cluster --name tcb-cluster",
            &defaults(),
            &prices,
            "t2.large",
        )
        .unwrap();
        assert!(confirmed(&e, Some("tcb-cluster")));
        assert!(confirmed(&e, Some(" tcb-cluster\n")));
        assert!(!confirmed(&e, Some("yes")));
        assert!(!confirmed(&e, None));
        assert!(
            Estimate::for_command("kubectl get nodes", &defaults(), &prices, "t2.large").is_none()
        );
    }
}
