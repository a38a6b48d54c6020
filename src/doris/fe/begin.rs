//! The outcome of beginTxn: a new txn, or the label is already held by another txn.
//!
//! Doris answers a taken label with LABEL_ALREADY_EXISTS (15), the message
//! "Label [L] has already been used, relate to txn [N]" and `job_status` = RUNNING
//! (holder PREPARE), PRECOMMITTED or FINISHED (COMMITTED/VISIBLE). The reply's
//! `txn_id` is left unset by Doris, so the holder's id comes from the message.

use doris_thrift::frontend_service::TBeginTxnResult;
use doris_thrift::status::TStatusCode;

use super::route::{check, code_of};
use crate::doris::DorisError;

/// What a beginTxn achieved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BeginTxn {
    /// A new txn (PREPARE) holds the label now.
    Started {
        /// Its id.
        txn_id: i64,
    },
    /// The label was already held by a non-aborted txn; nothing was begun.
    LabelExists {
        /// The holder's id (reply `txn_id`, else parsed from the message); `None` when
        /// the FE gave neither.
        txn_id: Option<i64>,
        /// The holder's state as `job_status` says; `None` when the FE omitted it.
        job_status: Option<LabelJobStatus>,
        /// The FE's message, for logs.
        message: String,
    },
}

/// `job_status` of a LABEL_ALREADY_EXISTS reply: the state of the label's holder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelJobStatus {
    /// RUNNING: the holder is PREPARE (not committed).
    Running,
    /// PRECOMMITTED: two-phase holder, not committed.
    PreCommitted,
    /// FINISHED: the holder is COMMITTED or VISIBLE.
    Finished,
    /// Anything else, kept as sent.
    Other(String),
}

impl LabelJobStatus {
    /// Parses the FE's text (case-insensitive).
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_uppercase().as_str() {
            "RUNNING" => LabelJobStatus::Running,
            "PRECOMMITTED" => LabelJobStatus::PreCommitted,
            "FINISHED" => LabelJobStatus::Finished,
            _ => LabelJobStatus::Other(s.to_string()),
        }
    }

    /// Whether the holder is committed (its data is applied).
    pub fn is_committed(&self) -> bool {
        *self == LabelJobStatus::Finished
    }

    /// Whether the holder is a not-yet-committed txn that a rollback discards.
    pub fn is_uncommitted(&self) -> bool {
        matches!(self, LabelJobStatus::Running | LabelJobStatus::PreCommitted)
    }
}

/// Maps a beginTxn reply from `addr` to its outcome; other non-OK statuses are errors.
pub fn begin_outcome(addr: &str, res: TBeginTxnResult) -> Result<BeginTxn, DorisError> {
    if code_of(&res) == TStatusCode::LABEL_ALREADY_EXISTS {
        let messages = res.status.and_then(|s| s.error_msgs).unwrap_or_default();
        let txn_id = res
            .txn_id
            .filter(|id| *id > 0)
            .or_else(|| messages.iter().find_map(|m| related_txn(m)));
        return Ok(BeginTxn::LabelExists {
            txn_id,
            job_status: res.job_status.as_deref().map(LabelJobStatus::parse),
            message: messages.join("; "),
        });
    }
    let res = check("beginTxn", addr, res, &[])?;
    let txn_id = res.txn_id.ok_or_else(|| DorisError::BadReply {
        method: "beginTxn".into(),
        addr: addr.to_string(),
        message: "status OK without txn_id".into(),
    })?;
    Ok(BeginTxn::Started { txn_id })
}

/// The txn id in "... relate to txn [N]".
fn related_txn(message: &str) -> Option<i64> {
    const MARK: &str = "relate to txn [";
    let start = message.find(MARK)? + MARK.len();
    let end = message[start..].find(']')? + start;
    message[start..end].trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use doris_thrift::status::TStatus;

    use super::*;

    fn reply(code: i32, msg: &str, txn_id: Option<i64>, job: Option<&str>) -> TBeginTxnResult {
        TBeginTxnResult {
            status: Some(TStatus::new(TStatusCode(code), vec![msg.to_string()])),
            txn_id,
            job_status: job.map(str::to_string),
            ..Default::default()
        }
    }

    const USED: &str = "Label [l1] has already been used, relate to txn [42]";

    #[test]
    fn ok_is_started() {
        let got = begin_outcome("fe", reply(0, "", Some(7), None));
        assert_eq!(got.ok(), Some(BeginTxn::Started { txn_id: 7 }));
        let err = begin_outcome("fe", reply(0, "", None, None)).expect_err("no id");
        assert!(matches!(err, DorisError::BadReply { .. }), "{err}");
    }

    #[test]
    fn label_exists_maps_job_status_and_txn_id() {
        let cases = [
            ("RUNNING", LabelJobStatus::Running),
            ("PRECOMMITTED", LabelJobStatus::PreCommitted),
            ("FINISHED", LabelJobStatus::Finished),
            ("finished", LabelJobStatus::Finished),
            ("CANCELLED", LabelJobStatus::Other("CANCELLED".into())),
        ];
        for (text, want) in cases {
            let got = begin_outcome("fe", reply(15, USED, None, Some(text))).expect("outcome");
            assert_eq!(
                got,
                BeginTxn::LabelExists {
                    txn_id: Some(42),
                    job_status: Some(want),
                    message: USED.into(),
                }
            );
        }
    }

    #[test]
    fn reply_txn_id_wins_and_missing_fields_stay_none() {
        let got = begin_outcome("fe", reply(15, USED, Some(9), Some("FINISHED"))).expect("ok");
        assert!(matches!(
            got,
            BeginTxn::LabelExists {
                txn_id: Some(9),
                ..
            }
        ));
        let bare = reply(15, "Label [l1] has already been used.", None, None);
        let got = begin_outcome("fe", bare).expect("ok");
        assert!(matches!(
            got,
            BeginTxn::LabelExists {
                txn_id: None,
                job_status: None,
                ..
            }
        ));
    }

    #[test]
    fn other_statuses_are_errors() {
        let err = begin_outcome("fe", reply(2, "unknown table", None, None)).expect_err("err");
        assert_eq!(err.status_code(), Some(TStatusCode::ANALYSIS_ERROR));
        assert!(err.message_contains("unknown table"));
    }

    #[test]
    fn status_predicates() {
        assert!(LabelJobStatus::Finished.is_committed());
        assert!(LabelJobStatus::Running.is_uncommitted());
        assert!(LabelJobStatus::PreCommitted.is_uncommitted());
        let other = LabelJobStatus::Other("X".into());
        assert!(!other.is_committed() && !other.is_uncommitted());
    }
}
