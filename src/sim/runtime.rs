//! Container runtimes.
#[derive(Debug, Clone)]
pub struct ContainerContext {}
