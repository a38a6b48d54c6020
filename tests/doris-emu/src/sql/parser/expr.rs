//! Expressions: precedence climbing over OR < AND < NOT < comparison/IS/IN/BETWEEN/LIKE
//! < `+ -` < `* / %` < unary minus < primaries.

use super::{PResult, Parser};
use crate::sql::ast::{BinaryOp, Expr, Literal, UnaryOp, VarScope};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

/// Precedence of NOT's operand: binds looser than comparisons, tighter than AND.
const PREC_NOT: u8 = 3;
/// Precedence of comparisons and the IS/IN/BETWEEN/LIKE postfix forms.
const PREC_CMP: u8 = 4;

/// Functions that may be written without parentheses.
const NILADIC: &[&str] = &[
    "CURRENT_TIMESTAMP",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_USER",
    "LOCALTIME",
    "LOCALTIMESTAMP",
];

impl Parser<'_> {
    /// A full expression.
    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.expr_prec(0)
    }

    /// An expression whose operators all bind tighter than `min`.
    pub(crate) fn expr_prec(&mut self, min: u8) -> PResult<Expr> {
        self.enter()?;
        let result = self.expr_prec_inner(min);
        self.leave();
        result
    }

    fn expr_prec_inner(&mut self, min: u8) -> PResult<Expr> {
        let mut left = self.prefix()?;
        loop {
            if let Some(op) = self.peek_binary_op() {
                let p = op.precedence();
                if p <= min {
                    return Ok(left);
                }
                self.advance();
                let right = self.expr_prec(p)?;
                left = Expr::Binary {
                    left: Box::new(left),
                    op,
                    right: Box::new(right),
                };
            } else if PREC_CMP > min && self.at_postfix() {
                left = self.postfix(left)?;
            } else {
                return Ok(left);
            }
        }
    }

    fn peek_binary_op(&self) -> Option<BinaryOp> {
        let op = match &self.peek().kind {
            TokenKind::Punct(p) => match *p {
                "+" => BinaryOp::Plus,
                "-" => BinaryOp::Minus,
                "*" => BinaryOp::Multiply,
                "/" => BinaryOp::Divide,
                "%" => BinaryOp::Modulo,
                "=" => BinaryOp::Eq,
                "!=" | "<>" => BinaryOp::NotEq,
                "<" => BinaryOp::Lt,
                "<=" => BinaryOp::LtEq,
                ">" => BinaryOp::Gt,
                ">=" => BinaryOp::GtEq,
                "<=>" => BinaryOp::NullSafeEq,
                "&&" => BinaryOp::And,
                "||" => BinaryOp::Or,
                _ => return None,
            },
            TokenKind::Word(w) => match w.to_ascii_uppercase().as_str() {
                "AND" => BinaryOp::And,
                "OR" => BinaryOp::Or,
                "MOD" => BinaryOp::Modulo,
                _ => return None,
            },
            _ => return None,
        };
        Some(op)
    }

    fn at_postfix(&self) -> bool {
        ["IS", "IN", "BETWEEN", "LIKE"]
            .iter()
            .any(|k| self.is_kw(k))
            || (self.is_kw("NOT")
                && ["IN", "BETWEEN", "LIKE"]
                    .iter()
                    .any(|k| self.is_kw_at(1, k)))
            || self.is_kw("REGEXP")
            || self.is_kw("RLIKE")
    }

    /// `IS [NOT] NULL`, `[NOT] IN (...)`, `[NOT] BETWEEN a AND b`, `[NOT] LIKE p`.
    fn postfix(&mut self, left: Expr) -> PResult<Expr> {
        let expr = Box::new(left);
        if self.eat_kw("IS") {
            let negated = self.eat_kw("NOT");
            if self.eat_kw("NULL") {
                return Ok(Expr::IsNull { expr, negated });
            }
            return Err(self.error("expected NULL"));
        }
        if self.is_kw("REGEXP") || self.is_kw("RLIKE") {
            return Err(ParseError::Unsupported("REGEXP".into()));
        }
        let negated = self.eat_kw("NOT");
        if self.eat_kw("IN") {
            self.expect_punct("(")?;
            if self.is_kw("SELECT") {
                return Err(ParseError::Unsupported("subquery".into()));
            }
            let list = self.expr_list_until_close()?;
            return Ok(Expr::InList {
                expr,
                list,
                negated,
            });
        }
        if self.eat_kw("BETWEEN") {
            let low = Box::new(self.expr_prec(PREC_CMP)?);
            self.expect_kw("AND")?;
            let high = Box::new(self.expr_prec(PREC_CMP)?);
            return Ok(Expr::Between {
                expr,
                low,
                high,
                negated,
            });
        }
        self.expect_kw("LIKE")?;
        let pattern = Box::new(self.expr_prec(PREC_CMP)?);
        Ok(Expr::Like {
            expr,
            pattern,
            negated,
        })
    }

    /// Comma-separated expressions up to and including `)` (the `(` already consumed).
    pub(crate) fn expr_list_until_close(&mut self) -> PResult<Vec<Expr>> {
        let mut out = Vec::new();
        if self.eat_punct(")") {
            return Ok(out);
        }
        loop {
            out.push(self.expr()?);
            if self.eat_punct(")") {
                return Ok(out);
            }
            self.expect_list_sep()?;
        }
    }

    fn prefix(&mut self) -> PResult<Expr> {
        if self.eat_kw("NOT") {
            let expr = Box::new(self.expr_prec(PREC_NOT)?);
            return Ok(Expr::Unary {
                op: UnaryOp::Not,
                expr,
            });
        }
        if self.eat_punct("!") {
            let expr = Box::new(self.expr_prec(6)?);
            return Ok(Expr::Unary {
                op: UnaryOp::Not,
                expr,
            });
        }
        if self.eat_punct("-") {
            if let TokenKind::Number(n) = &self.peek().kind {
                let lit = number_literal(&format!("-{n}"));
                self.advance();
                return Ok(Expr::Literal(lit));
            }
            let expr = Box::new(self.expr_prec(6)?);
            return Ok(Expr::Unary {
                op: UnaryOp::Neg,
                expr,
            });
        }
        if self.eat_punct("+") {
            return self.expr_prec(6);
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Expr> {
        let tok = self.peek().clone();
        match tok.kind {
            TokenKind::Number(n) => {
                self.advance();
                Ok(Expr::Literal(number_literal(&n)))
            }
            TokenKind::Str(s) => {
                self.advance();
                Ok(Expr::Literal(Literal::String(s)))
            }
            TokenKind::Punct("(") => {
                self.advance();
                if self.is_kw("SELECT") {
                    return Err(ParseError::Unsupported("subquery".into()));
                }
                let e = self.expr()?;
                self.expect_punct(")")?;
                Ok(e)
            }
            TokenKind::AtAt | TokenKind::At => self.variable(),
            TokenKind::QuotedIdent(_) => self.column_ref(),
            TokenKind::Word(w) => self.word_primary(&w),
            _ => Err(self.error("expected an expression")),
        }
    }

    /// A primary starting with a word: keyword literal, CAST, CASE, typed string,
    /// function call or column reference.
    fn word_primary(&mut self, word: &str) -> PResult<Expr> {
        let upper = word.to_ascii_uppercase();
        let next_is_paren = self.is_punct_at(1, "(");
        let lit = match upper.as_str() {
            "NULL" => Some(Literal::Null),
            "TRUE" => Some(Literal::Bool(true)),
            "FALSE" => Some(Literal::Bool(false)),
            _ => None,
        };
        if let Some(lit) = lit {
            self.advance();
            return Ok(Expr::Literal(lit));
        }
        match upper.as_str() {
            "CAST" if next_is_paren => return self.cast(),
            "CASE" => return self.case(),
            "DEFAULT" if !next_is_paren => {
                self.advance();
                return Ok(Expr::Default);
            }
            "DATE" | "TIMESTAMP" | "DATETIME"
                if matches!(self.peek_at(1).kind, TokenKind::Str(_)) =>
            {
                return self.typed_string();
            }
            "EXISTS" if next_is_paren => return Err(ParseError::Unsupported("subquery".into())),
            "INTERVAL" => return Err(ParseError::Unsupported("INTERVAL".into())),
            _ => {}
        }
        if next_is_paren {
            return self.function_call(word.to_string());
        }
        if NILADIC.contains(&upper.as_str()) {
            self.advance();
            return Ok(Expr::Function {
                name: upper,
                args: Vec::new(),
                distinct: false,
            });
        }
        self.column_ref()
    }

    fn function_call(&mut self, name: String) -> PResult<Expr> {
        self.advance();
        self.expect_punct("(")?;
        if self.is_punct("*") && self.is_punct_at(1, ")") {
            self.pos += 2;
            return Ok(Expr::Function {
                name,
                args: vec![Expr::Wildcard],
                distinct: false,
            });
        }
        let distinct = self.eat_kw("DISTINCT");
        let args = self.expr_list_until_close()?;
        Ok(Expr::Function {
            name,
            args,
            distinct,
        })
    }

    /// `a`, `t.a`, `db.t.a` (keywords allowed as names).
    fn column_ref(&mut self) -> PResult<Expr> {
        let mut parts = vec![self.ident()?];
        while self.is_punct(".") && parts.len() < 4 {
            self.advance();
            parts.push(self.ident()?);
        }
        let name = parts.pop().unwrap_or_default();
        Ok(Expr::Column {
            qualifier: parts,
            name,
        })
    }

    /// `@@name`, `@@global.name`, `@@session.name`, `@name`.
    pub(crate) fn variable(&mut self) -> PResult<Expr> {
        let system = matches!(self.advance().kind, TokenKind::AtAt);
        let mut name = self.ident_or_string()?;
        let mut scope = if system {
            VarScope::Session
        } else {
            VarScope::User
        };
        if system && self.is_punct(".") {
            scope = match name.to_ascii_uppercase().as_str() {
                "GLOBAL" => VarScope::Global,
                "SESSION" | "LOCAL" => VarScope::Session,
                _ => return Err(self.error("expected GLOBAL or SESSION before '.'")),
            };
            self.advance();
            name = self.ident()?;
        }
        Ok(Expr::Variable { scope, name })
    }

    fn cast(&mut self) -> PResult<Expr> {
        self.advance();
        self.expect_punct("(")?;
        let expr = Box::new(self.expr()?);
        self.expect_kw("AS")?;
        let data_type = self.data_type()?;
        self.expect_punct(")")?;
        Ok(Expr::Cast { expr, data_type })
    }

    /// `DATE '2024-01-01'` → `CAST('2024-01-01' AS DATE)`.
    fn typed_string(&mut self) -> PResult<Expr> {
        let data_type = self.data_type()?;
        let value = self.string()?;
        Ok(Expr::Cast {
            expr: Box::new(Expr::Literal(Literal::String(value))),
            data_type,
        })
    }

    fn case(&mut self) -> PResult<Expr> {
        self.advance();
        let operand = if self.is_kw("WHEN") {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let mut branches = Vec::new();
        while self.eat_kw("WHEN") {
            let when = self.expr()?;
            self.expect_kw("THEN")?;
            branches.push((when, self.expr()?));
        }
        if branches.is_empty() {
            return Err(self.error("expected WHEN"));
        }
        let else_result = if self.eat_kw("ELSE") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect_kw("END")?;
        Ok(Expr::Case {
            operand,
            branches,
            else_result,
        })
    }

    /// A literal with an optional leading minus (partition bounds, defaults, ADMIN EMU).
    pub(crate) fn signed_literal(&mut self) -> PResult<Literal> {
        let negative = self.is_punct("-") && matches!(self.peek_at(1).kind, TokenKind::Number(_));
        if negative {
            self.advance();
        }
        let tok = self.peek().clone();
        let lit = match tok.kind {
            TokenKind::Number(n) if negative => number_literal(&format!("-{n}")),
            TokenKind::Number(n) => number_literal(&n),
            TokenKind::Str(s) => Literal::String(s),
            _ => return Err(self.error("expected a literal")),
        };
        self.advance();
        Ok(lit)
    }
}

/// An integer literal when it fits `i128`, else a decimal kept as text.
pub(crate) fn number_literal(text: &str) -> Literal {
    match text.parse::<i128>() {
        Ok(i) => Literal::Int(i),
        Err(_) => Literal::Decimal(text.to_string()),
    }
}
