//! The `scale` subresource of Deployments and ReplicaSets: an autoscaling/v1
//! Scale view read from, and written back to, `spec.replicas`.

use axum::response::Response;
use serde_json::{Value, json};

use crate::sim::api::patch::{self, PatchType};
use crate::sim::api::resources::{RequestContext, ok};
use crate::sim::api::selectors::format_label_selector;
use crate::sim::api::status::ApiError;
use crate::sim::store::meta_str;

/// The autoscaling/v1 Scale view of a Deployment or ReplicaSet.
pub fn to_scale(obj: &Value) -> Value {
    let m = &obj["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": m["name"], "namespace": m["namespace"], "uid": m["uid"],
            "resourceVersion": m["resourceVersion"], "creationTimestamp": m["creationTimestamp"],
        },
        "spec": {"replicas": obj["spec"]["replicas"].as_i64().unwrap_or(0)},
        "status": {
            "replicas": obj["status"]["replicas"].as_i64().unwrap_or(0),
            "selector": format_label_selector(obj["spec"].get("selector")).replace("<none>", ""),
        },
    })
}

fn write_scale(ctx: &RequestContext, scale: &Value) -> Result<Response, ApiError> {
    let rk = ctx.kind();
    let mut obj = ctx.stored()?;
    let Some(replicas) = scale["spec"]["replicas"].as_i64() else {
        return Err(ApiError::invalid(
            rk,
            ctx.name(),
            "FieldValueRequired",
            "spec.replicas",
            "Required value",
        ));
    };
    if replicas < 0 {
        return Err(ApiError::invalid(
            rk,
            ctx.name(),
            "FieldValueInvalid",
            "spec.replicas",
            &format!("Invalid value: {replicas}: must be greater than or equal to 0"),
        ));
    }
    if let Some(rv) = meta_str(scale, "resourceVersion").filter(|r| !r.is_empty()) {
        obj["metadata"]["resourceVersion"] = json!(rv);
    }
    obj["spec"]["replicas"] = json!(replicas);
    let stored = ctx
        .state
        .store
        .update(rk.kind, obj)
        .map_err(|e| ApiError::from_store(rk, e))?;
    Ok(ok(&to_scale(&stored)))
}

pub fn replace_scale(ctx: &RequestContext) -> Result<Response, ApiError> {
    let scale = ctx.body_object()?;
    write_scale(ctx, &scale)
}

pub fn patch_scale(ctx: &RequestContext) -> Result<Response, ApiError> {
    let patch_type = PatchType::from_content_type(ctx.content_type.as_deref())?;
    let patch_body = patch::decode_patch(patch_type, &ctx.body)?;
    let mut scale = to_scale(&ctx.stored()?);
    let current_rv = scale["metadata"]["resourceVersion"].clone();
    patch::apply_patch(patch_type, &mut scale, &patch_body)?;
    if scale["metadata"]["resourceVersion"] == current_rv {
        scale["metadata"]["resourceVersion"] = Value::Null;
    }
    write_scale(ctx, &scale)
}
