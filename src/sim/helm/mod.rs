//! The simulated helm: the project's Trino charts, values and `--set` merging, the
//! template engine, release records kept in the cluster, and the helm command line.
//! No terminal or process I/O: callers pass arguments in and get text back.

pub mod chart;
pub mod cluster;
pub mod cmd;
mod install;
pub mod output;
pub mod release;
mod releases;
mod repo;
pub mod run;
mod set_syntax;
pub mod template;
mod upgrade;
pub mod values;

pub use chart::{
    Chart, ChartError, ChartMeta, Manifest, ReleaseTarget, Rendered, fullname, trino_chart,
};
pub use cluster::{ClusterApply, ClusterError};
pub use release::{ReleaseRecord, ReleaseStatus, ResourceRef};
pub use run::{
    ChartRepo, HELM_VERSION, HelmEnv, HelmOutput, HelmSim, TRINO_REPO_URL, WaitRequest,
    version_text,
};
pub use values::{UserValues, ValuesError};
