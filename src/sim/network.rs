//! Placeholder until the simapi branch is merged.
use futures::future::BoxFuture;
use tokio::io::DuplexStream;
pub trait PortHandler: Send + Sync + 'static {
    fn serve(&self, conn: DuplexStream) -> BoxFuture<'static, ()>;
}
