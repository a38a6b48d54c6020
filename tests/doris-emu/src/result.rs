//! What a SQL statement returns to a MySQL client: a result set, an OK packet, or an error.
//!
//! Shared by the SQL executor (which produces these) and the MySQL front end
//! (`server::mysql`, which encodes them on the wire).

/// A value in a result set row. Doris sends every value as text on the text protocol,
/// except SQL NULL.
pub type Cell = Option<String>;

/// Column type reported in result-set metadata. The MySQL client only uses it for display,
/// so a coarse mapping is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Integer column (BIGINT on the wire).
    Int,
    /// Floating or decimal column (DOUBLE on the wire).
    Float,
    /// Anything else (VARCHAR on the wire).
    Text,
}

/// One column of a result set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column label as the client sees it (Doris column names are case-sensitive here).
    pub name: String,
    /// Coarse wire type.
    pub kind: ColumnKind,
}

impl Column {
    /// A text column.
    pub fn text(name: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            kind: ColumnKind::Text,
        }
    }

    /// An integer column.
    pub fn int(name: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            kind: ColumnKind::Int,
        }
    }
}

/// The outcome of one successfully executed statement.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryResult {
    /// A statement without a result set (DDL, INSERT, ...).
    Ok {
        /// Rows changed, reported in the OK packet.
        affected_rows: u64,
        /// Optional info text of the OK packet.
        info: String,
    },
    /// A result set (SELECT, SHOW ...).
    Rows {
        /// Column metadata.
        columns: Vec<Column>,
        /// Rows; every row has exactly `columns.len()` cells.
        rows: Vec<Vec<Cell>>,
    },
}

impl QueryResult {
    /// An OK packet with no affected rows.
    pub fn ok() -> Self {
        QueryResult::Ok {
            affected_rows: 0,
            info: String::new(),
        }
    }

    /// An OK packet reporting `n` affected rows.
    pub fn affected(n: u64) -> Self {
        QueryResult::Ok {
            affected_rows: n,
            info: String::new(),
        }
    }
}

/// A statement failure, sent as a MySQL ERR packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("errCode = {code}, detailMessage = {message}")]
pub struct SqlError {
    /// MySQL error number (Doris mostly uses 1105 "unknown error" with a detail message;
    /// see the constants below).
    pub code: u16,
    /// Human-readable message.
    pub message: String,
}

impl SqlError {
    /// Generic error (ER_UNKNOWN_ERROR 1105), the code Doris uses for most analysis errors.
    pub const UNKNOWN: u16 = 1105;
    /// Syntax error (ER_PARSE_ERROR 1064).
    pub const PARSE: u16 = 1064;
    /// Unknown database (ER_BAD_DB_ERROR 1049).
    pub const BAD_DB: u16 = 1049;
    /// Unknown table (ER_BAD_TABLE_ERROR 1051).
    pub const BAD_TABLE: u16 = 1051;
    /// Table already exists (ER_TABLE_EXISTS_ERROR 1050).
    pub const TABLE_EXISTS: u16 = 1050;
    /// Database already exists (ER_DB_CREATE_EXISTS 1007).
    pub const DB_EXISTS: u16 = 1007;
    /// Access denied (ER_ACCESS_DENIED_ERROR 1045).
    pub const ACCESS_DENIED: u16 = 1045;
    /// Statement not supported by the emulator (ER_NOT_SUPPORTED_YET 1235).
    pub const NOT_SUPPORTED: u16 = 1235;

    /// An error with the generic code 1105.
    pub fn new(message: impl Into<String>) -> Self {
        SqlError {
            code: Self::UNKNOWN,
            message: message.into(),
        }
    }

    /// An error with an explicit code.
    pub fn with_code(code: u16, message: impl Into<String>) -> Self {
        SqlError {
            code,
            message: message.into(),
        }
    }
}
