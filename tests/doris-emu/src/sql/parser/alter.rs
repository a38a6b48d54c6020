//! `ALTER DATABASE`, `ALTER VIEW` and `ALTER TABLE` with its actions.

use super::{PResult, Parser};
use crate::sql::ast::{AlterAction, AlterTable, ColumnPosition, Statement};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

/// Words that start an ALTER TABLE action (so a name after `,` that is one of these starts
/// a new action rather than continuing a rollup list).
const ACTION_WORDS: &[&str] = &[
    "ADD", "DROP", "MODIFY", "RENAME", "ORDER", "SET", "REPLACE", "ENABLE",
];

impl Parser<'_> {
    /// `ALTER DATABASE|TABLE|VIEW ...`.
    pub(crate) fn alter(&mut self) -> PResult<Statement> {
        self.expect_kw("ALTER")?;
        let what = self.peek_word().unwrap_or_default();
        match what.as_str() {
            "DATABASE" | "SCHEMA" => {
                self.advance();
                let name = self.db_name()?;
                if !self.eat_kws(&["SET", "PROPERTIES"]) {
                    return Err(ParseError::Unsupported("ALTER DATABASE".into()));
                }
                let properties = self.property_list()?;
                Ok(Statement::AlterDatabaseProperties { name, properties })
            }
            "VIEW" => {
                self.advance();
                Ok(Statement::AlterView(Box::new(self.view_body(false)?)))
            }
            "TABLE" => {
                self.advance();
                self.alter_table()
            }
            _ => Err(ParseError::Unsupported(
                format!("ALTER {what}").trim().to_string(),
            )),
        }
    }

    fn alter_table(&mut self) -> PResult<Statement> {
        let table = self.object_name()?;
        let mut actions = Vec::new();
        let mut action_texts = Vec::new();
        loop {
            let start = self.mark();
            let before = actions.len();
            self.alter_action(&mut actions)?;
            let text = self.text_from(start);
            action_texts.resize(actions.len().max(before), text);
            if !self.eat_punct(",") {
                break;
            }
        }
        Ok(Statement::AlterTable(Box::new(AlterTable {
            table,
            actions,
            action_texts,
        })))
    }

    /// Parses one action (several for `ADD ROLLUP a(..), b(..)` / `DROP ROLLUP a, b`).
    fn alter_action(&mut self, out: &mut Vec<AlterAction>) -> PResult<()> {
        let word = self
            .peek_word()
            .ok_or_else(|| self.error("expected an ALTER TABLE action"))?;
        self.advance();
        match word.as_str() {
            "ADD" => self.alter_add(out),
            "DROP" => self.alter_drop(out),
            "MODIFY" => self.alter_modify().map(|a| out.push(a)),
            "RENAME" => self.alter_rename().map(|a| out.push(a)),
            "ORDER" => {
                self.expect_kw("BY")?;
                let columns = self.ident_list()?;
                let rollup = self.opt_rollup("FROM")?;
                out.push(AlterAction::OrderBy { columns, rollup });
                Ok(())
            }
            "SET" => {
                out.push(AlterAction::SetProperties(self.property_list()?));
                Ok(())
            }
            "REPLACE" => self.alter_replace().map(|a| out.push(a)),
            _ => Err(ParseError::Unsupported(format!("ALTER TABLE ... {word}"))),
        }
    }

    /// `[kw rollup]` (`TO r` for ADD COLUMN, `FROM r` for DROP/MODIFY/ORDER BY).
    fn opt_rollup(&mut self, kw: &str) -> PResult<Option<String>> {
        if self.eat_kw(kw) {
            return self.ident().map(Some);
        }
        Ok(None)
    }

    /// `[FIRST | AFTER c]`.
    fn opt_position(&mut self) -> PResult<Option<ColumnPosition>> {
        if self.eat_kw("FIRST") {
            return Ok(Some(ColumnPosition::First));
        }
        if self.eat_kw("AFTER") {
            return Ok(Some(ColumnPosition::After(self.ident()?)));
        }
        Ok(None)
    }

    fn alter_add(&mut self, out: &mut Vec<AlterAction>) -> PResult<()> {
        if self.eat_kw("COLUMN") {
            out.push(self.add_column()?);
            return Ok(());
        }
        if self.eat_kw("ROLLUP") {
            loop {
                out.push(AlterAction::AddRollup(self.rollup_def()?));
                if !self.continues_name_list(true) {
                    return Ok(());
                }
                self.advance();
            }
        }
        if self.eat_kw("INDEX") {
            out.push(AlterAction::AddIndex(self.index_def()?));
            return Ok(());
        }
        let temporary = self.eat_kw("TEMPORARY");
        if self.eat_kw("PARTITION") {
            let partition = self.partition_def()?;
            let distribution = if self.is_kw("DISTRIBUTED") {
                Some(self.distribution()?)
            } else {
                None
            };
            out.push(AlterAction::AddPartition {
                temporary,
                partition,
                distribution,
            });
            return Ok(());
        }
        Err(self.error("expected COLUMN, PARTITION, ROLLUP or INDEX"))
    }

    /// After `ADD COLUMN`: `(col_def, ...)` or `col_def [FIRST | AFTER c]`, then
    /// `[TO rollup] [PROPERTIES (...)]`.
    fn add_column(&mut self) -> PResult<AlterAction> {
        let action = if self.eat_punct("(") {
            let mut columns = vec![self.column_def()?];
            while self.eat_punct(",") {
                columns.push(self.column_def()?);
            }
            self.expect_punct(")")?;
            let rollup = self.opt_rollup("TO")?;
            AlterAction::AddColumns { columns, rollup }
        } else {
            let column = self.column_def()?;
            let position = self.opt_position()?;
            let rollup = self.opt_rollup("TO")?;
            AlterAction::AddColumn {
                column,
                position,
                rollup,
            }
        };
        self.opt_properties()?;
        Ok(action)
    }

    /// True when the cursor is on `,` followed by a name (and `(` when `with_paren`) that
    /// does not start a new action.
    fn continues_name_list(&self, with_paren: bool) -> bool {
        let name_next = match &self.peek_at(1).kind {
            TokenKind::QuotedIdent(_) => true,
            TokenKind::Word(w) => !ACTION_WORDS.iter().any(|a| w.eq_ignore_ascii_case(a)),
            _ => false,
        };
        self.is_punct(",") && name_next && (!with_paren || self.is_punct_at(2, "("))
    }

    fn alter_drop(&mut self, out: &mut Vec<AlterAction>) -> PResult<()> {
        if self.eat_kw("COLUMN") {
            let name = self.ident()?;
            let rollup = self.opt_rollup("FROM")?;
            self.opt_properties()?;
            out.push(AlterAction::DropColumn { name, rollup });
            return Ok(());
        }
        if self.eat_kw("ROLLUP") {
            loop {
                out.push(AlterAction::DropRollup {
                    name: self.ident()?,
                });
                self.opt_properties()?;
                if !self.continues_name_list(false) {
                    return Ok(());
                }
                self.advance();
            }
        }
        if self.eat_kw("INDEX") {
            let if_exists = self.if_exists();
            out.push(AlterAction::DropIndex {
                if_exists,
                name: self.ident()?,
            });
            return Ok(());
        }
        let temporary = self.eat_kw("TEMPORARY");
        if self.eat_kw("PARTITION") {
            let if_exists = self.if_exists();
            let name = self.ident()?;
            let force = self.eat_kw("FORCE");
            out.push(AlterAction::DropPartition {
                temporary,
                if_exists,
                name,
                force,
            });
            return Ok(());
        }
        Err(self.error("expected COLUMN, PARTITION, ROLLUP or INDEX"))
    }

    fn alter_modify(&mut self) -> PResult<AlterAction> {
        if self.eat_kw("COLUMN") {
            if self.is_kw_at(1, "COMMENT") {
                let name = self.ident()?;
                self.advance();
                return Ok(AlterAction::ModifyColumnComment {
                    name,
                    comment: self.string()?,
                });
            }
            let column = self.column_def()?;
            let position = self.opt_position()?;
            let rollup = self.opt_rollup("FROM")?;
            self.opt_properties()?;
            return Ok(AlterAction::ModifyColumn {
                column,
                position,
                rollup,
            });
        }
        if self.eat_kw("COMMENT") {
            return Ok(AlterAction::ModifyComment {
                comment: self.string()?,
            });
        }
        if self.eat_kw("DISTRIBUTION") {
            return Ok(AlterAction::ModifyDistribution(self.distribution()?));
        }
        let temporary = self.eat_kw("TEMPORARY");
        if self.eat_kw("PARTITION") {
            return self.modify_partition(temporary);
        }
        if self.is_kw("ENGINE") {
            return Err(ParseError::Unsupported(
                "ALTER TABLE ... MODIFY ENGINE".into(),
            ));
        }
        Err(self.error("expected COLUMN, COMMENT, PARTITION or DISTRIBUTION"))
    }

    /// After `MODIFY [TEMPORARY] PARTITION`: `p | (p1, p2) | (*) SET ("k" = "v", ...)`.
    fn modify_partition(&mut self, temporary: bool) -> PResult<AlterAction> {
        let partitions = if self.is_punct("(") && self.is_punct_at(1, "*") {
            self.pos += 2;
            self.expect_punct(")")?;
            vec!["*".to_string()]
        } else {
            self.name_or_list()?
        };
        self.expect_kw("SET")?;
        let properties = self.property_list()?;
        Ok(AlterAction::ModifyPartition {
            temporary,
            partitions,
            properties,
        })
    }

    fn alter_rename(&mut self) -> PResult<AlterAction> {
        let two = |p: &mut Self| -> PResult<(String, String)> { Ok((p.ident()?, p.ident()?)) };
        // `RENAME COLUMN a b`, unless the table is being renamed to `column`.
        let kind_then_names =
            |p: &Self, kw: &str| p.is_kw(kw) && !p.is_punct_at(1, ",") && !p.at_end_at(1);
        if kind_then_names(self, "COLUMN") {
            self.advance();
            let (old, new) = two(self)?;
            return Ok(AlterAction::RenameColumn { old, new });
        }
        if kind_then_names(self, "PARTITION") {
            self.advance();
            let (old, new) = two(self)?;
            return Ok(AlterAction::RenamePartition { old, new });
        }
        if kind_then_names(self, "ROLLUP") {
            self.advance();
            let (old, new) = two(self)?;
            return Ok(AlterAction::RenameRollup { old, new });
        }
        Ok(AlterAction::Rename {
            new_name: self.ident()?,
        })
    }

    /// True when the token `n` ahead is the end of the statement.
    fn at_end_at(&self, n: usize) -> bool {
        matches!(self.peek_at(n).kind, TokenKind::Eof) || self.is_punct_at(n, ";")
    }

    fn alter_replace(&mut self) -> PResult<AlterAction> {
        if self.eat_kws(&["WITH", "TABLE"]) {
            let table = self.ident()?;
            let properties = self.opt_properties()?;
            return Ok(AlterAction::ReplaceWithTable { table, properties });
        }
        if !(self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS")) {
            return Err(self.error("expected PARTITION or WITH TABLE"));
        }
        let partitions = self.name_or_list()?;
        self.expect_kws(&["WITH", "TEMPORARY"])?;
        if !(self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS")) {
            return Err(self.error("expected PARTITION"));
        }
        let temp_partitions = self.name_or_list()?;
        let properties = self.opt_properties()?;
        Ok(AlterAction::ReplacePartition {
            partitions,
            temp_partitions,
            properties,
        })
    }
}
