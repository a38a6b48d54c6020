//! TLS material of a node, loaded from the PEM files named in the configuration:
//! the HTTPS API's server config, the Raft links' [`RaftTls`], and the CA the node trusts
//! when it calls its peers' HTTPS API. rustls with the ring provider everywhere.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use syncer_raft::network::RaftTls;

use crate::config::NodeConfig;

/// Why TLS material could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read.
    #[error("read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file holds no usable certificate or key, or rustls refused them.
    #[error("{what}: {msg}")]
    Invalid {
        /// Which file or setting.
        what: String,
        /// What is wrong.
        msg: String,
    },
}

fn invalid(what: &str, msg: impl ToString) -> TlsError {
    TlsError::Invalid {
        what: what.to_string(),
        msg: msg.to_string(),
    }
}

/// Reads a whole PEM file.
pub fn read_pem(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// Makes ring the process-wide rustls provider (tonic asks for the default one). A no-op
/// when one is already installed.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Everything TLS a node needs; `None` fields mean plain text.
#[derive(Clone, Default)]
pub struct NodeTls {
    /// Server config of the HTTPS API.
    pub api_server: Option<Arc<rustls::ServerConfig>>,
    /// PEM CA trusted when calling peers' HTTPS API (set when the API uses TLS).
    pub api_ca: Option<Vec<u8>>,
    /// Raft links.
    pub raft: Option<RaftTls>,
}

impl NodeTls {
    /// Loads the files `cfg` names.
    pub fn load(cfg: &NodeConfig) -> Result<Self, TlsError> {
        install_crypto_provider();
        let mut out = NodeTls::default();
        if let (Some(cert), Some(key)) = (&cfg.api.tls_cert, &cfg.api.tls_key) {
            let config = server_config(&read_pem(cert)?, &read_pem(key)?)?;
            out.api_server = Some(Arc::new(config));
            // Nodes call each other's API (forwarding, heartbeats, join): they must know
            // which CA to trust.
            let ca = cfg.tls.api_ca_path().ok_or_else(|| {
                invalid(
                    "tls.api_ca",
                    "required with api.tls_cert (or set tls.raft_ca)",
                )
            })?;
            out.api_ca = Some(read_pem(ca)?);
        }
        if let (Some(ca), Some(cert), Some(key)) =
            (&cfg.tls.raft_ca, &cfg.tls.raft_cert, &cfg.tls.raft_key)
        {
            out.raft = Some(RaftTls {
                ca_pem: read_pem(ca)?,
                cert_pem: read_pem(cert)?,
                key_pem: read_pem(key)?,
                client_auth: cfg.tls.raft_client_auth,
            });
        }
        Ok(out)
    }
}

/// A rustls server config (HTTP/2 and HTTP/1.1) for a PEM chain and key.
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<rustls::ServerConfig, TlsError> {
    let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut &*cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| invalid("api.tls_cert", e))?;
    if certs.is_empty() {
        return Err(invalid("api.tls_cert", "no certificate in the PEM file"));
    }
    let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut &*key_pem)
        .map_err(|e| invalid("api.tls_key", e))?
        .ok_or_else(|| invalid("api.tls_key", "no private key in the PEM file"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("api TLS", e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid("api.tls_cert/api.tls_key", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A reqwest client builder trusting only `ca_pem` (rustls), for calls to peers.
pub fn https_client(ca_pem: &[u8]) -> Result<reqwest::ClientBuilder, TlsError> {
    let ca = reqwest::Certificate::from_pem(ca_pem).map_err(|e| invalid("tls CA", e))?;
    Ok(reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(ca))
}

/// Serves `app` on `listener` (HTTPS when `tls` is set) until `cancel` fires.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    cancel: tokio_util::sync::CancellationToken,
) -> std::io::Result<()> {
    let Some(tls) = tls else {
        return axum::serve(listener, app)
            .with_graceful_shutdown(async move { cancel.cancelled().await })
            .await;
    };
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        cancel.cancelled().await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(2)));
    });
    let config = axum_server::tls_rustls::RustlsConfig::from_config(tls);
    axum_server::from_tcp_rustls(listener.into_std()?, config)
        .handle(handle)
        .serve(app.into_make_service())
        .await
}
