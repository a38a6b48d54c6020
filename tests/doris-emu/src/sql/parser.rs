//! Recursive-descent parser: the token cursor, shared helpers and statement dispatch.
//! Statement families live in the submodules.

mod admin;
mod alter;
mod ddl;
mod dml;
mod expr;
mod partition;
mod select;
mod show;
mod table;
mod types;

use super::ast::{ObjectName, Properties, Statement};
use super::error::{line_col, ParseError};
use super::lexer::{Token, TokenKind};

pub(crate) type PResult<T> = Result<T, ParseError>;

/// A cursor over the tokens of one statement (the slice ends with an `Eof` token).
pub(crate) struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    pos: usize,
    /// Current expression nesting depth, bounded so hostile input cannot overflow the stack.
    depth: usize,
}

/// Deepest expression/parenthesis nesting accepted.
const MAX_DEPTH: usize = 128;

impl<'a> Parser<'a> {
    /// A parser over `tokens` (which must end with `Eof`) of source `src`.
    pub(crate) fn new(src: &'a str, tokens: &'a [Token]) -> Self {
        Parser {
            src,
            tokens,
            pos: 0,
            depth: 0,
        }
    }

    /// Parses exactly one statement, allowing one trailing `;`.
    pub(crate) fn statement_to_end(&mut self) -> PResult<Statement> {
        while self.eat_punct(";") {}
        if self.at_end() {
            return Err(ParseError::Empty);
        }
        let stmt = self.statement()?;
        self.eat_punct(";");
        if !self.at_end() {
            return Err(self.error("expected end of statement"));
        }
        Ok(stmt)
    }

    fn statement(&mut self) -> PResult<Statement> {
        let word = match &self.peek().kind {
            TokenKind::Word(w) => w.to_ascii_uppercase(),
            TokenKind::Punct("(") => {
                return Err(ParseError::Unsupported("parenthesized query".into()))
            }
            _ => return Err(self.error("expected a statement")),
        };
        match word.as_str() {
            "CREATE" => self.create(),
            "DROP" => self.drop_stmt(),
            "ALTER" => self.alter(),
            "USE" => self.use_stmt(),
            "TRUNCATE" => self.truncate(),
            "INSERT" => self.insert(),
            "DELETE" => self.delete(),
            "UPDATE" => self.update(),
            "SELECT" => Ok(Statement::Select(Box::new(self.select()?))),
            "SET" => self.set(),
            "SHOW" | "DESC" | "DESCRIBE" => self.show(),
            "ADMIN" => self.admin(),
            "BACKUP" | "RESTORE" => self.backup_restore(),
            "CANCEL" => self.cancel(),
            "BEGIN" | "START" | "COMMIT" | "ROLLBACK" => self.transaction(),
            _ => Err(ParseError::Unsupported(word)),
        }
    }

    // ---- cursor ----

    pub(crate) fn peek(&self) -> &Token {
        self.peek_at(0)
    }

    /// The token `n` ahead; the final `Eof` repeats past the end.
    pub(crate) fn peek_at(&self, n: usize) -> &Token {
        let i = (self.pos + n).min(self.tokens.len().saturating_sub(1));
        &self.tokens[i]
    }

    pub(crate) fn advance(&mut self) -> &'a Token {
        let i = self.pos.min(self.tokens.len().saturating_sub(1));
        if self.pos < self.tokens.len().saturating_sub(1) {
            self.pos += 1;
        }
        &self.tokens[i]
    }

    pub(crate) fn at_end(&self) -> bool {
        matches!(self.peek().kind, TokenKind::Eof)
    }

    /// Index of the next token (for [`Parser::text_from`]).
    pub(crate) fn mark(&self) -> usize {
        self.pos
    }

    /// Source text from token `start` up to (not including) the current token, trimmed.
    pub(crate) fn text_from(&self, start: usize) -> String {
        if start >= self.pos {
            return String::new();
        }
        let from = self.tokens[start].start;
        let to = self.tokens[self.pos - 1].end;
        self.src.get(from..to).unwrap_or("").trim().to_string()
    }

    // ---- keywords and punctuation ----

    pub(crate) fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(&self.peek_at(n).kind, TokenKind::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    pub(crate) fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    pub(crate) fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.advance();
        }
        hit
    }

    /// Consumes the whole keyword sequence or nothing.
    pub(crate) fn eat_kws(&mut self, kws: &[&str]) -> bool {
        let hit = kws.iter().enumerate().all(|(i, kw)| self.is_kw_at(i, kw));
        if hit {
            self.pos += kws.len();
        }
        hit
    }

    pub(crate) fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error(&format!("expected {kw}")))
        }
    }

    pub(crate) fn expect_kws(&mut self, kws: &[&str]) -> PResult<()> {
        kws.iter().try_for_each(|kw| self.expect_kw(kw))
    }

    pub(crate) fn is_punct_at(&self, n: usize, p: &str) -> bool {
        matches!(self.peek_at(n).kind, TokenKind::Punct(q) if q == p)
    }

    pub(crate) fn is_punct(&self, p: &str) -> bool {
        self.is_punct_at(0, p)
    }

    pub(crate) fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.is_punct(p);
        if hit {
            self.advance();
        }
        hit
    }

    pub(crate) fn expect_punct(&mut self, p: &str) -> PResult<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.error(&format!("expected '{p}'")))
        }
    }

    /// The `,` between list items (the caller has already checked for the closing `)`).
    pub(crate) fn expect_list_sep(&mut self) -> PResult<()> {
        if self.eat_punct(",") {
            Ok(())
        } else {
            Err(self.error("expected ',' or ')'"))
        }
    }

    /// Upper-cased word at the cursor, if the cursor is on an unquoted word.
    pub(crate) fn peek_word(&self) -> Option<String> {
        match &self.peek().kind {
            TokenKind::Word(w) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }

    // ---- errors and nesting ----

    /// A syntax error located at the current token.
    pub(crate) fn error(&self, message: &str) -> ParseError {
        let tok = self.peek();
        let (line, col) = line_col(self.src, tok.start);
        let near = match tok.kind {
            TokenKind::Eof => None,
            _ => Some(
                self.src
                    .get(tok.start..tok.end)
                    .unwrap_or("")
                    .chars()
                    .take(40)
                    .collect(),
            ),
        };
        ParseError::Syntax {
            line,
            col,
            near,
            message: message.to_string(),
        }
    }

    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        Ok(())
    }

    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- names and literals ----

    /// An identifier: an unquoted word (keywords allowed) or a back-quoted identifier.
    pub(crate) fn ident(&mut self) -> PResult<String> {
        match &self.peek().kind {
            TokenKind::Word(w) | TokenKind::QuotedIdent(w) => {
                let w = w.clone();
                self.advance();
                Ok(w)
            }
            _ => Err(self.error("expected an identifier")),
        }
    }

    /// An identifier or a string literal (labels, repository names, property keys).
    pub(crate) fn ident_or_string(&mut self) -> PResult<String> {
        if let TokenKind::Str(s) = &self.peek().kind {
            let s = s.clone();
            self.advance();
            return Ok(s);
        }
        self.ident()
    }

    /// `name`, `db.name` or `catalog.db.name`.
    pub(crate) fn object_name(&mut self) -> PResult<ObjectName> {
        let mut parts = vec![self.ident()?];
        while parts.len() < 3 && self.is_punct(".") {
            self.advance();
            parts.push(self.ident()?);
        }
        let name = parts.pop().unwrap_or_default();
        let db = parts.pop();
        let catalog = parts.pop();
        Ok(ObjectName { catalog, db, name })
    }

    /// `( ident, ... )`; an empty list is allowed.
    pub(crate) fn ident_list(&mut self) -> PResult<Vec<String>> {
        self.expect_punct("(")?;
        let mut out = Vec::new();
        if self.eat_punct(")") {
            return Ok(out);
        }
        loop {
            out.push(self.ident()?);
            if self.eat_punct(")") {
                return Ok(out);
            }
            self.expect_list_sep()?;
        }
    }

    pub(crate) fn string(&mut self) -> PResult<String> {
        match &self.peek().kind {
            TokenKind::Str(s) => {
                let s = s.clone();
                self.advance();
                Ok(s)
            }
            _ => Err(self.error("expected a string literal")),
        }
    }

    /// An unsigned integer literal.
    pub(crate) fn integer<T: std::str::FromStr>(&mut self) -> PResult<T> {
        if let TokenKind::Number(n) = &self.peek().kind {
            if let Ok(v) = n.parse::<T>() {
                self.advance();
                return Ok(v);
            }
        }
        Err(self.error("expected an integer"))
    }

    /// `[LIKE 'pattern']`.
    pub(crate) fn opt_like(&mut self) -> PResult<Option<String>> {
        if self.eat_kw("LIKE") {
            return self.string().map(Some);
        }
        Ok(None)
    }

    /// `[IF EXISTS]`.
    pub(crate) fn if_exists(&mut self) -> bool {
        self.eat_kws(&["IF", "EXISTS"])
    }

    /// `[IF NOT EXISTS]`.
    pub(crate) fn if_not_exists(&mut self) -> bool {
        self.eat_kws(&["IF", "NOT", "EXISTS"])
    }

    /// `("k" = "v", ...)`: keys are strings or identifiers, values strings, numbers or
    /// words.
    pub(crate) fn property_list(&mut self) -> PResult<Properties> {
        self.expect_punct("(")?;
        let mut out = Vec::new();
        if self.eat_punct(")") {
            return Ok(Properties(out));
        }
        loop {
            let key = self.ident_or_string()?;
            self.expect_punct("=")?;
            let negative =
                self.is_punct("-") && matches!(self.peek_at(1).kind, TokenKind::Number(_));
            if negative {
                self.advance();
            }
            let value = match &self.peek().kind {
                TokenKind::Number(s) if negative => format!("-{s}"),
                TokenKind::Str(s) | TokenKind::Number(s) | TokenKind::Word(s) => s.clone(),
                _ => return Err(self.error("expected a property value")),
            };
            self.advance();
            out.push((key, value));
            if self.eat_punct(")") {
                return Ok(Properties(out));
            }
            self.expect_list_sep()?;
        }
    }

    /// `[PROPERTIES (...)]`.
    pub(crate) fn opt_properties(&mut self) -> PResult<Properties> {
        if self.eat_kw("PROPERTIES") {
            return self.property_list();
        }
        Ok(Properties::default())
    }

    /// True when the cursor is on `(` followed by a string and `=`: an inline property
    /// list such as a partition's `("version_info" = "1")`.
    pub(crate) fn at_inline_properties(&self) -> bool {
        self.is_punct("(")
            && matches!(self.peek_at(1).kind, TokenKind::Str(_))
            && self.is_punct_at(2, "=")
    }
}
