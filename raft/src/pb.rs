//! Generated code for `syncer.raft.v1`.
#![allow(clippy::all, missing_docs)]
tonic::include_proto!("syncer.raft.v1");
