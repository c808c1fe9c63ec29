//! The simulated API server: binds 127.0.0.1, serves the API routes until
//! shut down, and ends open watches and streams when it stops.

use std::net::SocketAddr;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::sim::api::{ApiState, router};
use crate::sim::store::Store;

pub use crate::sim::kubeconfig::write_kubeconfig;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("cannot read the listening address: {0}")]
    Address(std::io::Error),
}

/// A running API server.
pub struct ApiServer {
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<()>,
}

impl ApiServer {
    /// Listens on 127.0.0.1 (on `port`, or an ephemeral port when None).
    pub async fn start(store: Store, port: Option<u16>) -> Result<ApiServer, SimError> {
        let wanted = port.unwrap_or(0);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", wanted))
            .await
            .map_err(|source| SimError::Bind {
                port: wanted,
                source,
            })?;
        let addr = listener.local_addr().map_err(SimError::Address)?;
        let shutdown = CancellationToken::new();
        let app = router(ApiState {
            store,
            shutdown: shutdown.clone(),
        });
        let stop = shutdown.clone();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::warn!("simulated API server stopped: {e}");
            }
        });
        Ok(ApiServer {
            addr,
            shutdown,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Stops accepting, ends watches and streams, and waits (boundedly) for
    /// open connections to finish.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        let mut task = self.task;
        if tokio::time::timeout(std::time::Duration::from_secs(5), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}
