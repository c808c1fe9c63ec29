//! `configmap-key`: a ConfigMap key whose value contains a text.

use serde::{Deserialize, Serialize};

use super::{CheckReader, CheckSpec, in_namespace};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigMapKey {
    pub name: String,
    pub namespace: Option<String>,
    pub key: String,
    pub contains: String,
}

impl CheckSpec for ConfigMapKey {
    const KEYS: &'static [&'static str] = &["name", "namespace", "key", "contains"];

    fn read(r: &mut CheckReader<'_, '_>) -> Option<Self> {
        let name = r.string("name");
        let namespace = r.optional_string("namespace");
        let key = r.string("key");
        let contains = r.string("contains");
        Some(ConfigMapKey {
            name: name?,
            namespace,
            key: key?,
            contains: contains?,
        })
    }

    fn explain(&self) -> String {
        format!(
            "the key {} of the ConfigMap {}{} contains \"{}\"",
            self.key,
            self.name,
            in_namespace(&self.namespace),
            self.contains
        )
    }

    fn describe(&self) -> String {
        format!(
            "configmap {}{}: {} contains \"{}\"",
            self.name,
            in_namespace(&self.namespace),
            self.key,
            self.contains
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ConfigMapKey;
    use crate::lesson::checks::tests::sentence;

    #[test]
    fn names_the_key_and_the_text() {
        let cm = ConfigMapKey {
            name: "tcb-trino-coordinator".into(),
            namespace: None,
            key: "config.properties".into(),
            contains: "coordinator=true".into(),
        };
        assert_eq!(
            sentence(cm),
            "configmap tcb-trino-coordinator: config.properties contains \"coordinator=true\""
        );
    }
}
