//! Process-wide TLS set-up. kube and the AWS SDK both use rustls; with more
//! than one crypto provider compiled in, rustls refuses to pick one and
//! panics at the first TLS connection, so the process installs aws-lc-rs
//! (which both crates support) before any client is built.

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Installs aws-lc-rs as rustls's process default. Idempotent and cheap;
/// call it before building any kube or AWS client. If some other code
/// installed a provider first, that one stays.
pub fn install_crypto_provider() {
    INSTALL.call_once(|| {
        // Err only means a provider is already installed, which is fine.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installing_twice_leaves_one_default_provider() {
        install_crypto_provider();
        install_crypto_provider();
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
