//! SPDY/3.1, as kubectl speaks it for port-forward: inside a WebSocket
//! (`SPDY/3.1+portforward.k8s.io`) or after a plain `Upgrade: SPDY/3.1`.
//! `frame` lays frames out, `headers` compresses header blocks, `session`
//! runs one server connection, and `portforward` pairs the streams kubectl
//! opens into forwarded connections.

mod dictionary;
pub mod frame;
pub mod headers;
pub mod portforward;
pub mod session;
mod window;

#[cfg(test)]
mod captured;
