//! The fallback's changing commands: scale (through `/scale`), delete (by
//! name, selector or `--all`), `create deployment` and `expose`, built the
//! way kubectl builds those objects.

use serde_json::json;

use super::FallbackError;
use super::api::Server;
use super::cmd::{CreateDeploymentArgs, DeleteArgs, ExposeArgs, Target};
use super::commands::{items, match_labels_selector, name_of, report, with_selector};

pub(super) async fn scale(
    server: &Server,
    target: &Target,
    namespace: &str,
    replicas: u32,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let resource = server.resolve(&target.kind).await?;
    if !matches!(
        resource.kind.as_str(),
        "Deployment" | "ReplicaSet" | "StatefulSet"
    ) {
        return Err(FallbackError::Usage(format!(
            "cannot scale {}: only deployments, replicasets and statefulsets scale",
            resource.plural
        )));
    }
    let mut code = 0;
    for name in &target.names {
        let path = format!("{}/scale", resource.object_path(namespace, name));
        match server
            .merge_patch(&path, &json!({"spec": {"replicas": replicas}}))
            .await
        {
            Ok(_) => out.push(format!("{}/{name} scaled", resource.singular_qualified())),
            Err(e) => {
                report(out, e)?;
                code = 1;
            }
        }
    }
    Ok(code)
}

pub(super) async fn delete(
    server: &Server,
    args: &DeleteArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let resource = server.resolve(&args.target.kind).await?;
    let names: Vec<String> = if args.target.names.is_empty() {
        let path = with_selector(
            resource.collection_path(Some(&args.namespace)),
            args.selector.as_deref(),
        );
        items(&server.get(&path).await?)
            .iter()
            .map(|o| name_of(o).to_string())
            .collect()
    } else {
        args.target.names.clone()
    };
    if names.is_empty() {
        out.push("No resources found".into());
        return Ok(0);
    }
    let mut code = 0;
    for name in &names {
        match server
            .delete(&resource.object_path(&args.namespace, name))
            .await
        {
            Ok(_) => out.push(format!(
                "{} \"{name}\" deleted",
                resource.singular_qualified()
            )),
            Err(FallbackError::Server { reason, .. })
                if args.ignore_not_found && reason == "NotFound" => {}
            Err(e) => {
                report(out, e)?;
                code = 1;
            }
        }
    }
    Ok(code)
}

/// The container name kubectl derives from an image: `nginx` from
/// `docker.io/library/nginx:1.27`.
pub fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(['@', ':']).next().unwrap_or(base);
    let name: String = base
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    name.trim_matches('-').to_string()
}

pub(super) async fn create_deployment(
    server: &Server,
    args: &CreateDeploymentArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let labels = json!({"app": args.name});
    let mut container =
        json!({"name": container_name(&args.image), "image": args.image, "resources": {}});
    if let Some(port) = args.port {
        container["ports"] = json!([{"containerPort": port}]);
    }
    let body = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": args.name, "namespace": args.namespace, "labels": labels},
        "spec": {
            "replicas": args.replicas,
            "selector": {"matchLabels": labels},
            "strategy": {},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [container]}
            }
        }
    });
    let path = format!("/apis/apps/v1/namespaces/{}/deployments", args.namespace);
    server.post(&path, &body).await?;
    out.push(format!("deployment.apps/{} created", args.name));
    Ok(0)
}

pub(super) async fn expose(
    server: &Server,
    args: &ExposeArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let resource = server.resolve(&args.target.kind).await?;
    let name = &args.target.names[0];
    let obj = server
        .get(&resource.object_path(&args.namespace, name))
        .await?;
    let (selector, template_spec) = match resource.kind.as_str() {
        "Deployment" | "ReplicaSet" | "StatefulSet" => {
            match_labels_selector(&obj)?;
            (
                obj["spec"]["selector"]["matchLabels"].clone(),
                obj["spec"]["template"]["spec"].clone(),
            )
        }
        "Pod" => (obj["metadata"]["labels"].clone(), obj["spec"].clone()),
        _ => {
            return Err(FallbackError::Usage(format!(
                "the built-in kubectl fallback exposes deployments, replicasets and pods, not {}",
                resource.plural
            )));
        }
    };
    let introspected = template_spec["containers"][0]["ports"][0]["containerPort"].as_u64();
    let Some(port) = args.port.map(u64::from).or(introspected) else {
        return Err(FallbackError::Usage(
            "couldn't find port via --port flag or introspection".into(),
        ));
    };
    let target_port = match &args.target_port {
        Some(t) => match t.parse::<u64>() {
            Ok(n) => json!(n),
            Err(_) => json!(t),
        },
        None => json!(port),
    };
    let service_name = args.service_name.clone().unwrap_or_else(|| name.clone());
    let mut spec = json!({
        "ports": [{"port": port, "protocol": args.protocol, "targetPort": target_port}],
        "selector": selector,
    });
    if let Some(t) = &args.service_type {
        spec["type"] = json!(t);
    }
    let body = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": service_name,
            "namespace": args.namespace,
            "labels": obj["metadata"]["labels"].clone(),
        },
        "spec": spec,
    });
    server
        .post(
            &format!("/api/v1/namespaces/{}/services", args.namespace),
            &body,
        )
        .await?;
    out.push(format!("service/{service_name} exposed"));
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_come_from_the_image() {
        assert_eq!(container_name("nginx"), "nginx");
        assert_eq!(container_name("docker.io/library/nginx:1.27"), "nginx");
        assert_eq!(container_name("trinodb/trino@sha256:abc"), "trino");
        assert_eq!(container_name("my_Image:v1"), "my-image");
    }
}
