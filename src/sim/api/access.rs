//! SelfSubjectAccessReview: "may I do this?" The simulated cluster has no
//! access control, so every question is answered yes, with the reason said.
//! `kubectl auth can-i` and `trinetes doctor` ask it.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::json_response;

/// The path kubectl and kube-rs post reviews to.
pub const PATH: &str = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

/// Takes JSON, or protobuf as `kubectl auth can-i` sends it.
pub async fn handle(headers: HeaderMap, body: Bytes) -> Response {
    let protobuf = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/vnd.kubernetes.protobuf"));
    let parsed = if protobuf {
        super::protobuf::decode(&body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    };
    let review: Value = match parsed {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                format!("the SelfSubjectAccessReview cannot be read: {e}"),
            )
                .into_response();
        }
    };
    json_response(StatusCode::CREATED, &answer(&review))
}

/// The review with its status filled in: allowed.
pub fn answer(review: &Value) -> Value {
    json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": review.get("spec").cloned().unwrap_or_else(|| json!({})),
        "status": {
            "allowed": true,
            "reason": "the trinetes simulated cluster has no access control"
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_is_allowed_and_the_spec_is_kept() {
        let asked = json!({"spec": {"resourceAttributes": {"verb": "create", "group": "apps", "resource": "deployments", "namespace": "learner-1"}}});
        let a = answer(&asked);
        assert_eq!(a["status"]["allowed"], true);
        assert_eq!(a["spec"], asked["spec"]);
        assert_eq!(a["kind"], "SelfSubjectAccessReview");
    }
}
