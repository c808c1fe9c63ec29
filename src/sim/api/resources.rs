//! Resource verbs: get, list, create, replace, patch, delete and
//! deletecollection, plus the `status` and `scale` subresources.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use crate::sim::api::patch::{self, PatchType};
use crate::sim::api::request::{Query, ResourcePath};
use crate::sim::api::selectors::{FieldSelector, LabelSelector, Selectors};
use crate::sim::api::status::{ApiError, json_response, success_status};
use crate::sim::api::table::{self, IncludeObject};
use crate::sim::api::{ApiState, logs, openapi, scale, watch};
use crate::sim::kinds::ResourceKind;
use crate::sim::store::meta_str;

/// Everything about one resource request.
pub struct RequestContext {
    pub state: ApiState,
    pub target: ResourcePath,
    pub query: Query,
    pub accept: Option<String>,
    pub content_type: Option<String>,
    pub body: bytes::Bytes,
}

impl RequestContext {
    pub(crate) fn kind(&self) -> &'static ResourceKind {
        self.target.kind
    }

    pub(crate) fn name(&self) -> &str {
        self.target.name.as_deref().unwrap_or_default()
    }

    fn namespace(&self) -> Option<&str> {
        self.target.namespace.as_deref()
    }

    fn now(&self) -> jiff::Timestamp {
        self.state.store.clock().now()
    }

    fn wants_table(&self) -> bool {
        table::wants_table(self.accept.as_deref())
    }

    /// The stored object at the request path, or 404.
    pub(crate) fn stored(&self) -> Result<Value, ApiError> {
        self.state
            .store
            .get(self.kind().kind, self.namespace(), self.name())
            .ok_or_else(|| ApiError::not_found(self.kind(), self.name()))
    }

    /// The request body as an object (JSON, or YAML when so declared).
    pub(crate) fn body_object(&self) -> Result<Value, ApiError> {
        let yaml = self
            .content_type
            .as_deref()
            .is_some_and(|c| c.contains("yaml"));
        let protobuf = self
            .content_type
            .as_deref()
            .is_some_and(|c| c.contains("protobuf"));
        let parsed: Result<Value, String> = if protobuf {
            crate::sim::api::protobuf::decode(&self.body).map_err(|e| e.to_string())
        } else if yaml {
            serde_norway::from_slice(&self.body).map_err(|e| e.to_string())
        } else {
            serde_json::from_slice(&self.body).map_err(|e| e.to_string())
        };
        let value = parsed.map_err(|e| {
            ApiError::bad_request(format!(
                "the object provided is unrecognized: couldn't decode the body: {e}"
            ))
        })?;
        if !value.is_object() {
            return Err(ApiError::bad_request(
                "the object provided is unrecognized: the body must be an object",
            ));
        }
        Ok(value)
    }

    /// Checks apiVersion/kind against the URL and the namespace and name
    /// against the path, filling what is missing.
    fn check_body(&self, obj: &mut Value, name_from_path: bool) -> Result<(), ApiError> {
        let rk = self.kind();
        let name = meta_str(obj, "name").unwrap_or_default().to_string();
        let want_version = rk.api_version();
        match obj.get("apiVersion").and_then(Value::as_str) {
            Some(v) if v != want_version => {
                return Err(ApiError::invalid(
                    rk,
                    &name,
                    "FieldValueInvalid",
                    "apiVersion",
                    &format!(
                        "Invalid value: \"{v}\": must be {want_version} for {}",
                        rk.qualified_plural()
                    ),
                ));
            }
            Some(_) => {}
            None => obj["apiVersion"] = json!(want_version),
        }
        match obj.get("kind").and_then(Value::as_str) {
            Some(k) if k != rk.kind => {
                return Err(ApiError::invalid(
                    rk,
                    &name,
                    "FieldValueInvalid",
                    "kind",
                    &format!("Invalid value: \"{k}\": must be {}", rk.kind),
                ));
            }
            Some(_) => {}
            None => obj["kind"] = json!(rk.kind),
        }
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        if let Some(ns) = self.namespace() {
            match meta_str(obj, "namespace") {
                Some(body_ns) if !body_ns.is_empty() && body_ns != ns => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ));
                }
                _ => obj["metadata"]["namespace"] = json!(ns),
            }
        } else if rk.namespaced {
            return Err(ApiError::method_not_allowed(format!(
                "{} must be written inside a namespace",
                rk.plural
            )));
        }
        if name_from_path {
            let url_name = self.name();
            if name.is_empty() {
                obj["metadata"]["name"] = json!(url_name);
            } else if name != url_name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({name}) does not match the name on the URL ({url_name})"
                )));
            }
        }
        openapi::validate_fields(rk, obj, self.query.get("fieldValidation"))
    }

    fn dry_run(&self) -> bool {
        self.query.get("dryRun").is_some_and(|d| !d.is_empty())
    }
}

pub(crate) fn ok(body: &Value) -> Response {
    json_response(StatusCode::OK, body)
}

fn created(body: &Value) -> Response {
    json_response(StatusCode::CREATED, body)
}

pub async fn serve(ctx: RequestContext, method: Method) -> Result<Response, ApiError> {
    let sub = ctx.target.subresource.clone();
    let has_name = ctx.target.name.is_some();
    match (method.as_str(), has_name, sub.as_deref()) {
        ("GET", false, _) if ctx.query.flag("watch") => watch::serve(ctx),
        ("GET", false, _) => list(&ctx),
        ("GET", true, None | Some("status")) => get(&ctx),
        ("GET", true, Some("scale")) => Ok(ok(&scale::to_scale(&ctx.stored()?))),
        ("GET", true, Some("log")) => logs::serve(ctx),
        ("POST", false, None) => create(&ctx),
        ("PUT", true, None) => replace(&ctx),
        ("PUT", true, Some("status")) => replace_status(&ctx),
        ("PUT", true, Some("scale")) => scale::replace_scale(&ctx),
        ("PATCH", true, None | Some("status")) => {
            patch_object(&ctx, sub.as_deref() == Some("status"))
        }
        ("PATCH", true, Some("scale")) => scale::patch_scale(&ctx),
        ("DELETE", true, None) => delete(&ctx),
        ("DELETE", false, None) => delete_collection(&ctx),
        (m, _, _) => Err(ApiError::method_not_allowed(format!(
            "the server does not allow this method on the requested resource ({m})"
        ))),
    }
}

fn selectors(ctx: &RequestContext) -> Result<Selectors, ApiError> {
    Ok(Selectors {
        labels: LabelSelector::parse(ctx.query.get("labelSelector").unwrap_or(""))?,
        fields: FieldSelector::parse(ctx.kind(), ctx.query.get("fieldSelector").unwrap_or(""))?,
    })
}

pub fn selectors_for(ctx: &RequestContext) -> Result<Selectors, ApiError> {
    selectors(ctx)
}

fn get(ctx: &RequestContext) -> Result<Response, ApiError> {
    let obj = ctx.stored()?;
    if ctx.wants_table() && ctx.target.subresource.is_none() {
        let include = IncludeObject::parse(ctx.query.get("includeObject"));
        let rv = meta_str(&obj, "resourceVersion")
            .unwrap_or_default()
            .to_string();
        return Ok(ok(&table::table(
            ctx.kind(),
            std::slice::from_ref(&obj),
            json!({"resourceVersion": rv}),
            ctx.now(),
            include,
        )));
    }
    Ok(ok(&obj))
}

/// The continue token: the list's resourceVersion and how many items were sent.
fn encode_continue(rv: u64, offset: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{rv}:{offset}"))
}

fn decode_continue(token: &str) -> Result<usize, ApiError> {
    let bad = || {
        ApiError::bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        )
    };
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (_, offset) = text.split_once(':').ok_or_else(bad)?;
    offset.parse().map_err(|_| bad())
}

fn list(ctx: &RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let sel = selectors(ctx)?;
    let (items, rv) = ctx.state.store.list(rk.kind, ctx.namespace());
    let matching: Vec<Value> = items.into_iter().filter(|o| sel.matches(o)).collect();
    let offset = match ctx.query.get("continue").filter(|c| !c.is_empty()) {
        Some(token) => decode_continue(token)?,
        None => 0,
    };
    let limit = ctx
        .query
        .number("limit")
        .filter(|l| *l > 0)
        .map(|l| l as usize);
    let total = matching.len();
    let end = limit.map_or(total, |l| (offset + l).min(total));
    let page: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(end.saturating_sub(offset))
        .collect();
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if end < total {
        meta["continue"] = json!(encode_continue(rv, end));
        meta["remainingItemCount"] = json!(total - end);
    }
    if ctx.wants_table() {
        let include = IncludeObject::parse(ctx.query.get("includeObject"));
        return Ok(ok(&table::table(rk, &page, meta, ctx.now(), include)));
    }
    Ok(ok(&json!({
        "kind": format!("{}List", rk.kind),
        "apiVersion": rk.api_version(),
        "metadata": meta,
        "items": page,
    })))
}

fn create(ctx: &RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let mut obj = ctx.body_object()?;
    ctx.check_body(&mut obj, false)?;
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("resourceVersion");
        m.remove("uid");
    }
    if ctx.dry_run() {
        return Ok(created(&obj));
    }
    let stored = ctx
        .state
        .store
        .create(rk.kind, obj)
        .map_err(|e| ApiError::from_store(rk, e))?;
    if rk.kind == "Service" {
        endpoints_at_once(&ctx.state.store, &stored);
    }
    Ok(created(&stored))
}

/// A real cluster's endpoints controller fills a new Service's Endpoints
/// within milliseconds, before anyone's next command. The simulator's
/// controllers run as one task that may take longer when the cluster is
/// busy, so the API server writes them with the Service (and deletes them
/// with it); the controllers keep them current in between.
fn endpoints_at_once(store: &crate::sim::store::Store, service: &Value) {
    use k8s_openapi::api::core::v1::{Pod, Service};
    let Ok(typed) = serde_json::from_value::<Service>(service.clone()) else {
        return;
    };
    let (pods, _) = store.list("Pod", typed.metadata.namespace.as_deref());
    let pods: Vec<Pod> = pods
        .into_iter()
        .filter_map(|p| serde_json::from_value(p).ok())
        .collect();
    if let Some(endpoints) = crate::sim::controllers::services::endpoints_for(&typed, &pods) {
        // Already there (the controllers were quicker): nothing to do.
        let _ = store.create(
            "Endpoints",
            crate::sim::controllers::change::to_wire(&endpoints),
        );
    }
}

fn replace(ctx: &RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let mut obj = ctx.body_object()?;
    ctx.check_body(&mut obj, true)?;
    ctx.stored()?;
    if ctx.dry_run() {
        return Ok(ok(&obj));
    }
    let stored = ctx
        .state
        .store
        .update(rk.kind, obj)
        .map_err(|e| ApiError::from_store(rk, e))?;
    Ok(ok(&stored))
}

fn replace_status(ctx: &RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let mut obj = ctx.body_object()?;
    ctx.check_body(&mut obj, true)?;
    let stored = ctx
        .state
        .store
        .update_status(rk.kind, obj)
        .map_err(|e| ApiError::from_store(rk, e))?;
    Ok(ok(&stored))
}

fn patch_object(ctx: &RequestContext, status_only: bool) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let patch_type = PatchType::from_content_type(ctx.content_type.as_deref())?;
    let patch_body = patch::decode_patch(patch_type, &ctx.body)?;
    let existing = ctx.state.store.get(rk.kind, ctx.namespace(), ctx.name());
    let mut target = match existing {
        Some(obj) => obj,
        None if patch_type == PatchType::Apply && !status_only => {
            // Server-side apply creates what does not exist yet.
            let mut obj = patch_body;
            ctx.check_body(&mut obj, true)?;
            let stored = ctx
                .state
                .store
                .create(rk.kind, obj)
                .map_err(|e| ApiError::from_store(rk, e))?;
            return Ok(created(&stored));
        }
        None => return Err(ApiError::not_found(rk, ctx.name())),
    };
    if patch_type == PatchType::Apply {
        let mut applied = patch_body.clone();
        ctx.check_body(&mut applied, true)?;
    }
    let current_rv = meta_str(&target, "resourceVersion").map(str::to_string);
    patch::apply_patch(patch_type, &mut target, &patch_body)?;
    // A patch that names no resourceVersion must not conflict with itself.
    let patched_rv = meta_str(&target, "resourceVersion").map(str::to_string);
    if patched_rv.is_none() {
        target["metadata"]["resourceVersion"] = json!(current_rv);
    }
    ctx.check_body(&mut target, true)?;
    if ctx.dry_run() {
        return Ok(ok(&target));
    }
    let result = if status_only {
        ctx.state.store.update_status(rk.kind, target)
    } else {
        ctx.state.store.update(rk.kind, target)
    };
    Ok(ok(&result.map_err(|e| ApiError::from_store(rk, e))?))
}

fn delete(ctx: &RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    // The body (DeleteOptions) may carry preconditions; a malformed one is an error.
    if !ctx.body.is_empty() {
        // JSON from kubectl; protobuf from helm's typed client.
        let protobuf = ctx
            .content_type
            .as_deref()
            .is_some_and(|c| c.contains("protobuf"));
        let opts: Value = if protobuf {
            crate::sim::api::protobuf::decode(&ctx.body).map_err(|e| e.to_string())
        } else {
            serde_json::from_slice(&ctx.body).map_err(|e| e.to_string())
        }
        .map_err(|e| ApiError::bad_request(format!("invalid DeleteOptions: {e}")))?;
        let existing = ctx.stored()?;
        if let Some(rv) = opts["preconditions"]["resourceVersion"].as_str()
            && meta_str(&existing, "resourceVersion") != Some(rv)
        {
            return Err(ApiError::new(
                409,
                "Conflict",
                format!(
                    "Operation cannot be fulfilled on {} \"{}\": the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record. The object might have been modified",
                    rk.qualified_plural(),
                    ctx.name()
                ),
            ));
        }
    }
    if ctx.dry_run() {
        return Ok(ok(&ctx.stored()?));
    }
    let deleted = ctx
        .state
        .store
        .delete(rk.kind, ctx.namespace(), ctx.name())
        .map_err(|e| ApiError::from_store(rk, e))?;
    if rk.kind == "Service" {
        // Its Endpoints go with it, as they came with it.
        let _ = ctx
            .state
            .store
            .delete("Endpoints", ctx.namespace(), ctx.name());
    }
    let mut status = success_status(rk, ctx.name());
    status["details"]["uid"] = deleted["metadata"]["uid"].clone();
    Ok(ok(&status))
}

fn delete_collection(ctx: &RequestContext) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let sel = selectors(ctx)?;
    let (items, _) = ctx.state.store.list(rk.kind, ctx.namespace());
    let mut deleted = Vec::new();
    for obj in items.into_iter().filter(|o| sel.matches(o)) {
        let name = meta_str(&obj, "name").unwrap_or_default().to_string();
        let ns = meta_str(&obj, "namespace").map(str::to_string);
        if let Ok(gone) = ctx.state.store.delete(rk.kind, ns.as_deref(), &name) {
            deleted.push(gone);
        }
    }
    Ok(ok(&json!({
        "kind": format!("{}List", rk.kind),
        "apiVersion": rk.api_version(),
        "metadata": {"resourceVersion": ctx.state.store.resource_version().to_string()},
        "items": deleted,
    })))
}
