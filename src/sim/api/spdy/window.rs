//! SPDY/3.1 flow control on the sending side: the peer's window for the
//! session and for each stream, taken from by each data frame we send and
//! given back by its WINDOW_UPDATEs.
//!
//! The windows are kept only once the peer shows that it keeps them (a
//! WINDOW_UPDATE or an initial-window SETTINGS). kubectl's SPDY library
//! does neither, and a sender that waited for its updates would stall after
//! 64 KiB; a real kubelet, which ignores windows, does not.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

use super::frame::INITIAL_WINDOW;
use super::session::StreamClosed;

/// The peer's receive windows, as far as we know them.
#[derive(Default)]
pub struct Windows {
    state: Mutex<WindowState>,
    changed: Notify,
}

struct WindowState {
    /// The client showed that it keeps windows.
    enforced: bool,
    initial: i64,
    session: i64,
    /// Streams we may still send on.
    streams: HashMap<u32, i64>,
    closed: bool,
}

impl Default for WindowState {
    fn default() -> Self {
        WindowState {
            enforced: false,
            initial: i64::from(INITIAL_WINDOW),
            session: i64::from(INITIAL_WINDOW),
            streams: HashMap::new(),
            closed: false,
        }
    }
}

impl Windows {
    fn state(&self) -> MutexGuard<'_, WindowState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn open(&self, id: u32) {
        let mut s = self.state();
        let initial = s.initial;
        s.streams.insert(id, initial);
    }

    /// Stops sends on a stream; true if it was open.
    pub fn close(&self, id: u32) -> bool {
        let open = self.state().streams.remove(&id).is_some();
        self.changed.notify_waiters();
        open
    }

    pub fn close_all(&self) {
        let mut s = self.state();
        s.closed = true;
        s.streams.clear();
        drop(s);
        self.changed.notify_waiters();
    }

    pub fn grant(&self, stream_id: u32, delta: u32) {
        let mut s = self.state();
        s.enforced = true;
        let delta = i64::from(delta);
        if stream_id == 0 {
            s.session += delta;
        } else if let Some(w) = s.streams.get_mut(&stream_id) {
            *w += delta;
        }
        drop(s);
        self.changed.notify_waiters();
    }

    pub fn set_initial(&self, value: u32) {
        let mut s = self.state();
        s.enforced = true;
        let change = i64::from(value) - s.initial;
        s.initial = i64::from(value);
        for w in s.streams.values_mut() {
            *w += change;
        }
        drop(s);
        self.changed.notify_waiters();
    }

    /// Takes up to `want` bytes of window, waiting for some if none is left.
    pub async fn reserve(&self, id: u32, want: usize) -> Result<usize, StreamClosed> {
        loop {
            let changed = self.changed.notified();
            {
                let mut s = self.state();
                if s.closed {
                    return Err(StreamClosed);
                }
                let session = s.session;
                let enforced = s.enforced;
                let stream = s.streams.get_mut(&id).ok_or(StreamClosed)?;
                let available = if enforced {
                    (*stream).min(session).max(0) as usize
                } else {
                    want
                };
                if available > 0 {
                    let n = want.min(available);
                    *stream -= n as i64;
                    s.session -= n as i64;
                    return Ok(n);
                }
            }
            changed.await;
        }
    }
}
