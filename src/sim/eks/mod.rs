//! The simulated EKS service endpoint.

pub mod naming;
