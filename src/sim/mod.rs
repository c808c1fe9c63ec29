//! The simulated Kubernetes world: an object store with watches, a clock, a pod
//! network for port-forwarding, and an HTTP API server that kubectl and kube-rs
//! talk to unchanged. Nothing here imports the layers above `sim`.

pub mod api;
pub mod clock;
pub mod cluster;
pub mod cobra;
pub mod container;
pub mod controllers;
pub mod eks;
pub mod eksctl;
pub mod helm;
pub mod kinds;
pub mod kubeconfig;
pub mod network;
pub mod nodes;
pub mod runtime;
pub mod server;
pub mod store;
pub mod text;
pub mod trino;
pub mod world;

pub use clock::Clock;
pub use kubeconfig::write_kubeconfig;
pub use network::{PodNetwork, PortHandler, RouterPortHandler};
pub use server::{ApiServer, SimError};
pub use store::{Store, StoreError, WatchEvent, WatchEventType, WatchStream};
