//! The simulated API server and controllers, seen through kube-rs and the machine's kubectl.

#[path = "../support/mod.rs"]
mod support;

mod api_errors;
mod api_kube;
mod api_load;
mod behaviour;
mod behaviour_kube;
mod container;
mod defaults;
mod endpoints_at_once;
mod exec_fallback;
mod exec_kubectl;
mod exec_protocol;
mod exec_trino;
mod explain;
mod kubectl_get;
mod kubectl_port_forward;
mod kubectl_write;
mod replicaset_ownership;
mod rollout;
