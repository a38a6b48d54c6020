//! `SHOW ...`, `DESC` and `DESCRIBE`.

use super::{PResult, Parser};
use crate::sql::ast::{AlterJobKind, Expr, ObjectName, Show, Statement};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    /// `SHOW ...`, `DESC t`, `DESCRIBE t [ALL]`.
    pub(crate) fn show(&mut self) -> PResult<Statement> {
        if self.eat_kw("DESC") || self.eat_kw("DESCRIBE") {
            let table = self.object_name()?;
            let all = self.eat_kw("ALL");
            return Ok(Statement::Show(Show::Columns {
                full: false,
                table,
                all,
            }));
        }
        self.expect_kw("SHOW")?;
        let word = self
            .peek_word()
            .ok_or_else(|| self.error("expected what to show"))?;
        self.advance();
        let show = match word.as_str() {
            "DATABASES" | "SCHEMAS" => Show::Databases {
                like: self.opt_like()?,
            },
            "FULL" => self.show_full()?,
            "TABLES" => self.show_tables(false)?,
            "CREATE" => self.show_create()?,
            "PARTITIONS" => Show::Partitions {
                temporary: false,
                table: self.show_target()?,
            },
            "TEMPORARY" => {
                self.expect_kw("PARTITIONS")?;
                Show::Partitions {
                    temporary: true,
                    table: self.show_target()?,
                }
            }
            "COLUMNS" | "FIELDS" => self.show_columns(false)?,
            "PROC" => Show::Proc(self.string()?),
            "TABLE" => self.show_table_by_id()?,
            "BACKENDS" => Show::Backends,
            "FRONTENDS" => Show::Frontends,
            "VARIABLES" => self.show_variables(false)?,
            "GLOBAL" | "SESSION" | "LOCAL" => {
                self.expect_kw("VARIABLES")?;
                self.show_variables(word == "GLOBAL")?
            }
            "DATA" => {
                let table = if self.eat_kw("FROM") {
                    Some(self.object_name()?)
                } else {
                    None
                };
                Show::Data { table }
            }
            "INDEX" | "INDEXES" | "KEYS" => Show::Index {
                table: self.table_with_from_db()?,
            },
            "WARNINGS" | "ERRORS" => Show::Warnings,
            _ => self.show_job(&word)?,
        };
        Ok(Statement::Show(show))
    }

    /// Job listings: BACKUP, RESTORE, SNAPSHOT, TRANSACTION, ALTER (the word consumed).
    fn show_job(&mut self, word: &str) -> PResult<Show> {
        Ok(match word {
            "BACKUP" => Show::Backup {
                db: self.opt_from_db()?,
                filter: self.opt_where()?,
            },
            "RESTORE" => Show::Restore {
                db: self.opt_from_db()?,
                filter: self.opt_where()?,
            },
            "SNAPSHOT" => {
                self.expect_kw("ON")?;
                Show::Snapshot {
                    repo: self.ident()?,
                    filter: self.opt_where()?,
                }
            }
            "TRANSACTION" => Show::Transaction {
                db: self.opt_from_db()?,
                filter: self.opt_where()?,
            },
            "ALTER" => self.show_alter()?,
            _ => return Err(ParseError::Unsupported(format!("SHOW {word}"))),
        })
    }

    fn show_full(&mut self) -> PResult<Show> {
        if self.eat_kw("TABLES") {
            return self.show_tables(true);
        }
        if self.eat_kw("COLUMNS") || self.eat_kw("FIELDS") {
            return self.show_columns(true);
        }
        Err(ParseError::Unsupported(format!(
            "SHOW FULL {}",
            self.peek_word().unwrap_or_default()
        )))
    }

    /// After `TABLES`: `[FROM|IN db] [LIKE 'x' | WHERE ...]`.
    fn show_tables(&mut self, full: bool) -> PResult<Show> {
        let db = if self.eat_kw("FROM") || self.eat_kw("IN") {
            Some(self.db_name()?)
        } else {
            None
        };
        let like = self.opt_like()?;
        if self.is_kw("WHERE") {
            return Err(ParseError::Unsupported("SHOW TABLES ... WHERE".into()));
        }
        Ok(Show::Tables { full, db, like })
    }

    fn show_create(&mut self) -> PResult<Show> {
        let word = self.peek_word().unwrap_or_default();
        self.advance();
        match word.as_str() {
            "TABLE" => Ok(Show::CreateTable(self.object_name()?)),
            "VIEW" => Ok(Show::CreateView(self.object_name()?)),
            "DATABASE" | "SCHEMA" => Ok(Show::CreateDatabase(self.db_name()?)),
            _ => Err(ParseError::Unsupported(
                format!("SHOW CREATE {word}").trim().to_string(),
            )),
        }
    }

    /// After `COLUMNS`: `FROM|IN t [FROM|IN db]`.
    fn show_columns(&mut self, full: bool) -> PResult<Show> {
        let table = self.table_with_from_db()?;
        Ok(Show::Columns {
            full,
            table,
            all: false,
        })
    }

    /// `FROM|IN t [FROM|IN db]`.
    fn table_with_from_db(&mut self) -> PResult<ObjectName> {
        let mut table = self.show_target()?;
        if self.eat_kw("FROM") || self.eat_kw("IN") {
            table.db = Some(self.db_name()?);
        }
        Ok(table)
    }

    /// `FROM|IN [db.]t`.
    fn show_target(&mut self) -> PResult<ObjectName> {
        if !(self.eat_kw("FROM") || self.eat_kw("IN")) {
            return Err(self.error("expected FROM"));
        }
        self.object_name()
    }

    fn show_table_by_id(&mut self) -> PResult<Show> {
        if let TokenKind::Number(_) = self.peek().kind {
            return Ok(Show::TableById(self.integer()?));
        }
        Err(ParseError::Unsupported(format!(
            "SHOW TABLE {}",
            self.peek_word().unwrap_or_default()
        )))
    }

    /// `[FROM|IN db]`.
    fn opt_from_db(&mut self) -> PResult<Option<String>> {
        if self.eat_kw("FROM") || self.eat_kw("IN") {
            return self.db_name().map(Some);
        }
        Ok(None)
    }

    /// `[WHERE expr]`.
    fn opt_where(&mut self) -> PResult<Option<Expr>> {
        if self.eat_kw("WHERE") {
            return self.expr().map(Some);
        }
        Ok(None)
    }

    /// After `SHOW ALTER`: `TABLE COLUMN|ROLLUP|MATERIALIZED VIEW [FROM db] [WHERE ...]
    /// [ORDER BY ...] [LIMIT ...]` (ordering and limit are accepted and dropped).
    fn show_alter(&mut self) -> PResult<Show> {
        self.expect_kw("TABLE")?;
        let kind = if self.eat_kw("COLUMN") {
            AlterJobKind::Column
        } else if self.eat_kw("ROLLUP") || self.eat_kws(&["MATERIALIZED", "VIEW"]) {
            AlterJobKind::Rollup
        } else {
            return Err(self.error("expected COLUMN or ROLLUP"));
        };
        let db = self.opt_from_db()?;
        let filter = self.opt_where()?;
        if self.eat_kws(&["ORDER", "BY"]) {
            self.expr_list()?;
            self.eat_kw("DESC");
            self.eat_kw("ASC");
        }
        if self.eat_kw("LIMIT") {
            self.integer::<u64>()?;
        }
        Ok(Show::AlterJobs { kind, db, filter })
    }

    /// After `VARIABLES`: `[LIKE 'x' | WHERE ...]`.
    fn show_variables(&mut self, global: bool) -> PResult<Show> {
        let like = self.opt_like()?;
        let filter = if like.is_none() {
            self.opt_where()?
        } else {
            None
        };
        Ok(Show::Variables {
            global,
            like,
            filter,
        })
    }
}
