//! Presenting: the speaker's notes window (`trinetes notes`) that follows a
//! running trinetes over a local Unix socket, and drives it.
//!
//! - `protocol`: what goes over the socket, one JSON object a line.
//! - `hub`: the presentation's end: publishes snapshots to every notes
//!   window, and passes their commands back.
//! - `notes`: the notes window itself: its state, keys and connection;
//!   `notes_view` draws it.
//! - `talk`: the talk's and the lesson's clocks, kept across a restart.
//!
//! Nothing here listens on the network: the socket is a file in the state
//! directory, readable by its owner only.

pub mod hub;
pub mod notes;
pub mod notes_view;
pub mod protocol;
pub mod talk;

pub use protocol::{Command, Snapshot, StepState, socket_path};
