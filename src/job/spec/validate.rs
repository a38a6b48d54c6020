//! Spec validation with messages that say what to fix.

use super::ClusterSpec;
use super::JobSpec;

/// Longest accepted job name.
pub const MAX_NAME_LEN: usize = 128;

/// Invalid job specification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The request is not valid JSON / has wrong types.
    #[error("invalid job json: {0}")]
    Json(String),
    /// Job name problems.
    #[error("{0}")]
    Name(String),
    /// A field of `src`/`dest` is wrong.
    #[error("{side}.{field}: {msg}")]
    Field {
        /// `src` or `dest`.
        side: &'static str,
        /// Field name.
        field: &'static str,
        /// What is wrong.
        msg: String,
    },
    /// src/dest disagree on db vs table level.
    #[error("src.table and dest.table must both be set (table sync) or both be empty (db sync)")]
    TableMismatch,
}

/// Checks a job name: non-empty, at most 128 chars, only letters, digits, `_`, `-`, `.`.
pub fn validate_name(name: &str) -> Result<(), SpecError> {
    if name.is_empty() {
        return Err(SpecError::Name("name is empty".into()));
    }
    let len = name.chars().count();
    if len > MAX_NAME_LEN {
        return Err(SpecError::Name(format!(
            "job name is too long ({len} characters, at most {MAX_NAME_LEN})"
        )));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if let Some(bad) = name.chars().find(|c| !ok(*c)) {
        return Err(SpecError::Name(format!(
            "job name {name:?} contains invalid character {bad:?}; \
             use only letters, digits, '_', '-' and '.'"
        )));
    }
    Ok(())
}

fn field(side: &'static str, field: &'static str, msg: &str) -> SpecError {
    SpecError::Field {
        side,
        field,
        msg: msg.to_string(),
    }
}

fn validate_cluster(side: &'static str, c: &ClusterSpec) -> Result<(), SpecError> {
    if c.host.trim().is_empty() {
        return Err(field(side, "host", "is empty"));
    }
    parse_port(side, "port", &c.port)?;
    parse_port(side, "thrift_port", &c.thrift_port)?;
    if c.user.trim().is_empty() {
        return Err(field(side, "user", "is empty"));
    }
    if c.database.trim().is_empty() {
        return Err(field(side, "database", "is empty"));
    }
    check_text(side, "host", &c.host)?;
    check_text(side, "user", &c.user)?;
    check_text(side, "database", &c.database)?;
    check_text(side, "table", &c.table)
}

/// Longest accepted database, table, host or user name (Doris allows 64 for names; the
/// margin keeps odd but valid names working).
pub const MAX_IDENT_LEN: usize = 256;

/// Identifiers may hold quotes, back-quotes, hyphens, spaces or keywords (they are always
/// back-quoted in SQL), but no control characters and nothing unreasonably long.
fn check_text(side: &'static str, name: &'static str, v: &str) -> Result<(), SpecError> {
    let len = v.chars().count();
    if len > MAX_IDENT_LEN {
        let msg = format!("is too long ({len} characters, at most {MAX_IDENT_LEN})");
        return Err(field(side, name, &msg));
    }
    if let Some(bad) = v.chars().find(|c| c.is_control()) {
        return Err(field(
            side,
            name,
            &format!("contains control character {bad:?}"),
        ));
    }
    Ok(())
}

/// Full spec validation.
pub(crate) fn validate_spec(spec: &JobSpec) -> Result<(), SpecError> {
    validate_name(&spec.name)?;
    validate_cluster("src", &spec.src)?;
    validate_cluster("dest", &spec.dest)?;
    if spec.src.table.is_empty() != spec.dest.table.is_empty() {
        return Err(SpecError::TableMismatch);
    }
    Ok(())
}

/// Parses a string port (`"9030"`), with a message naming the field.
pub(crate) fn parse_port(
    side: &'static str,
    name: &'static str,
    v: &str,
) -> Result<u16, SpecError> {
    match v.trim().parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(field(
            side,
            name,
            &format!("{v:?} is not a valid port (a string such as \"9030\")"),
        )),
    }
}
