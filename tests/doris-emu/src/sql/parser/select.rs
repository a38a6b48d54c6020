//! The single-table SELECT subset.

use super::{PResult, Parser};
use crate::sql::ast::{FromClause, OrderByItem, Select, SelectItem};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

/// Words that end a select item or table reference, so they are never taken as an alias.
const CLAUSE_WORDS: &[&str] = &[
    "FROM",
    "WHERE",
    "GROUP",
    "HAVING",
    "ORDER",
    "LIMIT",
    "OFFSET",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "ON",
    "USING",
    "AS",
    "INTO",
    "FOR",
    "LATERAL",
    "NATURAL",
    "STRAIGHT_JOIN",
    "WINDOW",
    "AND",
    "OR",
    "SEMI",
    "ANTI",
];

impl Parser<'_> {
    /// `SELECT ...` (the cursor is on `SELECT`).
    pub(crate) fn select(&mut self) -> PResult<Select> {
        self.expect_kw("SELECT")?;
        let distinct = self.eat_kw("DISTINCT");
        if !distinct {
            self.eat_kw("ALL");
        }
        let items = self.select_items()?;
        let from = if self.eat_kw("FROM") {
            Some(self.table_source()?)
        } else {
            None
        };
        let filter = if self.eat_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        let mut group_by = Vec::new();
        if self.eat_kws(&["GROUP", "BY"]) {
            group_by = self.expr_list()?;
        }
        let having = if self.eat_kw("HAVING") {
            Some(self.expr()?)
        } else {
            None
        };
        let order_by = if self.eat_kws(&["ORDER", "BY"]) {
            self.order_by_list()?
        } else {
            Vec::new()
        };
        let (limit, offset) = self.limit()?;
        for word in ["UNION", "EXCEPT", "INTERSECT", "INTO"] {
            if self.is_kw(word) {
                return Err(ParseError::Unsupported(format!("SELECT ... {word}")));
            }
        }
        Ok(Select {
            distinct,
            items,
            from,
            filter,
            group_by,
            having,
            order_by,
            limit,
            offset,
        })
    }

    /// Comma-separated expressions (no surrounding parentheses).
    pub(crate) fn expr_list(&mut self) -> PResult<Vec<crate::sql::ast::Expr>> {
        let mut out = vec![self.expr()?];
        while self.eat_punct(",") {
            out.push(self.expr()?);
        }
        Ok(out)
    }

    fn select_items(&mut self) -> PResult<Vec<SelectItem>> {
        let mut items = vec![self.select_item()?];
        while self.eat_punct(",") {
            items.push(self.select_item()?);
        }
        Ok(items)
    }

    fn select_item(&mut self) -> PResult<SelectItem> {
        if self.eat_punct("*") {
            return Ok(SelectItem::Wildcard { qualifier: None });
        }
        let qualified_star = matches!(
            self.peek().kind,
            TokenKind::Word(_) | TokenKind::QuotedIdent(_)
        ) && self.is_punct_at(1, ".")
            && self.is_punct_at(2, "*");
        if qualified_star {
            let qualifier = self.ident()?;
            self.pos += 2;
            return Ok(SelectItem::Wildcard {
                qualifier: Some(qualifier),
            });
        }
        let start = self.mark();
        let expr = self.expr()?;
        let text = self.text_from(start);
        let alias = self.opt_alias()?;
        Ok(SelectItem::Expr { expr, alias, text })
    }

    /// `[AS] alias` where a bare alias is any non-clause word or quoted name.
    pub(crate) fn opt_alias(&mut self) -> PResult<Option<String>> {
        if self.eat_kw("AS") {
            return self.ident_or_string().map(Some);
        }
        match &self.peek().kind {
            TokenKind::QuotedIdent(a) => {
                let a = a.clone();
                self.advance();
                Ok(Some(a))
            }
            TokenKind::Word(w) if !CLAUSE_WORDS.iter().any(|c| w.eq_ignore_ascii_case(c)) => {
                let w = w.clone();
                self.advance();
                Ok(Some(w))
            }
            _ => Ok(None),
        }
    }

    fn table_source(&mut self) -> PResult<FromClause> {
        if self.is_punct("(") {
            return Err(ParseError::Unsupported("SELECT ... FROM (subquery)".into()));
        }
        let name = self.object_name()?;
        let from = if self.is_punct("(") && name.db.is_none() {
            self.advance();
            let args = self.expr_list_until_close()?;
            let alias = self.opt_alias()?;
            FromClause::Function {
                name: name.name,
                args,
                alias,
            }
        } else {
            let alias = self.opt_alias()?;
            FromClause::Table { name, alias }
        };
        let join = self.is_punct(",")
            || ["JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL"]
                .iter()
                .any(|k| self.is_kw(k));
        if join {
            return Err(ParseError::Unsupported("SELECT ... JOIN".into()));
        }
        Ok(from)
    }

    fn order_by_list(&mut self) -> PResult<Vec<OrderByItem>> {
        let mut out = Vec::new();
        loop {
            let expr = self.expr()?;
            let desc = self.eat_kw("DESC");
            if !desc {
                self.eat_kw("ASC");
            }
            out.push(OrderByItem { expr, desc });
            if !self.eat_punct(",") {
                return Ok(out);
            }
        }
    }

    /// `[LIMIT n [OFFSET m] | LIMIT m, n]`.
    fn limit(&mut self) -> PResult<(Option<u64>, Option<u64>)> {
        if !self.eat_kw("LIMIT") {
            return Ok((None, None));
        }
        let first = self.integer::<u64>()?;
        if self.eat_punct(",") {
            let count = self.integer::<u64>()?;
            return Ok((Some(count), Some(first)));
        }
        let offset = if self.eat_kw("OFFSET") {
            Some(self.integer::<u64>()?)
        } else {
            None
        };
        Ok((Some(first), offset))
    }
}
