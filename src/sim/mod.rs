//! The simulated world.
pub mod controllers;
pub mod network;
pub mod nodes;
pub mod runtime;
