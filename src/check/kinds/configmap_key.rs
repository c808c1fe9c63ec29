//! `configmap-key`: watches one ConfigMap and looks for a text in one key.

use std::time::Duration;

use k8s_openapi::api::core::v1::ConfigMap;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, watch};
use crate::lesson::checks::ConfigMapKey;

impl Evaluate for ConfigMapKey {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let api = watch::namespaced::<ConfigMap>(watch::client(ctx)?, self.namespace.as_deref());
        watch::drive(api, watch::by_name(&self.name), timeout, |seen| {
            evaluate(self, seen.get(self.name.as_str()))
        })
        .await
    }
}

fn evaluate(want: &ConfigMapKey, found: Option<&ConfigMap>) -> Evaluation {
    let ConfigMapKey {
        name,
        key,
        contains,
        ..
    } = want;
    let Some(cm) = found else {
        return Evaluation::new(false, format!("configmap {name} does not exist"));
    };
    match cm.data.as_ref().and_then(|d| d.get(key)) {
        Some(value) if value.contains(contains.as_str()) => Evaluation::new(
            true,
            format!("configmap {name}: {key} contains {contains:?}"),
        ),
        Some(_) => Evaluation::new(
            false,
            format!("configmap {name}: {key} does not contain {contains:?}"),
        ),
        None => Evaluation::new(false, format!("configmap {name} has no key {key:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::kinds::tests::fixture;

    fn want(key: &str, contains: &str) -> ConfigMapKey {
        ConfigMapKey {
            name: "tcb-trino-coordinator".to_string(),
            namespace: None,
            key: key.to_string(),
            contains: contains.to_string(),
        }
    }

    #[test]
    fn the_key_must_contain_the_text() {
        let cm: ConfigMap = fixture("configmap-coordinator.yaml");
        assert!(evaluate(&want("config.properties", "coordinator=true"), Some(&cm)).holds);
        let wrong = evaluate(&want("config.properties", "coordinator=false"), Some(&cm));
        assert!(!wrong.holds);
        let missing = evaluate(&want("jvm.config", "-Xmx"), Some(&cm));
        assert_eq!(
            missing.seen,
            "configmap tcb-trino-coordinator has no key \"jvm.config\""
        );
    }
}
