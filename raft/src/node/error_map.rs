//! Maps openraft API errors to [`RaftNodeError`].

use openraft::error::ClientWriteError;
use openraft::error::RaftError;

use crate::errors::RaftNodeError;
use crate::typ::CheckIsLeaderError;
use crate::typ::ForwardToLeader;

fn forward(f: ForwardToLeader) -> RaftNodeError {
    RaftNodeError::ForwardToLeader {
        leader_id: f.leader_id,
        leader_node: f.leader_node,
    }
}

/// For `client_write`, `add_learner` and `change_membership`.
pub(crate) fn from_write(e: RaftError<u64, crate::typ::ClientWriteError>) -> RaftNodeError {
    match e {
        RaftError::APIError(ClientWriteError::ForwardToLeader(f)) => forward(f),
        RaftError::APIError(ClientWriteError::ChangeMembershipError(m)) => {
            RaftNodeError::Rejected(m.to_string())
        }
        RaftError::Fatal(f) => RaftNodeError::Fatal(f.to_string()),
    }
}

/// For `ensure_linearizable`.
pub(crate) fn from_check_leader(e: RaftError<u64, CheckIsLeaderError>) -> RaftNodeError {
    match e {
        RaftError::APIError(CheckIsLeaderError::ForwardToLeader(f)) => forward(f),
        RaftError::APIError(CheckIsLeaderError::QuorumNotEnough(q)) => {
            RaftNodeError::QuorumNotEnough(q.to_string())
        }
        RaftError::Fatal(f) => RaftNodeError::Fatal(f.to_string()),
    }
}
