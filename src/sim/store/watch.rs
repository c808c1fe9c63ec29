//! Watches: each watcher gets its own unbounded queue, filled under the store
//! lock, so events reach every watcher complete and in resourceVersion order.

use std::pin::Pin;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::sync::mpsc;

use super::{Inner, StoreError, meta_str};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEventType {
    Added,
    Modified,
    Deleted,
}

impl WatchEventType {
    /// "ADDED", "MODIFIED" or "DELETED", as on the wire.
    pub fn as_wire(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
        }
    }
}

/// One change to one object.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    /// The object's kind, e.g. "Pod".
    pub kind: String,
    pub event_type: WatchEventType,
    /// The object after the change (for Deleted: as last stored).
    pub object: Value,
    pub resource_version: u64,
}

pub(super) struct Watcher {
    kind: Option<&'static str>,
    namespace: Option<String>,
    tx: mpsc::UnboundedSender<WatchEvent>,
}

impl Watcher {
    fn wants(&self, event: &WatchEvent) -> bool {
        if self.kind.is_some_and(|k| k != event.kind) {
            return false;
        }
        match &self.namespace {
            None => true,
            Some(ns) => meta_str(&event.object, "namespace") == Some(ns.as_str()),
        }
    }

    /// Queues the event if wanted; false once the watcher is gone.
    pub(super) fn offer(&self, event: &WatchEvent) -> bool {
        if self.tx.is_closed() {
            return false;
        }
        if self.wants(event) {
            return self.tx.send(event.clone()).is_ok();
        }
        true
    }
}

impl Inner {
    pub(super) fn subscribe(
        &mut self,
        kind: Option<&'static str>,
        namespace: Option<String>,
        since_rv: u64,
    ) -> Result<WatchStream, StoreError> {
        if since_rv < self.dropped_up_to {
            return Err(StoreError::Expired {
                requested: since_rv,
                oldest: self.dropped_up_to + 1,
            });
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let watcher = Watcher {
            kind,
            namespace,
            tx,
        };
        for event in self
            .history
            .iter()
            .filter(|e| e.resource_version > since_rv)
        {
            watcher.offer(event);
        }
        self.watchers.push(watcher);
        Ok(WatchStream { rx })
    }
}

/// The events of one watch, oldest first. Ends only when the store is dropped.
pub struct WatchStream {
    rx: mpsc::UnboundedReceiver<WatchEvent>,
}

impl WatchStream {
    pub async fn next(&mut self) -> Option<WatchEvent> {
        self.rx.recv().await
    }

    /// An event already queued, without waiting.
    pub fn try_next(&mut self) -> Option<WatchEvent> {
        self.rx.try_recv().ok()
    }
}

impl futures::Stream for WatchStream {
    type Item = WatchEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WatchEvent>> {
        self.rx.poll_recv(cx)
    }
}
