//! `deployment`: watches one Deployment and compares its replica counts,
//! its pod template's images and its revision.

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
    // Until the controller has seen the latest spec, the counts describe
    // the template before it (right after `set image`, say).
    let observed = match (dep.metadata.generation, status.observed_generation) {
        (Some(generation), Some(seen)) => seen >= generation,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let matches =
        |want: Option<u32>, have: i32| want.is_none_or(|w| i64::from(w) == i64::from(have));
    let counts_hold = matches(check.ready, ready)
        && matches(check.up_to_date, updated)
        && matches(check.available, available);
    let counts_asked = check.ready.is_some() || check.up_to_date.is_some() || check.available.is_some();
    let images = template_images(dep);
    let images_hold = check
        .images
        .iter()
        .all(|(container, image)| images.iter().any(|(c, i)| c == container && i == image));
    let revision = dep
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse::<u64>().ok());
    let revision_holds = check.revision.is_none_or(|want| revision == Some(want));
    let holds = counts_hold && images_hold && revision_holds && (observed || !counts_asked);
    let mut seen = format!(
        "deployment {name}: {ready}/{desired} ready, {updated} up-to-date, {available} available"
    );
    if !check.images.is_empty() {
        let listed: Vec<String> = images.iter().map(|(c, i)| format!("{c}={i}")).collect();
        seen.push_str(&format!("; images {}", listed.join(", ")));
    }
    if check.revision.is_some() {
        match revision {
            Some(r) => seen.push_str(&format!("; revision {r}")),
            None => seen.push_str("; no revision yet"),
        }
    }
    if !observed && counts_asked {
        seen.push_str(" (its latest change is not rolled out yet)");
    }
    Evaluation::new(holds, seen)
}

const REVISION: &str = "deployment.kubernetes.io/revision";

/// (container, image) of the pod template, in order.
fn template_images(dep: &apps::Deployment) -> Vec<(String, String)> {
    dep.spec
        .template
        .spec
        .as_ref()
        .map(|p| {
            p.containers
                .iter()
                .map(|c| (c.name.clone(), c.image.clone().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
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
            images: Default::default(),
            revision: None,
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
    fn web(generation: i64, observed: i64, image: &str, revision: &str) -> apps::Deployment {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "web", "generation": generation,
                "annotations": {"deployment.kubernetes.io/revision": revision}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": image}]}}},
            "status": {"observedGeneration": observed, "replicas": 3, "readyReplicas": 3,
                "updatedReplicas": 3, "availableReplicas": 3}
        }))
        .expect("a deployment")
    }

    fn rolled_to(image: &str, revision: Option<u64>) -> Deployment {
        Deployment {
            images: [("nginx".to_string(), image.to_string())].into(),
            revision,
            ..want("web", Some(3), Some(3), Some(3))
        }
    }

    #[test]
    fn a_skipped_set_image_leaves_the_old_image_and_fails() {
        let eval = evaluate(&rolled_to("nginx:1.21", None), Some(&web(1, 1, "nginx:1.20", "1")));
        assert!(!eval.holds);
        assert_eq!(
            eval.seen,
            "deployment web: 3/3 ready, 3 up-to-date, 3 available; images nginx=nginx:1.20"
        );
        assert!(evaluate(&rolled_to("nginx:1.21", None), Some(&web(2, 2, "nginx:1.21", "2"))).holds);
    }

    #[test]
    fn counts_of_a_template_the_controller_has_not_seen_do_not_count() {
        // Right after `set image`: the new image is in the spec, the status
        // still counts the old pods.
        let eval = evaluate(&rolled_to("nginx:1.21", None), Some(&web(2, 1, "nginx:1.21", "1")));
        assert!(!eval.holds);
        assert!(eval.seen.ends_with("(its latest change is not rolled out yet)"), "{}", eval.seen);
        let image_only = Deployment {
            images: [("nginx".to_string(), "nginx:1.21".to_string())].into(),
            ..want("web", None, None, None)
        };
        assert!(evaluate(&image_only, Some(&web(2, 1, "nginx:1.21", "1"))).holds);
    }

    #[test]
    fn the_revision_is_the_deployments_annotation() {
        let undo = rolled_to("nginx:1.20", Some(3));
        let eval = evaluate(&undo, Some(&web(3, 3, "nginx:1.20", "1")));
        assert!(!eval.holds);
        assert!(eval.seen.ends_with("; revision 1"), "{}", eval.seen);
        assert!(evaluate(&undo, Some(&web(3, 3, "nginx:1.20", "3"))).holds);
        let other_container = Deployment {
            images: [("web".to_string(), "nginx:1.20".to_string())].into(),
            ..want("web", None, None, None)
        };
        assert!(!evaluate(&other_container, Some(&web(3, 3, "nginx:1.20", "3"))).holds);
    }
}
