//! Parse errors.

use std::fmt;

/// Why a statement could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// Malformed input: position (1-based line and column, in characters), the offending
    /// token text (`None` at end of input) and what was expected.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        col: usize,
        /// Text of the unexpected token; `None` at end of input.
        near: Option<String>,
        /// What the parser expected or why the token is wrong.
        message: String,
    },
    /// A recognisable statement the emulator does not implement; holds its leading words
    /// upper-cased (e.g. `GRANT`, `CREATE CATALOG`).
    Unsupported(String),
    /// The input holds no statement (only whitespace, comments or `;`).
    Empty,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax {
                line,
                col,
                near: Some(near),
                message,
            } => {
                write!(f, "Syntax error at {line}:{col} near '{near}': {message}")
            }
            ParseError::Syntax {
                line,
                col,
                near: None,
                message,
            } => {
                write!(f, "Syntax error at {line}:{col} at end of input: {message}")
            }
            ParseError::Unsupported(what) => write!(f, "statement not supported: {what}"),
            ParseError::Empty => f.write_str("Query was empty"),
        }
    }
}

impl std::error::Error for ParseError {}

/// Converts a byte offset in `src` to a 1-based (line, column-in-characters) pair.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}
