//! The simulated world.
pub mod controllers;
pub mod nodes;
pub mod runtime;
