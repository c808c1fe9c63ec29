//! Typed checks over the Kubernetes API, the EKS API and HTTP.

#[path = "../support/mod.rs"]
mod support;

mod deployment_rollout;
mod eks_checks;
mod http_checks;
mod kube_checks;
