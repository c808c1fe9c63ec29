//! The simulated world.
pub mod controllers;
pub mod runtime;
