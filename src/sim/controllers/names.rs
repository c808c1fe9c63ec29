//! Generated names the way Kubernetes makes them: pod-template hashes and
//! random suffixes over the same consonant-and-digit alphabet.

use k8s_openapi::api::core::v1::PodTemplateSpec;
use rand::Rng;

/// Kubernetes' "safe" alphabet: no vowels, no confusable digits.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// The `pod-template-hash` of a template: FNV-1a over its serialised form
/// (plus the collision count), written as decimal and mapped onto the safe
/// alphabet digit by digit, as the deployment controller does.
pub fn pod_template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    // Hash the canonical form, so that a template that went through
    // kubectl's Go structs (`resources: {}`) keeps its hash.
    let value = super::templates::comparable(
        serde_json::to_value(template).expect("a PodTemplateSpec always serialises"),
    );
    let mut bytes = serde_json::to_vec(&value).expect("a JSON value always serialises");
    if let Some(count) = collision_count {
        bytes.extend_from_slice(&count.to_le_bytes());
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

fn fnv32a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for b in bytes {
        hash ^= u32::from(*b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()]))
        .collect()
}

/// A random suffix of `len` characters, as `generateName` gets.
pub fn random_suffix(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHANUMS[rng.random_range(0..ALPHANUMS.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Container, PodSpec};

    fn template(image: &str) -> PodTemplateSpec {
        PodTemplateSpec {
            metadata: None,
            spec: Some(PodSpec {
                containers: vec![Container {
                    name: "web".into(),
                    image: Some(image.into()),
                    ..Container::default()
                }],
                ..PodSpec::default()
            }),
        }
    }

    #[test]
    fn hash_is_stable_and_uses_the_safe_alphabet() {
        let a = pod_template_hash(&template("nginx:1.27"), None);
        assert_eq!(a, pod_template_hash(&template("nginx:1.27"), None));
        assert!((8..=10).contains(&a.len()), "{a}");
        assert!(a.bytes().all(|b| ALPHANUMS.contains(&b)), "{a}");
    }

    #[test]
    fn hash_changes_with_the_template_and_the_collision_count() {
        let a = pod_template_hash(&template("nginx:1.27"), None);
        assert_ne!(a, pod_template_hash(&template("nginx:1.28"), None));
        assert_ne!(a, pod_template_hash(&template("nginx:1.27"), Some(1)));
    }

    #[test]
    fn digits_map_like_kubernetes() {
        // '0'..'9' are bytes 48..57; 48 % 27 = 21, which is '4'.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn suffixes_have_the_asked_length() {
        let s = random_suffix(5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| ALPHANUMS.contains(&b)));
    }
}
