//! The simulated world (dry-run backend).

pub mod eks;
pub mod eksctl;
