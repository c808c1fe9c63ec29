//! Controllers of the simulated cluster: pure reconcile functions and the
//! tasks that drive them from the store's watch.

pub mod change;
pub mod deployment;
pub mod events;
pub mod gc;
pub mod kubelet;
pub mod names;
pub mod pods;
pub mod replicaset;
pub mod resources;
pub mod scheduler;
pub mod services;
