//! The simulated EKS endpoint and eksctl, against aws-sdk-eks, the aws CLI and moto_server.

#[path = "../support/mod.rs"]
mod support;

mod aws_cli;
mod eksctl_plan;
mod interrupted;
mod moto;
mod sim_endpoint;
