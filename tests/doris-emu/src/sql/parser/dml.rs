//! INSERT, DELETE and UPDATE.

use super::{PResult, Parser};
use crate::sql::ast::{Insert, InsertSource, Statement};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    /// `INSERT INTO|OVERWRITE [TABLE] t [partitions] [WITH LABEL l] [(cols)] VALUES|SELECT`.
    pub(crate) fn insert(&mut self) -> PResult<Statement> {
        self.expect_kw("INSERT")?;
        let overwrite = if self.eat_kw("OVERWRITE") {
            true
        } else {
            self.expect_kw("INTO")?;
            false
        };
        self.eat_kw("TABLE");
        let table = self.object_name()?;
        let mut ins = Insert {
            table,
            overwrite,
            partitions: Vec::new(),
            temporary_partition: false,
            label: None,
            columns: Vec::new(),
            source: InsertSource::Values(Vec::new()),
        };
        loop {
            if self.eat_kw("TEMPORARY") {
                ins.temporary_partition = true;
                if !(self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS")) {
                    return Err(self.error("expected PARTITION"));
                }
                ins.partitions = self.name_or_list()?;
            } else if self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS") {
                if self.is_punct("(") && self.is_punct_at(1, "*") {
                    self.pos += 2;
                    self.expect_punct(")")?;
                    ins.partitions = vec!["*".to_string()];
                } else {
                    ins.partitions = self.name_or_list()?;
                }
            } else if self.eat_kws(&["WITH", "LABEL"]) {
                ins.label = Some(self.ident_or_string()?);
            } else if self.is_punct("(") && !self.is_kw_at(1, "SELECT") {
                ins.columns = self.ident_list()?;
            } else {
                break;
            }
        }
        ins.source = self.insert_source()?;
        Ok(Statement::Insert(Box::new(ins)))
    }

    fn insert_source(&mut self) -> PResult<InsertSource> {
        if self.eat_kw("VALUES") || self.eat_kw("VALUE") {
            let mut rows = Vec::new();
            loop {
                self.expect_punct("(")?;
                rows.push(self.expr_list_until_close()?);
                if !self.eat_punct(",") {
                    return Ok(InsertSource::Values(rows));
                }
            }
        }
        let parenthesized = self.eat_punct("(");
        if self.is_kw("SELECT") {
            let start = self.mark();
            let query = Box::new(self.select()?);
            let text = self.text_from(start);
            if parenthesized {
                self.expect_punct(")")?;
            }
            return Ok(InsertSource::Select { query, text });
        }
        if self.is_kw("WITH") {
            return Err(ParseError::Unsupported("INSERT ... WITH".into()));
        }
        Err(self.error("expected VALUES or SELECT"))
    }

    /// `DELETE FROM t [PARTITION p | PARTITIONS (p..)] [WHERE expr]`.
    pub(crate) fn delete(&mut self) -> PResult<Statement> {
        self.expect_kws(&["DELETE", "FROM"])?;
        let table = self.object_name()?;
        let mut partitions = Vec::new();
        if self.eat_kw("TEMPORARY") {
            return Err(ParseError::Unsupported(
                "DELETE ... TEMPORARY PARTITION".into(),
            ));
        }
        if self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS") {
            partitions = self.name_or_list()?;
        }
        if matches!(
            self.peek().kind,
            TokenKind::Word(_) | TokenKind::QuotedIdent(_)
        ) && !self.is_kw("WHERE")
            && !self.is_kw("USING")
        {
            self.opt_alias()?;
        }
        if self.is_kw("USING") {
            return Err(ParseError::Unsupported("DELETE ... USING".into()));
        }
        let filter = if self.eat_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Statement::Delete {
            table,
            partitions,
            filter,
        })
    }

    /// `UPDATE t SET c = expr, ... [WHERE expr]`.
    pub(crate) fn update(&mut self) -> PResult<Statement> {
        self.expect_kw("UPDATE")?;
        let table = self.object_name()?;
        if !self.is_kw("SET") {
            self.opt_alias()?;
        }
        self.expect_kw("SET")?;
        let mut assignments = Vec::new();
        loop {
            let mut column = self.ident()?;
            while self.eat_punct(".") {
                column = self.ident()?;
            }
            self.expect_punct("=")?;
            assignments.push((column, self.expr()?));
            if !self.eat_punct(",") {
                break;
            }
        }
        if self.is_kw("FROM") {
            return Err(ParseError::Unsupported("UPDATE ... FROM".into()));
        }
        let filter = if self.eat_kw("WHERE") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Statement::Update {
            table,
            assignments,
            filter,
        })
    }
}
