//! Master redirect and FE failover around one RPC.

use std::collections::HashSet;

use doris_thrift::backend_service::TIngestBinlogResult;
use doris_thrift::frontend_service::*;
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::thrift::protocol::TSerializable;
use doris_thrift::types::TNetworkAddress;
use tracing::{debug, warn};

use super::FeClient;
use crate::doris::spec::join_host_port;
use crate::doris::DorisError;

/// Results that carry a `TStatus` and, on NOT_MASTER, the master's address.
pub trait HasStatus {
    /// The status (`None` = not set, which the original syncer reads as OK).
    fn status(&self) -> Option<&TStatus>;
    /// The master address an FE follower points at.
    fn master_address(&self) -> Option<&TNetworkAddress> {
        None
    }
}

macro_rules! has_status {
    (optional: $($t:ty),*) => {$(
        impl HasStatus for $t {
            fn status(&self) -> Option<&TStatus> { self.status.as_ref() }
            fn master_address(&self) -> Option<&TNetworkAddress> { self.master_address.as_ref() }
        }
    )*};
    (required: $($t:ty),*) => {$(
        impl HasStatus for $t {
            fn status(&self) -> Option<&TStatus> { Some(&self.status) }
            fn master_address(&self) -> Option<&TNetworkAddress> { self.master_address.as_ref() }
        }
    )*};
}

has_status!(optional: TBeginTxnResult, TCommitTxnResult, TRollbackTxnResult, TGetBinlogResult,
    TGetBinlogLagResult, TGetSnapshotResult, TRestoreSnapshotResult, TGetMasterTokenResult);
has_status!(required: TGetMetaResult, TGetBackendMetaResult);

impl HasStatus for TIngestBinlogResult {
    fn status(&self) -> Option<&TStatus> {
        self.status.as_ref()
    }
}

/// The status code of a result (unset status = OK, as in the original syncer).
pub fn code_of<R: HasStatus>(result: &R) -> TStatusCode {
    result.status().map_or(TStatusCode::OK, |s| s.status_code)
}

/// Turns a non-OK status into an error unless its code is in `accepted`.
pub fn check<R: HasStatus>(
    method: &str,
    addr: &str,
    result: R,
    accepted: &[TStatusCode],
) -> Result<R, DorisError> {
    let code = code_of(&result);
    if code == TStatusCode::OK || accepted.contains(&code) {
        return Ok(result);
    }
    let messages = result
        .status()
        .and_then(|s| s.error_msgs.clone())
        .unwrap_or_default();
    Err(DorisError::Status {
        method: method.to_string(),
        addr: addr.to_string(),
        code,
        messages,
    })
}

/// Whether an RPC may be repeated on another FE when the outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotence {
    /// Reads: a lost reply is retried on the next FE.
    Read,
    /// Writes: a lost reply is reported as [`crate::doris::ErrorClass::OutcomeUnknown`].
    Write,
}

impl FeClient {
    /// Sends `req` to the master FE, following NOT_MASTER redirects and failing over
    /// across the known FEs on connection errors, within `max_hops` attempts.
    /// Returns the result (any status except NOT_MASTER) and the FE that answered.
    pub(super) async fn route<Req, Resp>(
        &self,
        method: &str,
        req: &Req,
        kind: Idempotence,
    ) -> Result<(Resp, String), DorisError>
    where
        Req: TSerializable,
        Resp: TSerializable + HasStatus,
    {
        let timeout = self.timeout_for(method);
        let mut excluded = HashSet::new();
        let mut target = self.master_addr();
        let mut last: Option<DorisError> = None;
        for _ in 0..self.options.max_hops {
            let next = match self
                .pool
                .call::<Req, Resp>(&target, method, req, timeout)
                .await
            {
                Ok(resp) if code_of(&resp) == TStatusCode::NOT_MASTER => {
                    last = None;
                    self.after_not_master(&target, resp.master_address(), &mut excluded)
                }
                Ok(resp) => {
                    self.set_master(&target);
                    return Ok((resp, target));
                }
                Err(e) => {
                    let err = DorisError::from_call(method, e);
                    match err {
                        // The FE answered: another FE would answer the same.
                        DorisError::Exception { .. } => return Err(err),
                        // It may have executed the write: never repeat it elsewhere.
                        DorisError::NoReply { .. } if kind == Idempotence::Write => {
                            return Err(err)
                        }
                        _ => {}
                    }
                    warn!(fe = %target, method, error = %err, "FE call failed, trying another FE");
                    last = Some(err);
                    excluded.insert(target.clone());
                    self.next_candidate(&excluded)
                }
            };
            match next {
                Some(addr) => target = addr,
                None => break,
            }
        }
        Err(last.unwrap_or_else(|| DorisError::NoMaster {
            method: method.to_string(),
            hops: self.options.max_hops,
            last: format!("{target} answered NOT_MASTER"),
        }))
    }

    /// Picks where to go after a NOT_MASTER answer from `from`.
    fn after_not_master(
        &self,
        from: &str,
        master: Option<&TNetworkAddress>,
        excluded: &mut HashSet<String>,
    ) -> Option<String> {
        let pointed = master.filter(|m| !m.hostname.is_empty()).and_then(|m| {
            u16::try_from(m.port)
                .ok()
                .map(|p| join_host_port(&m.hostname, p))
        });
        match pointed {
            Some(addr) if addr != from && !excluded.contains(&addr) => {
                debug!(from, master = %addr, "NOT_MASTER: following redirect");
                self.learn(&addr);
                self.set_master(&addr);
                excluded.insert(from.to_string());
                Some(addr)
            }
            _ => {
                warn!(
                    fe = from,
                    "NOT_MASTER without a usable master address, trying other FEs"
                );
                excluded.insert(from.to_string());
                self.next_candidate(excluded)
            }
        }
    }

    /// The first known FE not yet excluded in this call.
    fn next_candidate(&self, excluded: &HashSet<String>) -> Option<String> {
        self.addrs
            .lock()
            .iter()
            .find(|a| !excluded.contains(*a))
            .cloned()
    }
}
