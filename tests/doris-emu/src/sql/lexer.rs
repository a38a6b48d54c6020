//! Tokenizer: words, back-quoted identifiers, string and numeric literals, operators.
//! Comments and whitespace are dropped; every token keeps its byte span for error
//! positions and for recovering raw source text.

use super::error::{line_col, ParseError};

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An unquoted identifier or keyword, as written.
    Word(String),
    /// A back-quoted identifier, unescaped.
    QuotedIdent(String),
    /// A string literal (single or double quotes), escapes resolved.
    Str(String),
    /// An unsigned numeric literal as written (`12`, `1.5`, `.5`, `1e-3`).
    Number(String),
    /// An operator or punctuation (`=`, `<=>`, `(`, `;` ...).
    Punct(&'static str),
    /// `@@`
    AtAt,
    /// `@`
    At,
    /// End of input (always the last token).
    Eof,
}

/// A token and its byte span in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Multi-character operators first so the longest match wins.
const PUNCTS: &[&str] = &[
    "<=>", "!=", "<>", "<=", ">=", "&&", "||", ":=", "=", "<", ">", "+", "-", "*", "/", "%", "(",
    ")", ",", ".", ";", "[", "]", "!", ":", "{", "}", "|", "&", "^", "~",
];

/// Splits `src` into tokens, ending with [`TokenKind::Eof`].
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut lx = Lexer { src, pos: 0 };
    let mut out = Vec::new();
    loop {
        lx.skip_trivia()?;
        let start = lx.pos;
        let Some(c) = lx.peek() else {
            out.push(Token {
                kind: TokenKind::Eof,
                start,
                end: start,
            });
            return Ok(out);
        };
        let kind = lx.token(c)?;
        out.push(Token {
            kind,
            start,
            end: lx.pos,
        });
    }
}

/// True for characters that may appear in an unquoted identifier.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || (!c.is_ascii() && !c.is_whitespace())
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, at: usize, near: Option<String>, message: &str) -> ParseError {
        let (line, col) = line_col(self.src, at);
        ParseError::Syntax {
            line,
            col,
            near,
            message: message.to_string(),
        }
    }

    /// Skips whitespace and `--`, `#`, `/* */` comments.
    fn skip_trivia(&mut self) -> Result<(), ParseError> {
        loop {
            let rest = self.rest();
            if rest.starts_with(char::is_whitespace) {
                self.bump();
            } else if rest.starts_with("--") || rest.starts_with('#') {
                let len = rest.find('\n').unwrap_or(rest.len());
                self.pos += len;
            } else if rest.starts_with("/*") {
                let start = self.pos;
                match rest.get(2..).and_then(|r| r.find("*/")) {
                    Some(i) => self.pos += i + 4,
                    None => {
                        return Err(self.error(start, Some("/*".into()), "unterminated comment"))
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    fn token(&mut self, c: char) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        match c {
            '\'' | '"' => self.string(c).map(TokenKind::Str),
            '`' => self.quoted_ident(),
            '@' => {
                self.bump();
                if self.peek() == Some('@') {
                    self.bump();
                    Ok(TokenKind::AtAt)
                } else {
                    Ok(TokenKind::At)
                }
            }
            c if c.is_ascii_digit() => Ok(self.number_or_word()),
            '.' if self.peek2().is_some_and(|d| d.is_ascii_digit()) => Ok(self.number_or_word()),
            c if is_word_char(c) => Ok(TokenKind::Word(self.word())),
            _ => {
                let rest = self.rest();
                match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
                    Some(p) => {
                        self.pos += p.len();
                        Ok(TokenKind::Punct(p))
                    }
                    None => Err(self.error(start, Some(c.to_string()), "unexpected character")),
                }
            }
        }
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_word_char) {
            self.bump();
        }
        self.src.get(start..self.pos).unwrap_or("").to_string()
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
    }

    /// A number, or a word that merely starts with digits (`1abc`, `20240101_x`).
    fn number_or_word(&mut self) -> TokenKind {
        let start = self.pos;
        self.digits();
        let mut plain = true;
        if self.peek() == Some('.')
            && !self
                .peek2()
                .is_some_and(|c| is_word_char(c) && !c.is_ascii_digit())
        {
            plain = false;
            self.bump();
            self.digits();
        }
        let save = self.pos;
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                plain = false;
                self.digits();
            } else {
                self.pos = save;
            }
        }
        if plain && self.peek().is_some_and(is_word_char) {
            self.pos = start;
            return TokenKind::Word(self.word());
        }
        TokenKind::Number(self.src.get(start..self.pos).unwrap_or("").to_string())
    }

    fn quoted_ident(&mut self) -> Result<TokenKind, ParseError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                Some('`') if self.peek() == Some('`') => {
                    self.bump();
                    out.push('`');
                }
                Some('`') => return Ok(TokenKind::QuotedIdent(out)),
                Some(c) => out.push(c),
                None => return Err(self.error(start, Some("`".into()), "unterminated identifier")),
            }
        }
    }

    /// A string literal with MySQL escapes; `\%` and `\_` keep their backslash (LIKE
    /// patterns) and a doubled quote stands for one quote.
    fn string(&mut self, quote: char) -> Result<String, ParseError> {
        let start = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            match self.bump() {
                Some(c) if c == quote && self.peek() == Some(quote) => {
                    self.bump();
                    out.push(quote);
                }
                Some(c) if c == quote => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some('b') => out.push('\u{8}'),
                    Some('Z') => out.push('\u{1a}'),
                    Some(c @ ('%' | '_')) => {
                        out.push('\\');
                        out.push(c);
                    }
                    Some(c) => out.push(c),
                    None => break,
                },
                Some(c) => out.push(c),
                None => break,
            }
        }
        let near: String = self
            .src
            .get(start..)
            .unwrap_or("")
            .chars()
            .take(20)
            .collect();
        Err(self.error(start, Some(near), "unterminated string literal"))
    }
}
