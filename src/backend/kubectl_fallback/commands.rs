//! Each fallback command: the requests it makes and the lines it prints,
//! with kubectl's wording (`deployment.apps/web scaled`, `pod "x" deleted`).

use serde_json::{Value, json};

use super::FallbackError;
use super::api::{Resource, Server, encode_query};
use super::args::{
    CreateDeploymentArgs, DeleteArgs, ExposeArgs, GetArgs, Invocation, LogsArgs, OutputFormat,
    Scope, Target,
};
use super::describe;
use super::format::{TableOptions, no_resources, render_tables};

/// Run one parsed command; errors that end it early are returned, errors
/// about single objects among several are printed and give exit code 1.
pub async fn execute(
    server: &Server,
    invocation: &Invocation,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    match invocation {
        Invocation::Get(args) => get(server, args, out).await,
        Invocation::Describe {
            target,
            namespace,
            selector,
        } => describe_objects(server, target, namespace, selector.as_deref(), out).await,
        Invocation::Scale {
            target,
            namespace,
            replicas,
        } => scale(server, target, namespace, *replicas, out).await,
        Invocation::Delete(args) => delete(server, args, out).await,
        Invocation::Logs(args) => logs(server, args, out).await,
        Invocation::CreateDeployment(args) => create_deployment(server, args, out).await,
        Invocation::Expose(args) => expose(server, args, out).await,
        Invocation::Version => {
            let version = server.get("/version").await?;
            out.push("Client Version: none (trinetes' built-in kubectl fallback)".into());
            out.push(format!(
                "Server Version: {}",
                version["gitVersion"].as_str().unwrap_or("unknown")
            ));
            Ok(0)
        }
        Invocation::ClusterInfo => {
            server.get("/version").await?;
            out.push(format!(
                "Kubernetes control plane is running at {}",
                server.url()
            ));
            Ok(0)
        }
    }
}

fn with_selector(path: String, selector: Option<&str>) -> String {
    match selector {
        Some(s) => format!("{path}?labelSelector={}", encode_query(s)),
        None => path,
    }
}

fn items(list: &Value) -> &[Value] {
    list["items"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn name_of(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or_default()
}

/// Print an error about one object and go on with the others.
fn report(out: &mut Vec<String>, e: FallbackError) -> Result<(), FallbackError> {
    match e {
        FallbackError::Server { .. } => {
            out.push(e.to_string());
            Ok(())
        }
        other => Err(other),
    }
}

async fn get(server: &Server, args: &GetArgs, out: &mut Vec<String>) -> Result<i32, FallbackError> {
    let resource = server.resolve(&args.target.kind).await?;
    let names = &args.target.names;
    if args.scope == Scope::All && !names.is_empty() {
        return Err(FallbackError::Usage(
            "a resource cannot be retrieved by name across all namespaces".into(),
        ));
    }
    let namespace = args.scope.namespace().unwrap_or("default");
    let list_path = with_selector(
        resource.collection_path(args.scope.namespace()),
        args.selector.as_deref(),
    );
    let mut code = 0;
    match args.output {
        OutputFormat::Table | OutputFormat::Wide => {
            let mut tables = Vec::new();
            let mut errors = Vec::new();
            if names.is_empty() {
                tables.push(server.get_table(&list_path).await?);
            } else {
                for name in names {
                    match server
                        .get_table(&resource.object_path(namespace, name))
                        .await
                    {
                        Ok(t) => tables.push(t),
                        Err(e) => {
                            report(&mut errors, e)?;
                            code = 1;
                        }
                    }
                }
            }
            let rows: usize = tables
                .iter()
                .map(|t| t["rows"].as_array().map_or(0, Vec::len))
                .sum();
            if rows == 0 && names.is_empty() {
                let ns = match (&args.scope, resource.namespaced) {
                    (Scope::Namespace(ns), true) => Some(ns.as_str()),
                    _ => None,
                };
                out.push(no_resources(ns));
            } else {
                out.extend(render_tables(
                    &tables,
                    TableOptions {
                        wide: args.output == OutputFormat::Wide,
                        with_namespace: args.scope == Scope::All && resource.namespaced,
                        show_labels: args.show_labels,
                        no_headers: args.no_headers,
                    },
                ));
            }
            out.extend(errors);
        }
        OutputFormat::Name | OutputFormat::Json | OutputFormat::Yaml => {
            let mut objects = Vec::new();
            if names.is_empty() {
                objects.extend(items(&server.get(&list_path).await?).iter().cloned());
            } else {
                let mut errors = Vec::new();
                for name in names {
                    match server.get(&resource.object_path(namespace, name)).await {
                        Ok(o) => objects.push(o),
                        Err(e) => {
                            report(&mut errors, e)?;
                            code = 1;
                        }
                    }
                }
                print_objects(&resource, &objects, names.len() == 1, args.output, out)?;
                out.extend(errors);
                return Ok(code);
            }
            print_objects(&resource, &objects, false, args.output, out)?;
        }
    }
    Ok(code)
}

fn print_objects(
    resource: &Resource,
    objects: &[Value],
    single: bool,
    output: OutputFormat,
    out: &mut Vec<String>,
) -> Result<(), FallbackError> {
    if output == OutputFormat::Name {
        for o in objects {
            out.push(format!("{}/{}", resource.singular_qualified(), name_of(o)));
        }
        return Ok(());
    }
    let api_version = if resource.group.is_empty() {
        resource.version.clone()
    } else {
        format!("{}/{}", resource.group, resource.version)
    };
    let typed: Vec<Value> = objects
        .iter()
        .map(|o| {
            let mut o = o.clone();
            if let Some(m) = o.as_object_mut() {
                m.entry("apiVersion").or_insert(json!(api_version));
                m.entry("kind").or_insert(json!(resource.kind));
            }
            o
        })
        .collect();
    let doc = match (single, typed.first()) {
        (true, Some(one)) => one.clone(),
        (true, None) => return Ok(()),
        (false, _) => json!({
            "apiVersion": "v1",
            "items": typed,
            "kind": "List",
            "metadata": {"resourceVersion": ""}
        }),
    };
    let text = if output == OutputFormat::Json {
        serde_json::to_string_pretty(&doc).map_err(|e| FallbackError::Transport(e.to_string()))?
    } else {
        serde_yaml::to_string(&doc).map_err(|e| FallbackError::Transport(e.to_string()))?
    };
    out.extend(text.lines().map(str::to_string));
    Ok(())
}

async fn describe_objects(
    server: &Server,
    target: &Target,
    namespace: &str,
    selector: Option<&str>,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let resource = server.resolve(&target.kind).await?;
    if resource.kind != "Deployment" && resource.kind != "Pod" {
        return Err(FallbackError::Usage(format!(
            "the built-in kubectl fallback describes deployments and pods, not {}; install kubectl to describe them",
            resource.plural
        )));
    }
    let mut code = 0;
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    if target.names.is_empty() {
        let path = with_selector(resource.collection_path(Some(namespace)), selector);
        objects.extend(items(&server.get(&path).await?).iter().cloned());
        if objects.is_empty() {
            out.push(no_resources(Some(namespace)));
            return Ok(0);
        }
    }
    for name in &target.names {
        match server.get(&resource.object_path(namespace, name)).await {
            Ok(o) => objects.push(o),
            Err(e) => {
                report(&mut errors, e)?;
                code = 1;
            }
        }
    }
    let events = server
        .get(&format!("/api/v1/namespaces/{namespace}/events"))
        .await?;
    let events = items(&events);
    let now = jiff::Timestamp::now();
    for (i, obj) in objects.iter().enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        if resource.kind == "Pod" {
            out.extend(describe::pod(obj, events, now));
            continue;
        }
        let uid = obj["metadata"]["uid"].as_str().unwrap_or_default();
        let rs_path = format!("/apis/apps/v1/namespaces/{namespace}/replicasets");
        let owned: Vec<Value> = items(&server.get(&rs_path).await?)
            .iter()
            .filter(|rs| {
                rs["metadata"]["ownerReferences"]
                    .as_array()
                    .is_some_and(|refs| refs.iter().any(|r| r["uid"] == uid))
            })
            .cloned()
            .collect();
        out.extend(describe::deployment(obj, &owned, events, now));
    }
    out.extend(errors);
    Ok(code)
}

async fn scale(
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

async fn delete(
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

/// Order pods the way `kubectl logs deploy/x` picks one: scheduled,
/// running, ready, most restarted, oldest.
fn logging_rank(pod: &Value) -> (bool, u8, bool, std::cmp::Reverse<i64>, String) {
    let status = &pod["status"];
    let phase = match status["phase"].as_str() {
        Some("Running") => 0,
        Some("Unknown") => 1,
        Some("Pending") => 2,
        _ => 3,
    };
    let ready = status["conditions"].as_array().is_some_and(|c| {
        c.iter()
            .any(|c| c["type"] == "Ready" && c["status"] == "True")
    });
    let restarts: i64 = status["containerStatuses"]
        .as_array()
        .map(|s| s.iter().filter_map(|c| c["restartCount"].as_i64()).sum())
        .unwrap_or(0);
    (
        pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty),
        phase,
        !ready,
        std::cmp::Reverse(restarts),
        pod["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

fn match_labels_selector(obj: &Value) -> Result<String, FallbackError> {
    let labels = obj["spec"]["selector"]["matchLabels"]
        .as_object()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            FallbackError::Usage(format!(
                "{} has no matchLabels selector the built-in fallback can use",
                name_of(obj)
            ))
        })?;
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    parts.sort();
    Ok(parts.join(","))
}

async fn logs(
    server: &Server,
    args: &LogsArgs,
    out: &mut Vec<String>,
) -> Result<i32, FallbackError> {
    let ns = &args.namespace;
    let (kind, name) = match args.target.split_once('/') {
        Some((k, n)) => (k, n),
        None => ("pod", args.target.as_str()),
    };
    let resource = server.resolve(kind).await?;
    let pod = match resource.kind.as_str() {
        "Pod" => server.get(&resource.object_path(ns, name)).await?,
        "Deployment" | "ReplicaSet" => {
            let owner = server.get(&resource.object_path(ns, name)).await?;
            let selector = match_labels_selector(&owner)?;
            let path = with_selector(format!("/api/v1/namespaces/{ns}/pods"), Some(&selector));
            let list = server.get(&path).await?;
            let mut pods: Vec<&Value> = items(&list).iter().collect();
            pods.sort_by_key(|p| logging_rank(p));
            let Some(first) = pods.first() else {
                return Err(FallbackError::Usage(format!(
                    "no pods found for {}/{name}",
                    resource.singular_qualified()
                )));
            };
            if pods.len() > 1 {
                out.push(format!(
                    "Found {} pods, using pod/{}",
                    pods.len(),
                    name_of(first)
                ));
            }
            (*first).clone()
        }
        _ => {
            return Err(FallbackError::Usage(format!(
                "the built-in kubectl fallback shows logs of pods, deployments and replicasets, not {}",
                resource.plural
            )));
        }
    };
    let pod_name = name_of(&pod).to_string();
    let container = match &args.container {
        Some(c) => Some(c.clone()),
        None => {
            let names: Vec<&str> = pod["spec"]["containers"]
                .as_array()
                .map(|c| c.iter().filter_map(|c| c["name"].as_str()).collect())
                .unwrap_or_default();
            let preferred =
                pod["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
                    .as_str()
                    .filter(|p| names.contains(p));
            match (preferred, names.as_slice()) {
                (Some(p), _) => Some(p.to_string()),
                (None, [_]) | (None, []) => None,
                (None, [first, ..]) => {
                    out.push(format!(
                        "Defaulted container \"{first}\" out of: {}",
                        names.join(", ")
                    ));
                    Some((*first).to_string())
                }
            }
        }
    };
    let mut query = Vec::new();
    if let Some(c) = &container {
        query.push(format!("container={}", encode_query(c)));
    }
    if args.previous {
        query.push("previous=true".into());
    }
    if let Some(t) = args.tail {
        query.push(format!("tailLines={t}"));
    }
    let mut path = format!("/api/v1/namespaces/{ns}/pods/{pod_name}/log");
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let text = server.get_text(&path).await?;
    out.extend(text.lines().map(str::to_string));
    Ok(0)
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

async fn create_deployment(
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

async fn expose(
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

    #[test]
    fn the_running_ready_pod_is_picked_for_logs() {
        let pending = json!({"metadata": {"name": "a", "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {}, "status": {"phase": "Pending"}});
        let running = json!({"metadata": {"name": "b", "creationTimestamp": "2026-01-02T00:00:00Z"},
            "spec": {"nodeName": "n1"}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}});
        let mut pods = [&pending, &running];
        pods.sort_by_key(|p| logging_rank(p));
        assert_eq!(name_of(pods[0]), "b");
    }
}
