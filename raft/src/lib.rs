//! Raft group of the syncer fleet: openraft 0.9 with a sled log store and state machine, and
//! a tonic gRPC network. It knows nothing about Doris or HTTP: job specs and progress are
//! opaque JSON values here.
//!
//! The replicated state ([`model::ReplicatedState`]) holds job definitions, per-job progress
//! and per-job ownership with a fencing epoch. It changes only through [`command::Command`]s,
//! applied deterministically in log order. `SaveProgress` is accepted only with the job's
//! current ownership epoch, so a stale owner can never commit progress.
//!
//! # Layout
//! - [`type_config`]: `declare_raft_types!` (`NodeId = u64`, `Node = NodeInfo`,
//!   `D = Command`, `R = CommandResponse`); [`typ`]: concrete openraft aliases.
//! - [`command`]: commands, responses, rejection reasons; [`model`]: the replicated data.
//! - [`sled_store`]: typed key spaces over one `sled::Db` per node, on-disk format version.
//! - [`log_store`]: `RaftLogStorage` (flushes before acknowledging votes and appends).
//! - [`state_machine`]: `RaftStateMachine` + `RaftSnapshotBuilder`; apply logic and snapshot
//!   payload (versioned JSON of the whole state).
//! - [`network`]: gRPC client (`RaftNetworkFactory`); [`service`]: gRPC server; [`pb`]:
//!   generated `syncer.raft.v1` code (openraft messages as JSON in `bytes` fields);
//!   [`vote_assist`]: ends an election in one round when the first candidate's log is short.
//! - [`node`]: [`node::RaftNode`], the facade the syncer uses; [`errors`]: error types.
//!
//! # Use
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use syncer_raft::command::Command;
//! use syncer_raft::node::{RaftNode, RaftNodeConfig};
//! use syncer_raft::NodeInfo;
//!
//! let info = NodeInfo::new("127.0.0.1:7001", "127.0.0.1:8001");
//! let node = RaftNode::start(RaftNodeConfig::new(1, info.clone(), "/var/lib/syncer/raft")).await?;
//! node.initialize_single(info).await?; // no-op if this data dir was initialized before
//! let resp = node.write(Command::Noop).await?;
//! let jobs = node.read_state(|sm| sm.state.jobs.len());
//! # let _ = (resp, jobs);
//! # Ok(())
//! # }
//! ```

pub mod command;
pub mod errors;
pub mod log_store;
pub mod model;
pub mod network;
pub mod node;
pub mod pb;
pub mod service;
pub mod sled_store;
pub mod state_machine;
pub mod typ;
pub mod type_config;
pub mod vote_assist;

pub use type_config::NodeId;
pub use type_config::NodeInfo;
pub use type_config::TypeConfig;
