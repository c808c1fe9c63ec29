//! Resource quantities (`500m`, `2`, `8Gi`, `7934Mi`) and the requests a pod
//! asks of a node: what the scheduler adds up.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// CPU in millicores and memory in bytes: enough to decide whether a pod fits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
}

impl std::ops::Add for Resources {
    type Output = Resources;

    fn add(self, other: Resources) -> Resources {
        Resources {
            cpu_millis: self.cpu_millis + other.cpu_millis,
            memory_bytes: self.memory_bytes + other.memory_bytes,
        }
    }
}

impl Resources {
    pub fn from_list(list: Option<&BTreeMap<String, Quantity>>) -> Resources {
        let get = |key: &str| {
            list.and_then(|l| l.get(key))
                .and_then(|q| parse_quantity(&q.0))
        };
        Resources {
            cpu_millis: get("cpu").map_or(0, |v| (v * 1000.0).ceil() as i64),
            memory_bytes: get("memory").map_or(0, |v| v.ceil() as i64),
        }
    }

    /// What a pod requests: the sum over its containers, or the largest
    /// init container when that is bigger, as the scheduler counts.
    pub fn requested_by(spec: &PodSpec) -> Resources {
        let containers = spec
            .containers
            .iter()
            .map(|c| Resources::from_list(c.resources.as_ref().and_then(|r| r.requests.as_ref())))
            .fold(Resources::default(), |a, b| a + b);
        let init = spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| Resources::from_list(c.resources.as_ref().and_then(|r| r.requests.as_ref())))
            .fold(Resources::default(), |a, b| Resources {
                cpu_millis: a.cpu_millis.max(b.cpu_millis),
                memory_bytes: a.memory_bytes.max(b.memory_bytes),
            });
        Resources {
            cpu_millis: containers.cpu_millis.max(init.cpu_millis),
            memory_bytes: containers.memory_bytes.max(init.memory_bytes),
        }
    }
}

/// Parses a Kubernetes quantity into its value in base units (cores, bytes).
/// Returns `None` for text that is not a quantity.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    // An exponent form such as 1e3 is a suffix too.
    if let Some(exp) = suffix.strip_prefix(['e', 'E']) {
        let base: f64 = number.parse().ok()?;
        let exp: i32 = exp.parse().ok()?;
        return Some(base * 10f64.powi(exp));
    }
    let base: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return None,
    };
    Some(base * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cpu_and_memory_forms() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("1.5"), Some(1.5));
        assert_eq!(parse_quantity("8Gi"), Some(8.0 * 1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("7934Mi"), Some(7934.0 * 1024.0 * 1024.0));
        assert_eq!(parse_quantity("128974848"), Some(128_974_848.0));
        assert_eq!(parse_quantity("129M"), Some(129e6));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("12Zi"), None);
        assert_eq!(parse_quantity("lots"), None);
    }

    #[test]
    fn requests_add_up_over_containers() {
        let spec: PodSpec = serde_json::from_value(serde_json::json!({
            "containers": [
                {"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
                {"name": "b", "resources": {"requests": {"cpu": "1"}}},
                {"name": "c"}
            ]
        }))
        .unwrap();
        let r = Resources::requested_by(&spec);
        assert_eq!(r.cpu_millis, 1500);
        assert_eq!(r.memory_bytes, 1024 * 1024 * 1024);
    }
}
