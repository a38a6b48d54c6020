//! [`NetworkConnection`]: openraft's [`RaftNetwork`] to one peer over gRPC.

// The error types (openraft `RPCError`, tonic `Status`) are fixed by the traits we implement.
#![allow(clippy::result_large_err)]

use std::error::Error;
use std::time::Duration;

use openraft::error::NetworkError;
use openraft::error::RemoteError;
use openraft::error::Unreachable;
use openraft::network::RPCOption;
use openraft::RaftNetwork;
use serde::de::DeserializeOwned;
use tonic::transport::Channel;
use tonic::Code;

use crate::network::wire;
use crate::pb;
use crate::pb::raft_service_client::RaftServiceClient;
use crate::typ::AppendEntriesRequest;
use crate::typ::AppendEntriesResponse;
use crate::typ::InstallSnapshotError;
use crate::typ::InstallSnapshotRequest;
use crate::typ::InstallSnapshotResponse;
use crate::typ::RPCError;
use crate::typ::RaftError;
use crate::typ::VoteRequest;
use crate::typ::VoteResponse;
use crate::type_config::NodeId;
use crate::type_config::NodeInfo;
use crate::type_config::TypeConfig;

/// A connection to one peer. The channel reconnects lazily after failures.
pub struct NetworkConnection {
    target: NodeId,
    node: NodeInfo,
    /// `Err` holds why no channel exists (malformed address); every RPC then reports it.
    client: Result<RaftServiceClient<Channel>, String>,
}

impl NetworkConnection {
    pub(crate) fn new(
        target: NodeId,
        node: NodeInfo,
        channel: Result<Channel, String>,
        max_message_size: usize,
    ) -> Self {
        let client = channel.map(|ch| {
            RaftServiceClient::new(ch)
                .max_decoding_message_size(max_message_size)
                .max_encoding_message_size(max_message_size)
        });
        Self {
            target,
            node,
            client,
        }
    }

    fn client<E: Error>(&self) -> Result<RaftServiceClient<Channel>, RPCError<E>> {
        self.client
            .clone()
            .map_err(|text| RPCError::Unreachable(Unreachable::new(&std::io::Error::other(text))))
    }

    /// Turns a gRPC reply into the openraft response or the remote Raft's error.
    fn decode<T, E>(
        &self,
        reply: Result<tonic::Response<pb::RaftReply>, tonic::Status>,
    ) -> Result<T, RPCError<E>>
    where
        T: DeserializeOwned,
        E: Error + DeserializeOwned,
    {
        let reply = reply.map_err(status_to_rpc_error)?.into_inner();
        if !reply.error_json.is_empty() {
            let err: RaftError<E> = wire::from_json(&reply.error_json).map_err(network_error)?;
            return Err(RPCError::RemoteError(RemoteError::new_with_node(
                self.target,
                self.node.clone(),
                err,
            )));
        }
        wire::from_json(&reply.json).map_err(network_error)
    }
}

fn request<T>(msg: T, ttl: Duration) -> tonic::Request<T> {
    let mut req = tonic::Request::new(msg);
    req.set_timeout(ttl);
    req
}

fn network_error<E: Error, S: Error + 'static>(e: S) -> RPCError<E> {
    RPCError::Network(NetworkError::new(&e))
}

/// `Unavailable` means no connection could be made or kept: back off. Anything else (timeout,
/// codec, server-side rejection of the envelope) is a plain network error.
fn status_to_rpc_error<E: Error>(status: tonic::Status) -> RPCError<E> {
    match status.code() {
        Code::Unavailable => RPCError::Unreachable(Unreachable::new(&status)),
        _ => RPCError::Network(NetworkError::new(&status)),
    }
}

impl RaftNetwork<TypeConfig> for NetworkConnection {
    async fn append_entries(
        &mut self,
        rpc: AppendEntriesRequest,
        option: RPCOption,
    ) -> Result<AppendEntriesResponse, RPCError> {
        let json = wire::to_json(&rpc).map_err(network_error)?;
        let mut client = self.client()?;
        let reply = client
            .append_entries(request(pb::RaftRequest { json }, option.hard_ttl()))
            .await;
        self.decode(reply)
    }

    async fn install_snapshot(
        &mut self,
        mut rpc: InstallSnapshotRequest,
        option: RPCOption,
    ) -> Result<InstallSnapshotResponse, RPCError<InstallSnapshotError>> {
        // Chunk bytes travel raw; the rest of the request as JSON.
        let data = std::mem::take(&mut rpc.data);
        let json = wire::to_json(&rpc).map_err(network_error)?;
        let mut client = self.client()?;
        let msg = pb::SnapshotChunkRequest { json, data };
        let reply = client
            .install_snapshot(request(msg, option.hard_ttl()))
            .await;
        self.decode(reply)
    }

    async fn vote(
        &mut self,
        rpc: VoteRequest,
        option: RPCOption,
    ) -> Result<VoteResponse, RPCError> {
        let json = wire::to_json(&rpc).map_err(network_error)?;
        let mut client = self.client()?;
        let reply = client
            .vote(request(pb::RaftRequest { json }, option.hard_ttl()))
            .await;
        self.decode(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::status_to_rpc_error;
    use crate::typ::RPCError;

    #[test]
    fn unavailable_is_unreachable_and_the_rest_network_errors() {
        let e: RPCError = status_to_rpc_error(tonic::Status::unavailable("connection refused"));
        assert!(matches!(e, RPCError::Unreachable(_)), "{e:?}");
        let e: RPCError = status_to_rpc_error(tonic::Status::deadline_exceeded("slow"));
        assert!(matches!(e, RPCError::Network(_)), "{e:?}");
        let e: RPCError = status_to_rpc_error(tonic::Status::invalid_argument("bad"));
        assert!(matches!(e, RPCError::Network(_)), "{e:?}");
    }
}
