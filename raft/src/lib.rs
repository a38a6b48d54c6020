//! Raft group of the syncer fleet.
