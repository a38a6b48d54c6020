//! Client side of the Raft network: openraft RPCs to peers over tonic gRPC.
//!
//! Each request is the openraft message serialized as JSON inside a protobuf `bytes` field
//! (see `proto/syncer/raft/v1/raft.proto`). Channels are created lazily per target and
//! reconnect by themselves; errors are split the way openraft acts on them:
//! - the peer cannot be reached (`Unavailable`: refused, reset, connect timeout) →
//!   [`Unreachable`](openraft::error::Unreachable), so openraft backs off;
//! - any other transport or codec failure → [`NetworkError`](openraft::error::NetworkError),
//!   retried at the next heartbeat;
//! - the peer's Raft answered with an error → [`RemoteError`](openraft::error::RemoteError).

mod connection;
mod factory;
mod tls;
pub(crate) mod wire;

use std::collections::BTreeMap;
use std::time::Duration;

pub use connection::NetworkConnection;
pub use factory::NetworkFactory;
pub use tls::RaftTls;

/// Timeouts and limits of the Raft gRPC client (and the server's message limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkConfig {
    /// TCP connect timeout to a peer. Default: 500 ms.
    pub connect_timeout: Duration,
    /// Upper bound of one RPC; openraft's per-RPC deadline applies when shorter. Default: 5 s.
    pub request_timeout: Duration,
    /// Largest gRPC message sent or accepted, in bytes. Default: 64 MiB. Must exceed openraft's
    /// `snapshot_max_chunk_size` and a full `max_payload_entries` batch.
    pub max_message_size: usize,
    /// Rewrites of peer Raft addresses (`advertised` → `dialed`), e.g. for NAT or for a
    /// fault-injecting proxy in tests. Default: empty (dial the advertised address).
    pub addr_map: BTreeMap<String, String>,
    /// TLS of the Raft links (client and server). Default: `None` (plain TCP).
    pub tls: Option<RaftTls>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_millis(500),
            request_timeout: Duration::from_secs(5),
            max_message_size: 64 * 1024 * 1024,
            addr_map: BTreeMap::new(),
            tls: None,
        }
    }
}
