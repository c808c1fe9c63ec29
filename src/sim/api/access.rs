//! SelfSubjectAccessReview: "may I do this?", and SelfSubjectRulesReview:
//! "what may I do here?". The simulated cluster has no access control, so
//! every question is answered yes, with the reason said, and the rules are
//! everything. `kubectl auth can-i` (and `--list`) and `trinetes doctor`
//! ask them.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::json_response;

/// The path kubectl and kube-rs post reviews to.
pub const PATH: &str = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

/// The path `kubectl auth can-i --list` posts its rules review to.
pub const RULES_PATH: &str = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

/// Takes JSON, or protobuf as `kubectl auth can-i` sends it.
pub async fn handle(headers: HeaderMap, body: Bytes) -> Response {
    match read(&headers, &body) {
        Ok(review) => json_response(StatusCode::CREATED, &answer(&review)),
        Err(why) => (StatusCode::BAD_REQUEST, why).into_response(),
    }
}

/// A rules review: everything, everywhere.
pub async fn handle_rules(headers: HeaderMap, body: Bytes) -> Response {
    match read(&headers, &body) {
        Ok(review) => json_response(StatusCode::CREATED, &rules(&review)),
        Err(why) => (StatusCode::BAD_REQUEST, why).into_response(),
    }
}

/// The posted review, from JSON or from protobuf; why not, when it cannot
/// be read.
fn read(headers: &HeaderMap, body: &Bytes) -> Result<Value, String> {
    let protobuf = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/vnd.kubernetes.protobuf"));
    let parsed = if protobuf {
        super::protobuf::decode(body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(body).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| format!("the review cannot be read: {e}"))
}

/// The rules review with its status: every verb on every resource and URL.
pub fn rules(review: &Value) -> Value {
    json!({
        "kind": "SelfSubjectRulesReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": review.get("spec").cloned().unwrap_or_else(|| json!({})),
        "status": {
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": false
        }
    })
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
    fn the_rules_are_everything_in_the_namespace_asked() {
        let asked = json!({"spec": {"namespace": "learner-1"}});
        let r = rules(&asked);
        assert_eq!(r["kind"], "SelfSubjectRulesReview");
        assert_eq!(r["spec"]["namespace"], "learner-1");
        assert_eq!(r["status"]["resourceRules"][0]["verbs"], json!(["*"]));
        assert_eq!(r["status"]["incomplete"], false);
    }

    #[test]
    fn every_question_is_allowed_and_the_spec_is_kept() {
        let asked = json!({"spec": {"resourceAttributes": {"verb": "create", "group": "apps", "resource": "deployments", "namespace": "learner-1"}}});
        let a = answer(&asked);
        assert_eq!(a["status"]["allowed"], true);
        assert_eq!(a["spec"], asked["spec"]);
        assert_eq!(a["kind"], "SelfSubjectAccessReview");
    }
}
