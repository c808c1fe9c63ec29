//! The fallback's `set image` and `rollout status|history|undo|restart`, with
//! kubectl's messages. The revisions are the Deployment controller's
//! `deployment.kubernetes.io/revision` annotations on the ReplicaSets the
//! Deployment controls.

use std::time::Duration;

use serde_json::Value;

use super::FallbackError;
use super::api::{Resource, Server};
use super::cmd::{RolloutArgs, SetImageArgs, Target};
use super::commands::{items, name_of, report};
use crate::sim::text::TabWriter;

const REVISION: &str = "deployment.kubernetes.io/revision";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
/// How often `rollout status` looks again.
const POLL: Duration = Duration::from_millis(100);

pub(super) async fn set_image(
    server: &Server,
    args: &SetImageArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let resource = server.resolve(&args.target.kind).await?;
    let mut code = 0;
    for name in &args.target.names {
        let path = resource.object_path(&args.namespace, name);
        let mut object = match server.get(&path).await {
            Ok(o) => o,
            Err(e) => {
                report(out, e)?;
                code = 1;
                continue;
            }
        };
        let pointer = if resource.kind == "Pod" {
            "/spec/containers"
        } else {
            "/spec/template/spec/containers"
        };
        let Some(containers) = object.pointer_mut(pointer).and_then(Value::as_array_mut) else {
            return Err(FallbackError::Usage(format!(
                "the built-in kubectl fallback cannot set the image of {}",
                resource.plural
            )));
        };
        for (container, image) in &args.images {
            let mut found = false;
            for c in containers.iter_mut() {
                if container == "*" || c["name"].as_str() == Some(container.as_str()) {
                    c["image"] = Value::String(image.clone());
                    found = true;
                }
            }
            if !found {
                return Err(FallbackError::Usage(format!(
                    "unable to find container named \"{container}\""
                )));
            }
        }
        match server.put(&path, &object).await {
            Ok(_) => out.push(format!(
                "{}/{name} image updated",
                resource.singular_qualified()
            )),
            Err(e) => {
                report(out, e)?;
                code = 1;
            }
        }
    }
    Ok(code)
}

pub(super) async fn rollout(
    server: &Server,
    args: &RolloutArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    match args {
        RolloutArgs::Status {
            target,
            namespace,
            timeout,
        } => {
            let (resource, name) = deployment(server, target).await?;
            status(server, &resource, namespace, name, *timeout, out).await
        }
        RolloutArgs::History { target, namespace } => {
            let (resource, name) = deployment(server, target).await?;
            history(server, &resource, namespace, name, out).await
        }
        RolloutArgs::Undo {
            target,
            namespace,
            to_revision,
        } => {
            let (resource, name) = deployment(server, target).await?;
            undo(server, &resource, namespace, name, *to_revision, out).await
        }
        RolloutArgs::Restart { target, namespace } => {
            let (resource, name) = deployment(server, target).await?;
            restart(server, &resource, namespace, name, out).await
        }
    }
}

/// As kubectl does it: the pod template gains the annotation
/// `kubectl.kubernetes.io/restartedAt` with the time, a change to the Pod
/// part, so the Deployment rolls out new pods.
async fn restart(
    server: &Server,
    resource: &Resource,
    namespace: &str,
    name: &str,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let patch = serde_json::json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": now
    }}}}});
    server
        .merge_patch(&resource.object_path(namespace, name), &patch)
        .await?;
    out.push(format!(
        "{}/{name} restarted",
        resource.singular_qualified()
    ));
    Ok(0)
}

/// The fallback rolls out Deployments only.
async fn deployment<'t>(
    server: &Server,
    target: &'t Target,
) -> Result<(Resource, &'t str), FallbackError> {
    let resource = server.resolve(&target.kind).await?;
    if resource.kind != "Deployment" {
        return Err(FallbackError::Usage(format!(
            "the built-in kubectl fallback rolls out deployments only, not {}; install kubectl for more",
            resource.plural
        )));
    }
    let name = target.names.first().map(String::as_str).unwrap_or_default();
    Ok((resource, name))
}

/// What kubectl's status viewer says about a Deployment, and whether the
/// rollout is over.
pub(super) fn rollout_state(dep: &Value) -> Result<(String, bool), FallbackError> {
    let name = name_of(dep);
    let generation = dep["metadata"]["generation"].as_i64().unwrap_or(0);
    let status = &dep["status"];
    let observed = status["observedGeneration"].as_i64().unwrap_or(0);
    if generation > observed {
        return Ok((
            "Waiting for deployment spec update to be observed...".into(),
            false,
        ));
    }
    let timed_out = status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded");
    if timed_out {
        return Err(FallbackError::Usage(format!(
            "deployment \"{name}\" exceeded its progress deadline"
        )));
    }
    let count = |key: &str| status[key].as_i64().unwrap_or(0);
    let wanted = dep["spec"]["replicas"].as_i64().unwrap_or(1);
    let (replicas, updated, available) = (
        count("replicas"),
        count("updatedReplicas"),
        count("availableReplicas"),
    );
    let waiting = |what: String| {
        Ok((
            format!("Waiting for deployment \"{name}\" rollout to finish: {what}..."),
            false,
        ))
    };
    if updated < wanted {
        return waiting(format!(
            "{updated} out of {wanted} new replicas have been updated"
        ));
    }
    if replicas > updated {
        return waiting(format!(
            "{} old replicas are pending termination",
            replicas - updated
        ));
    }
    if available < updated {
        return waiting(format!(
            "{available} of {updated} updated replicas are available"
        ));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out"),
        true,
    ))
}

async fn status(
    server: &Server,
    resource: &Resource,
    namespace: &str,
    name: &str,
    timeout: Option<Duration>,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let path = resource.object_path(namespace, name);
    let deadline = timeout
        .filter(|t| !t.is_zero())
        .map(|t| tokio::time::Instant::now() + t);
    loop {
        let (message, done) = rollout_state(&server.get(&path).await?)?;
        // kubectl prints a line for each change it watches; repeats add nothing.
        if out.last() != Some(&message) {
            out.push(message);
        }
        if done {
            return Ok(0);
        }
        if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
            return Err(FallbackError::Usage(
                "timed out waiting for the condition".into(),
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The Deployment and the ReplicaSets it controls, by revision.
async fn revisions(
    server: &Server,
    resource: &Resource,
    namespace: &str,
    name: &str,
) -> Result<(Value, Vec<(u64, Value)>), FallbackError> {
    let dep = server.get(&resource.object_path(namespace, name)).await?;
    let uid = dep["metadata"]["uid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let replica_sets = server.resolve("replicasets.apps").await?;
    let list = server
        .get(&replica_sets.collection_path(Some(namespace)))
        .await?;
    let mut owned: Vec<(u64, Value)> = items(&list)
        .iter()
        .filter(|rs| {
            rs["metadata"]["ownerReferences"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|r| r["controller"] == true && r["uid"] == uid.as_str())
        })
        .filter_map(|rs| {
            let revision = rs["metadata"]["annotations"][REVISION]
                .as_str()?
                .parse()
                .ok()?;
            Some((revision, rs.clone()))
        })
        .collect();
    owned.sort_by_key(|(r, _)| *r);
    Ok((dep, owned))
}

async fn history(
    server: &Server,
    resource: &Resource,
    namespace: &str,
    name: &str,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let (_, owned) = revisions(server, resource, namespace, name).await?;
    out.push(format!("{}/{name} ", resource.singular_qualified()));
    let mut lines = vec!["REVISION\tCHANGE-CAUSE".to_string()];
    lines.extend(owned.iter().map(|(revision, rs)| {
        let cause = rs["metadata"]["annotations"][CHANGE_CAUSE]
            .as_str()
            .filter(|c| !c.is_empty())
            .unwrap_or("<none>");
        format!("{revision}\t{cause}")
    }));
    out.extend(TabWriter::KUBECTL_DESCRIBE.lines(&lines));
    out.push(String::new());
    Ok(0)
}

async fn undo(
    server: &Server,
    resource: &Resource,
    namespace: &str,
    name: &str,
    to_revision: u64,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let (mut dep, owned) = revisions(server, resource, namespace, name).await?;
    let target = if to_revision == 0 {
        // The previous revision: the newest one before the newest.
        owned.iter().rev().nth(1)
    } else {
        owned.iter().find(|(r, _)| *r == to_revision)
    };
    let Some((revision, rs)) = target else {
        return Err(FallbackError::Usage(if to_revision == 0 {
            format!("no rollout history found for deployment \"{name}\"")
        } else {
            format!("unable to find specified revision {to_revision} in history")
        }));
    };
    let mut template = rs["spec"]["template"].clone();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    let qualified = resource.singular_qualified();
    if dep["spec"]["template"] == template {
        out.push(format!(
            "{qualified}/{name} skipped rollback (current template already matches revision {revision})"
        ));
        return Ok(0);
    }
    dep["spec"]["template"] = template;
    server
        .put(&resource.object_path(namespace, name), &dep)
        .await?;
    out.push(format!("{qualified}/{name} rolled back"));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::rollout_state;
    use serde_json::json;

    fn dep(generation: i64, status: serde_json::Value) -> serde_json::Value {
        json!({"metadata": {"name": "web", "generation": generation}, "spec": {"replicas": 3}, "status": status})
    }

    #[test]
    fn status_reads_like_kubectls_rollout_status() {
        let say = |d| rollout_state(&d).expect("no deadline");
        assert_eq!(
            say(dep(2, json!({"observedGeneration": 1}))),
            (
                "Waiting for deployment spec update to be observed...".into(),
                false
            )
        );
        assert_eq!(
            say(dep(2, json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 1}))),
            ("Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...".into(), false)
        );
        assert_eq!(
            say(dep(2, json!({"observedGeneration": 2, "replicas": 4, "updatedReplicas": 3}))),
            ("Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...".into(), false)
        );
        assert_eq!(
            say(dep(2, json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 2}))),
            ("Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available...".into(), false)
        );
        assert_eq!(
            say(dep(
                2,
                json!({"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3})
            )),
            ("deployment \"web\" successfully rolled out".into(), true)
        );
        let stuck = dep(
            2,
            json!({"observedGeneration": 2, "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}),
        );
        assert_eq!(
            rollout_state(&stuck).map_err(|e| e.to_string()),
            Err("error: deployment \"web\" exceeded its progress deadline".into())
        );
    }
}
