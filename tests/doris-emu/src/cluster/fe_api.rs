//! FrontendService replication methods (protocol §3): one function per Thrift method,
//! taking and returning the `doris_thrift` structs so the Thrift server only decodes,
//! calls, and encodes. Every call is authenticated (token, or root + configured password).

pub mod admin;
mod binlog_api;
mod meta;
mod snapshot;
pub mod status;
mod txn_api;

use doris_thrift::status::{TStatus, TStatusCode};

pub use admin::{admin_emu, gc_sync, periodic_gc, run_repl_statement, tick, tick_sync};
pub use binlog_api::{get_binlog, get_binlog_lag};
pub use meta::{get_backend_meta, get_master_token, get_meta};
pub use snapshot::{get_snapshot, restore_snapshot};
pub use txn_api::{begin_txn, commit_txn, rollback_txn};

use status::{FeError, FeResult};

use super::State;

/// Converts a result into a Thrift status (OK or the error's code and message).
pub fn to_tstatus(r: FeResult<()>) -> TStatus {
    match r {
        Ok(()) => TStatus {
            status_code: TStatusCode::OK,
            error_msgs: None,
        },
        Err(e) => err_status(&e),
    }
}

/// A Thrift status for an error.
pub fn err_status(e: &FeError) -> TStatus {
    TStatus {
        status_code: TStatusCode(e.code),
        error_msgs: Some(vec![e.msg.clone()]),
    }
}

/// OK status.
pub fn ok_status() -> TStatus {
    TStatus {
        status_code: TStatusCode::OK,
        error_msgs: None,
    }
}

/// Credentials of a request.
pub(crate) struct Creds<'a> {
    pub user: Option<&'a str>,
    pub passwd: Option<&'a str>,
    pub token: Option<&'a str>,
}

/// Doris auth: a non-empty token must equal the cluster token; otherwise `root` with the
/// configured password. Bad credentials → ANALYSIS_ERROR "Access denied ..." (UserException).
pub(crate) fn authenticate(s: &State, c: &Creds<'_>) -> FeResult<()> {
    if let Some(token) = c.token.filter(|t| !t.is_empty()) {
        return if token == s.token {
            Ok(())
        } else {
            Err(FeError::analysis("invalid token"))
        };
    }
    let user = c.user.unwrap_or_default();
    let passwd = c.passwd.unwrap_or_default();
    if user == "root" && passwd == s.root_password {
        return Ok(());
    }
    let using = if passwd.is_empty() { "NO" } else { "YES" };
    Err(FeError::analysis(format!(
        "Access denied for user '{user}' (using password: {using})"
    )))
}

/// `<field> is not set` when a required request field is absent.
pub(crate) fn required<T>(v: Option<T>, field: &str) -> FeResult<T> {
    v.ok_or_else(|| FeError::analysis(format!("{field} is not set")))
}

/// Checks user/passwd presence (unless a token is given) then authenticates.
pub(crate) fn check_auth(s: &State, c: &Creds<'_>) -> FeResult<()> {
    if c.token.is_none_or(str::is_empty) {
        required(c.user, "user")?;
        required(c.passwd, "passwd")?;
    }
    authenticate(s, c)
}

/// Db id by name, Doris' message otherwise.
pub(crate) fn db_id(s: &State, name: &str) -> FeResult<i64> {
    s.db(name)
        .map(|d| d.id)
        .ok_or_else(|| FeError::analysis(format!("unknown database, database={name}")))
}
