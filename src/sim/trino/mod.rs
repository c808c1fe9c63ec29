//! The simulated Trino server: the start-up decision (does this image start with
//! this config?), its HTTP API and web UI, and the container runtime that the
//! simulated kubelet uses for `trinodb/trino` images.

mod http;
mod runtime;
mod startup;

pub use http::{TrinoNode, WorkerCount, succinct_duration, trino_router};
pub use runtime::{PROBE_LAG, TrinoRuntime, register_trino_runtime};
pub use startup::{
    LATEST_TRINO_VERSION, StartupOutcome, StartupTiming, TrinoConfig, decide_startup, java_version,
    trino_version_of_image,
};
