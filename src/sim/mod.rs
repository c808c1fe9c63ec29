//! The simulated world.
pub mod helm;
