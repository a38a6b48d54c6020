//! Server side of the Raft network: the tonic `RaftService` handing peer RPCs to openraft.
//!
//! Protocol safety: only trusted cluster members may reach this service; it is not an API for
//! operators or clients. A malformed message is answered with `InvalidArgument` and never
//! panics the node.

// The error types (openraft `RPCError`, tonic `Status`) are fixed by the traits we implement.
#![allow(clippy::result_large_err)]

use tonic::Request;
use tonic::Response;
use tonic::Status;

use crate::network::wire;
use crate::pb;
use crate::pb::raft_service_server::RaftService;
use crate::pb::raft_service_server::RaftServiceServer;
use crate::typ::AppendEntriesRequest;
use crate::typ::AppendEntriesResponse;
use crate::typ::InstallSnapshotRequest;
use crate::typ::Raft;
use crate::typ::VoteRequest;
use crate::vote_assist::VoteAssist;

/// The gRPC service wrapping a local [`Raft`].
#[derive(Clone)]
pub struct RaftServiceImpl {
    raft: Raft,
    assist: VoteAssist,
}

impl RaftServiceImpl {
    /// Wraps `raft`.
    pub fn new(raft: Raft) -> Self {
        Self {
            raft,
            assist: VoteAssist::new(),
        }
    }

    /// The tonic server for this service, with a message size limit for both directions.
    pub fn into_server(self, max_message_size: usize) -> RaftServiceServer<Self> {
        RaftServiceServer::new(self)
            .max_decoding_message_size(max_message_size)
            .max_encoding_message_size(max_message_size)
    }
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, Status> {
    wire::from_json(bytes).map_err(|e| {
        tracing::warn!(rpc = what, error = %e, "Malformed raft message from peer.");
        Status::invalid_argument(format!("malformed {what} message: {e}"))
    })
}

fn respond<T: serde::Serialize, E: serde::Serialize>(
    result: &Result<T, E>,
) -> Result<Response<pb::RaftReply>, Status> {
    wire::reply(result)
        .map(Response::new)
        .map_err(|e| Status::internal(format!("encode raft reply: {e}")))
}

#[tonic::async_trait]
impl RaftService for RaftServiceImpl {
    async fn vote(
        &self,
        request: Request<pb::RaftRequest>,
    ) -> Result<Response<pb::RaftReply>, Status> {
        let req: VoteRequest = decode(&request.get_ref().json, "vote")?;
        let result = self.raft.vote(req.clone()).await;
        if let Ok(resp) = &result {
            self.assist.after_vote(&self.raft, &req, resp);
        }
        respond(&result)
    }

    async fn append_entries(
        &self,
        request: Request<pb::RaftRequest>,
    ) -> Result<Response<pb::RaftReply>, Status> {
        let req: AppendEntriesRequest = decode(&request.get_ref().json, "append_entries")?;
        let result = self.raft.append_entries(req).await;
        if matches!(&result, Ok(r) if !matches!(r, AppendEntriesResponse::HigherVote(_))) {
            self.assist.leader_contact();
        }
        respond(&result)
    }

    async fn install_snapshot(
        &self,
        request: Request<pb::SnapshotChunkRequest>,
    ) -> Result<Response<pb::RaftReply>, Status> {
        let msg = request.into_inner();
        let mut req: InstallSnapshotRequest = decode(&msg.json, "install_snapshot")?;
        req.data = msg.data;
        respond(&self.raft.install_snapshot(req).await)
    }
}
