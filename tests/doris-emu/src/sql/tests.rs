//! Parser tests, by statement family.

mod alter;
mod ddl;
mod dml;
mod errors;
mod expr;
mod lexer;
mod show;

use super::ast::Statement;

/// Parses `sql`, failing the test with the parse error.
pub(super) fn ok(sql: &str) -> Statement {
    match super::parse(sql) {
        Ok(s) => s,
        Err(e) => panic!("failed to parse {sql:?}: {e}"),
    }
}
