//! Doris SQL subset: lexer, AST and parser.
//!
//! Entry points: [`parse`] (one statement), [`parse_many`] and [`parse_many_with_text`]
//! (a `;`-separated batch). Errors are [`ParseError`]: `Syntax` (malformed input, with
//! position), `Unsupported` (a statement the emulator does not implement; answer
//! "statement not supported: X") or `Empty`.

pub mod ast;
mod error;
mod lexer;
mod parser;

#[cfg(test)]
mod tests;

pub use ast::{ParsedStatement, Statement};
pub use error::ParseError;

use lexer::{Token, TokenKind};
use parser::Parser;

/// Parses exactly one statement; a trailing `;` is allowed.
pub fn parse(sql: &str) -> Result<Statement, ParseError> {
    let tokens = lexer::tokenize(sql)?;
    Parser::new(sql, &tokens).statement_to_end()
}

/// Parses a batch of statements separated by top-level `;`. Empty statements (`;;`,
/// comments only) are skipped, so an empty batch yields an empty vector.
pub fn parse_many(sql: &str) -> Result<Vec<Statement>, ParseError> {
    Ok(parse_many_with_text(sql)?
        .into_iter()
        .map(|p| p.statement)
        .collect())
}

/// Like [`parse_many`], also returning each statement's own source text (needed where the
/// executor records a statement verbatim, e.g. a binlog's `rawSql`).
pub fn parse_many_with_text(sql: &str) -> Result<Vec<ParsedStatement>, ParseError> {
    let tokens = lexer::tokenize(sql)?;
    let mut out = Vec::new();
    for chunk in split_statements(&tokens) {
        let (Some(first), Some(last)) = (chunk.first(), chunk.iter().rev().nth(1)) else {
            continue;
        };
        let text = sql
            .get(first.start..last.end)
            .unwrap_or("")
            .trim()
            .to_string();
        let statement = Parser::new(sql, &chunk).statement_to_end()?;
        out.push(ParsedStatement { statement, text });
    }
    Ok(out)
}

/// Splits a token stream at `;` into non-empty statements, each ending with an `Eof` token
/// placed where its `;` was.
fn split_statements(tokens: &[Token]) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    let mut cur: Vec<Token> = Vec::new();
    for tok in tokens {
        let end_here = matches!(tok.kind, TokenKind::Punct(";") | TokenKind::Eof);
        if !end_here {
            cur.push(tok.clone());
            continue;
        }
        if !cur.is_empty() {
            cur.push(Token {
                kind: TokenKind::Eof,
                start: tok.start,
                end: tok.start,
            });
            out.push(std::mem::take(&mut cur));
        }
    }
    out
}
