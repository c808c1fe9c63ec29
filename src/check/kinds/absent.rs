//! `absent`: watches for the objects of a kind, by name or label selector,
//! until none is left; an EKS cluster is polled through the EKS API instead.
//! The API resource comes from the lesson layer's object kinds table.

use std::time::Duration;

use kube::api::{Api, ApiResource, DynamicObject};
use kube::runtime::watcher;

use super::Evaluate;
use crate::aws::EksClient;
use crate::check::{CheckContext, CheckError, Evaluation, eks, poll_until, watch};
use crate::lesson::ObjectKind;
use crate::lesson::checks::Absent;

/// The region an EKS cluster is looked for in when the check names none.
const DEFAULT_REGION: &str = "us-east-1";

impl Evaluate for Absent {
    async fn until_holds(
        &self,
        ctx: &CheckContext,
        timeout: Duration,
    ) -> Result<String, CheckError> {
        if self.is_eks_cluster() {
            let name = self
                .name
                .as_deref()
                .ok_or(CheckError::EksClusterWithoutName)?;
            let region = self.region.as_deref().unwrap_or(DEFAULT_REGION);
            let (client, every) = eks::client(ctx, region).await?;
            return poll_until(timeout, every, eks::NO_ANSWER_YET.to_string(), || {
                eks_cluster_gone(&client, name)
            })
            .await;
        }
        let client = watch::client(ctx)?;
        let Some(kind) = self.object_kind() else {
            return Err(CheckError::UnknownResource {
                resource: self.resource.clone(),
            });
        };
        let resource = api_resource(kind);
        let api: Api<DynamicObject> = match (kind.namespaced, &self.namespace) {
            (false, _) => Api::all_with(client, &resource),
            (true, Some(ns)) => Api::namespaced_with(client, ns, &resource),
            (true, None) => Api::default_namespaced_with(client, &resource),
        };
        let mut config = watcher::Config::default();
        if let Some(n) = &self.name {
            config = config.fields(&format!("metadata.name={n}"));
        }
        if let Some(s) = &self.selector {
            config = config.labels(s);
        }
        let what = match (&self.name, &self.selector) {
            (Some(n), _) => format!("{}/{n}", self.resource),
            (None, Some(s)) => format!("{} matching {s:?}", self.resource),
            (None, None) => self.resource.clone(),
        };
        watch::drive(api, config, timeout, |seen| {
            evaluate(&what, &seen.keys().cloned().collect::<Vec<_>>())
        })
        .await
    }
}

/// The dynamic API resource of an object kind of the table.
fn api_resource(kind: &ObjectKind) -> ApiResource {
    let api_version = if kind.group.is_empty() {
        kind.version.to_string()
    } else {
        format!("{}/{}", kind.group, kind.version)
    };
    ApiResource {
        group: kind.group.to_string(),
        version: kind.version.to_string(),
        api_version,
        kind: kind.kind.to_string(),
        plural: kind.plural.to_string(),
    }
}

fn evaluate(what: &str, names: &[String]) -> Evaluation {
    if names.is_empty() {
        Evaluation::new(true, format!("no {what} left"))
    } else {
        Evaluation::new(false, format!("{what} still present: {}", names.join(", ")))
    }
}

async fn eks_cluster_gone(client: &EksClient, name: &str) -> Evaluation {
    match client.cluster_status(name).await {
        Ok(None) => Evaluation::new(true, format!("EKS cluster {name} no longer exists")),
        Ok(Some(have)) => {
            Evaluation::new(false, format!("EKS cluster {name} still exists ({have})"))
        }
        Err(e) => Evaluation::new(false, format!("cannot ask EKS about {name}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use std::any::TypeId;

    use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
    use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Node, Pod, Secret, Service};
    use k8s_openapi::{NamespaceResourceScope, Resource};

    use super::*;
    use crate::lesson::OBJECT_KINDS;

    /// What k8s-openapi itself says of a type: its API resource and whether
    /// it is namespaced.
    fn typed<K>() -> (ApiResource, bool)
    where
        K: Resource + kube::Resource<DynamicType = ()>,
        <K as Resource>::Scope: 'static,
    {
        let namespaced = TypeId::of::<<K as Resource>::Scope>() == TypeId::of::<NamespaceResourceScope>();
        (ApiResource::erase::<K>(&()), namespaced)
    }

    #[test]
    fn the_checker_knows_every_object_kind_of_the_table() {
        let known = [
            typed::<Deployment>(),
            typed::<ReplicaSet>(),
            typed::<Pod>(),
            typed::<Service>(),
            typed::<ConfigMap>(),
            typed::<Secret>(),
            typed::<Node>(),
            typed::<Namespace>(),
        ];
        for kind in OBJECT_KINDS {
            let Some((resource, namespaced)) = known.iter().find(|(r, _)| r.kind == kind.kind) else {
                panic!("the checker does not know `{}`", kind.name);
            };
            assert_eq!(&api_resource(kind), resource, "{}", kind.name);
            assert_eq!(kind.namespaced, *namespaced, "{}", kind.name);
        }
        assert!(ObjectKind::named("secret").is_some());
    }

    #[test]
    fn lists_what_is_left() {
        assert!(evaluate("pods", &[]).holds);
        let left = evaluate("pods", &["a".to_string(), "b".to_string()]);
        assert!(!left.holds);
        assert_eq!(left.seen, "pods still present: a, b");
    }
}
