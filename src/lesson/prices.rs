//! The price list (`assets/prices.toml`): public list prices with the date they
//! were taken, so cost estimates can say how old they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::embedded;

#[derive(Debug, thiserror::Error)]
#[error("the price list is not valid: {0}")]
pub struct PricesError(#[source] toml::de::Error);

/// Public list prices, shown as estimates with the date they were taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prices {
    /// When these prices were looked up (e.g. "2026-11").
    pub as_of: String,
    pub currency: String,
    pub region: String,
    pub source: String,
    /// EKS control plane, per cluster-hour, on standard support.
    pub eks_control_plane_per_hour: f64,
    /// EKS control plane, per cluster-hour, on extended support.
    pub eks_extended_support_per_hour: f64,
    /// On-demand Linux instance prices per hour, by instance type.
    pub instance_per_hour: BTreeMap<String, f64>,
    /// What the estimate leaves out (NAT gateway, EBS, public IPv4, ...).
    pub not_included: Vec<String>,
}

impl Prices {
    /// The built-in price list, parsed once.
    pub fn builtin() -> Result<Prices, PricesError> {
        static PARSED: std::sync::OnceLock<Option<Prices>> = std::sync::OnceLock::new();
        if let Some(prices) = PARSED.get_or_init(|| toml::from_str(embedded::PRICES).ok()) {
            return Ok(prices.clone());
        }
        toml::from_str(embedded::PRICES).map_err(PricesError)
    }

    /// Control plane plus `nodes` instances of `node_type`, per hour; `None` when
    /// the instance type has no price here.
    pub fn cluster_per_hour(&self, node_type: &str, nodes: u32) -> Option<f64> {
        let node = self.instance_per_hour.get(node_type)?;
        Some(self.eks_control_plane_per_hour + node * f64::from(nodes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_give_the_demo_estimate() {
        let prices = Prices::builtin().expect("prices");
        let hourly = prices
            .cluster_per_hour("t2.large", 2)
            .expect("t2.large priced");
        assert!((hourly - 0.2856).abs() < 1e-9, "{hourly}");
        assert!(!prices.as_of.is_empty());
        assert_eq!(prices.cluster_per_hour("x9.huge", 1), None);
    }
}
