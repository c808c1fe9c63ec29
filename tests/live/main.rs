//! The live and context backends without AWS: the ledger and `trinetes
//! cleanup` against moto_server and stub eksctl/helm on PATH, `trinetes
//! doctor` with tools missing and present, redaction of secrets, and the
//! context backend against the dry-run world with the machine's kubectl.
//! And aws-sdk-eks's waiters with short maximum waits (`waiters`).

#[path = "../support/mod.rs"]
mod support;

mod cleanup;
mod context;
mod doctor;
mod fallback;
mod live_runner;
mod redaction;
mod stubs;
mod tui_cleanup;
mod waiters;
