//! `deployment`: watches one Deployment and compares its replica counts.

use std::time::Duration;

use k8s_openapi::api::apps::v1 as apps;

use super::Evaluate;
use crate::check::{CheckContext, CheckError, Evaluation, watch};
use crate::lesson::checks::Deployment;

impl Evaluate for Deployment {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        let api = watch::namespaced::<apps::Deployment>(watch::client(ctx)?, self.namespace.as_deref());
        watch::drive(api, watch::by_name(&self.name), timeout, |seen| {
            evaluate(self, seen.get(self.name.as_str()))
        })
        .await
    }
}

fn evaluate(check: &Deployment, found: Option<&apps::Deployment>) -> Evaluation {
    let name = &check.name;
    let Some(dep) = found else {
        return Evaluation::new(false, format!("deployment {name} does not exist"));
    };
    let desired = dep.spec.replicas.unwrap_or(1);
    let status = dep.status.clone().unwrap_or_default();
    let ready = status.ready_replicas.unwrap_or(0);
    let updated = status.updated_replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let matches =
        |want: Option<u32>, have: i32| want.is_none_or(|w| i64::from(w) == i64::from(have));
    let holds = matches(check.ready, ready)
        && matches(check.up_to_date, updated)
        && matches(check.available, available);
    Evaluation::new(
        holds,
        format!(
            "deployment {name}: {ready}/{desired} ready, {updated} up-to-date, {available} available"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::kinds::tests::fixture;

    fn want(name: &str, ready: Option<u32>, up_to_date: Option<u32>, available: Option<u32>) -> Deployment {
        Deployment {
            name: name.to_string(),
            namespace: None,
            ready,
            up_to_date,
            available,
        }
    }

    #[test]
    fn waits_for_every_wanted_count() {
        let dep: apps::Deployment = fixture("deployment-worker-rolling.yaml");
        let all = want("tcb-trino-worker", Some(2), Some(2), Some(2));
        let eval = evaluate(&all, Some(&dep));
        assert!(!eval.holds);
        assert_eq!(
            eval.seen,
            "deployment tcb-trino-worker: 1/2 ready, 2 up-to-date, 1 available"
        );
        let updated = want("tcb-trino-worker", None, Some(2), None);
        assert!(evaluate(&updated, Some(&dep)).holds);
    }

    #[test]
    fn a_missing_deployment_is_reported_by_name() {
        let eval = evaluate(&want("tcb-trino-coordinator", Some(1), None, None), None);
        assert!(!eval.holds);
        assert_eq!(eval.seen, "deployment tcb-trino-coordinator does not exist");
    }
}
