//! [`NetworkFactory`]: hands openraft one [`NetworkConnection`] per target, sharing channels.

use std::collections::HashMap;
use std::sync::Arc;

use openraft::RaftNetworkFactory;
use parking_lot::Mutex;
use tonic::transport::Channel;
use tonic::transport::Endpoint;

use crate::network::NetworkConfig;
use crate::network::NetworkConnection;
use crate::type_config::NodeId;
use crate::type_config::NodeInfo;
use crate::type_config::TypeConfig;

/// Creates connections to peers. Cheap to clone.
#[derive(Clone, Default)]
pub struct NetworkFactory {
    config: NetworkConfig,
    /// Lazily connected channels by (target, address); a changed address gets a new channel.
    channels: Arc<Mutex<HashMap<(NodeId, String), Channel>>>,
}

impl NetworkFactory {
    /// A factory with the given timeouts and limits.
    pub fn new(config: NetworkConfig) -> Self {
        Self {
            config,
            channels: Arc::default(),
        }
    }

    /// A channel to `addr`, created lazily (no I/O until the first RPC), or an error text if
    /// the address is malformed.
    fn channel(&self, target: NodeId, addr: &str) -> Result<Channel, String> {
        let addr = self.config.addr_map.get(addr).map_or(addr, String::as_str);
        let key = (target, addr.to_string());
        let mut channels = self.channels.lock();
        if let Some(ch) = channels.get(&key) {
            return Ok(ch.clone());
        }
        let scheme = if self.config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let endpoint = Endpoint::from_shared(format!("{scheme}://{addr}"))
            .map_err(|e| format!("bad raft address {addr:?} of node {target}: {e}"))?
            .connect_timeout(self.config.connect_timeout)
            .timeout(self.config.request_timeout)
            .tcp_nodelay(true);
        let endpoint = match &self.config.tls {
            Some(tls) => tls.apply(endpoint, addr)?,
            None => endpoint,
        };
        let channel = endpoint.connect_lazy();
        channels.insert(key, channel.clone());
        Ok(channel)
    }
}

impl RaftNetworkFactory<TypeConfig> for NetworkFactory {
    type Network = NetworkConnection;

    async fn new_client(&mut self, target: NodeId, node: &NodeInfo) -> Self::Network {
        let channel = self.channel(target, &node.raft_addr);
        NetworkConnection::new(target, node.clone(), channel, self.config.max_message_size)
    }
}
