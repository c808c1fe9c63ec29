//! Each fallback command: the requests it makes and the lines it prints,
//! with kubectl's wording. Reading (`get`, `describe`) is here; changes
//! (scale, delete, create, expose) and logs have their own files.

use serde_json::{Value, json};

use super::FallbackError;
use super::api::{Resource, Server, encode_query};
use super::cmd::{GetArgs, Invocation, OutputFormat, Scope, Target};
use super::format::{TableOptions, no_resources, render_tables};
use super::{changes, describe, exec, logs, rollouts};

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
        } => changes::scale(server, target, namespace, *replicas, out).await,
        Invocation::Delete(args) => changes::delete(server, args, out).await,
        Invocation::Logs(args) => logs::logs(server, args, out).await,
        Invocation::Exec(args) => exec::exec(server, args, out).await,
        Invocation::CreateDeployment(args) => changes::create_deployment(server, args, out).await,
        Invocation::Expose(args) => changes::expose(server, args, out).await,
        Invocation::SetImage(args) => rollouts::set_image(server, args, out).await,
        Invocation::Rollout(args) => rollouts::rollout(server, args, out).await,
        Invocation::Version => {
            let version = server.get("/version").await?;
            out.push("Client Version: none (trinetes' built-in kubectl fallback)".into());
            out.push(format!(
                "Server Version: {}",
                version["gitVersion"].as_str().unwrap_or("unknown")
            ));
            Ok(0)
        }
        Invocation::Help(text) => {
            out.extend(text.trim_end().lines().map(str::to_string));
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

pub(super) fn with_selector(path: String, selector: Option<&str>) -> String {
    match selector {
        Some(s) => format!("{path}?labelSelector={}", encode_query(s)),
        None => path,
    }
}

pub(super) fn items(list: &Value) -> &[Value] {
    list["items"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

pub(super) fn name_of(obj: &Value) -> &str {
    obj["metadata"]["name"].as_str().unwrap_or_default()
}

/// Print an error about one object and go on with the others.
pub(super) fn report(out: &mut Vec<String>, e: FallbackError) -> Result<(), FallbackError> {
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
        serde_norway::to_string(&doc).map_err(|e| FallbackError::Transport(e.to_string()))?
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

/// `a=1,b=2` from a workload's `spec.selector.matchLabels`.
pub(super) fn match_labels_selector(obj: &Value) -> Result<String, FallbackError> {
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
