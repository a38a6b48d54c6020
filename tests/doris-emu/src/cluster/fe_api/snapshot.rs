//! getSnapshot / restoreSnapshot (protocol §3.7, §3.8, §6).

use doris_thrift::frontend_service::{TGetSnapshotRequest, TGetSnapshotResult, TRestoreSnapshotRequest, TRestoreSnapshotResult};

use super::err_status;
use super::status::FeError;
use crate::cluster::Cluster;

/// `FrontendService.getSnapshot`.
pub fn get_snapshot(_cluster: &Cluster, _req: TGetSnapshotRequest) -> TGetSnapshotResult {
    TGetSnapshotResult { status: Some(err_status(&FeError::internal("not implemented yet"))), ..Default::default() }
}

/// `FrontendService.restoreSnapshot`.
pub fn restore_snapshot(_cluster: &Cluster, _req: TRestoreSnapshotRequest) -> TRestoreSnapshotResult {
    TRestoreSnapshotResult { status: Some(err_status(&FeError::internal("not implemented yet"))), master_address: None }
}
