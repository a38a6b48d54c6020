//! CREATE / DROP dispatch, databases, USE, TRUNCATE, views, indexes, materialized views.

use super::{PResult, Parser};
use crate::sql::ast::{CreateView, Properties, Statement, ViewColumn};
use crate::sql::error::ParseError;

impl Parser<'_> {
    /// `CREATE ...`.
    pub(crate) fn create(&mut self) -> PResult<Statement> {
        self.expect_kw("CREATE")?;
        let what = self.peek_word().unwrap_or_default();
        match what.as_str() {
            "DATABASE" | "SCHEMA" => {
                self.advance();
                let if_not_exists = self.if_not_exists();
                let name = self.db_name()?;
                let properties = self.opt_properties()?;
                Ok(Statement::CreateDatabase {
                    if_not_exists,
                    name,
                    properties,
                })
            }
            "TABLE" => {
                self.advance();
                self.create_table()
            }
            "VIEW" => {
                self.advance();
                Ok(Statement::CreateView(Box::new(self.view_body(true)?)))
            }
            "INDEX" => {
                self.advance();
                self.create_index()
            }
            "MATERIALIZED" => {
                self.expect_kws(&["MATERIALIZED", "VIEW"])?;
                self.create_mv()
            }
            _ => Err(ParseError::Unsupported(
                format!("CREATE {what}").trim().to_string(),
            )),
        }
    }

    /// `DROP ...`.
    pub(crate) fn drop_stmt(&mut self) -> PResult<Statement> {
        self.expect_kw("DROP")?;
        let what = self.peek_word().unwrap_or_default();
        if self.eat_kws(&["MATERIALIZED", "VIEW"]) {
            let if_exists = self.if_exists();
            let name = self.ident()?;
            let table = if self.eat_kw("ON") {
                Some(self.object_name()?)
            } else {
                None
            };
            return Ok(Statement::DropMaterializedView {
                if_exists,
                name,
                table,
            });
        }
        if !["DATABASE", "SCHEMA", "TABLE", "VIEW", "INDEX"].contains(&what.as_str()) {
            return Err(ParseError::Unsupported(
                format!("DROP {what}").trim().to_string(),
            ));
        }
        self.advance();
        let if_exists = self.if_exists();
        Ok(match what.as_str() {
            "DATABASE" | "SCHEMA" => {
                let name = self.db_name()?;
                Statement::DropDatabase {
                    if_exists,
                    name,
                    force: self.eat_kw("FORCE"),
                }
            }
            "TABLE" => {
                let name = self.object_name()?;
                Statement::DropTable {
                    if_exists,
                    name,
                    force: self.eat_kw("FORCE"),
                }
            }
            "VIEW" => Statement::DropView {
                if_exists,
                name: self.object_name()?,
            },
            _ => {
                let name = self.ident()?;
                self.expect_kw("ON")?;
                Statement::DropIndex {
                    if_exists,
                    name,
                    table: self.object_name()?,
                }
            }
        })
    }

    /// A database name; a `catalog.db` form keeps only `db`.
    pub(crate) fn db_name(&mut self) -> PResult<String> {
        let mut name = self.ident()?;
        if self.eat_punct(".") {
            name = self.ident()?;
        }
        Ok(name)
    }

    /// `USE [catalog.]db`.
    pub(crate) fn use_stmt(&mut self) -> PResult<Statement> {
        self.expect_kw("USE")?;
        let first = self.ident()?;
        if self.eat_punct(".") {
            return Ok(Statement::Use {
                catalog: Some(first),
                name: self.ident()?,
            });
        }
        Ok(Statement::Use {
            catalog: None,
            name: first,
        })
    }

    /// `TRUNCATE TABLE [db.]t [[TEMPORARY] PARTITION p | PARTITION(S) (p1, ...)]`.
    pub(crate) fn truncate(&mut self) -> PResult<Statement> {
        self.expect_kw("TRUNCATE")?;
        self.eat_kw("TABLE");
        let name = self.object_name()?;
        let start = self.mark();
        let temporary = self.eat_kw("TEMPORARY");
        let mut partitions = Vec::new();
        if self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS") {
            partitions = self.name_or_list()?;
        } else if temporary {
            return Err(self.error("expected PARTITION"));
        }
        let partition_text = self.text_from(start);
        Ok(Statement::TruncateTable {
            name,
            partitions,
            temporary,
            partition_text,
        })
    }

    /// `name` or `(name, ...)`.
    pub(crate) fn name_or_list(&mut self) -> PResult<Vec<String>> {
        if self.is_punct("(") {
            return self.ident_list();
        }
        Ok(vec![self.ident()?])
    }

    /// After `CREATE VIEW` / `ALTER VIEW`: `[IF NOT EXISTS] name [(cols)] [COMMENT '..']
    /// AS query`. The query runs to the end of the statement and is kept raw.
    pub(crate) fn view_body(&mut self, create: bool) -> PResult<CreateView> {
        let if_not_exists = create && self.if_not_exists();
        let name = self.object_name()?;
        let mut columns = Vec::new();
        if self.eat_punct("(") {
            loop {
                let name = self.ident()?;
                let comment = if self.eat_kw("COMMENT") {
                    Some(self.string()?)
                } else {
                    None
                };
                columns.push(ViewColumn { name, comment });
                if self.eat_punct(")") {
                    break;
                }
                self.expect_list_sep()?;
            }
        }
        let comment = if self.eat_kw("COMMENT") {
            Some(self.string()?)
        } else {
            None
        };
        self.expect_kw("AS")?;
        let (query_text, query) = self.raw_query()?;
        Ok(CreateView {
            if_not_exists,
            name,
            columns,
            comment,
            query_text,
            query,
        })
    }

    /// The rest of the statement as a query: its raw text, and the parsed SELECT when it is
    /// in the supported subset.
    fn raw_query(&mut self) -> PResult<(String, Option<Box<crate::sql::ast::Select>>)> {
        if !self.is_kw("SELECT") && !self.is_kw("WITH") && !self.is_punct("(") {
            return Err(self.error("expected SELECT"));
        }
        let start = self.mark();
        let parsed = self
            .select()
            .ok()
            .filter(|_| self.is_punct(";") || self.at_end());
        self.pos = start;
        while !self.at_end() && !self.is_punct(";") {
            self.advance();
        }
        Ok((self.text_from(start), parsed.map(Box::new)))
    }

    /// After `CREATE INDEX`: `[IF NOT EXISTS] idx ON t (cols) [USING ..] [PROPERTIES ..]
    /// [COMMENT ..]`.
    fn create_index(&mut self) -> PResult<Statement> {
        let if_not_exists = self.if_not_exists();
        let name = self.ident()?;
        self.expect_kw("ON")?;
        let table = self.object_name()?;
        let columns = self.ident_list()?;
        let index = self.index_tail(name, columns)?;
        Ok(Statement::CreateIndex {
            if_not_exists,
            table,
            index,
        })
    }

    /// After `CREATE MATERIALIZED VIEW`: `[IF NOT EXISTS] mv [PROPERTIES (..)] AS SELECT ...`.
    /// Asynchronous MVs (BUILD / REFRESH clauses) are unsupported.
    fn create_mv(&mut self) -> PResult<Statement> {
        let if_not_exists = self.if_not_exists();
        let name = self.ident()?;
        if ["BUILD", "REFRESH", "DISTRIBUTED", "PARTITION", "COMMENT"]
            .iter()
            .any(|k| self.is_kw(k))
        {
            return Err(ParseError::Unsupported(
                "CREATE ASYNC MATERIALIZED VIEW".into(),
            ));
        }
        let properties = if self.is_kw("PROPERTIES") {
            self.opt_properties()?
        } else {
            Properties::default()
        };
        self.expect_kw("AS")?;
        let start = self.mark();
        let query = Box::new(self.select()?);
        let query_text = self.text_from(start);
        Ok(Statement::CreateMaterializedView {
            if_not_exists,
            name,
            query_text,
            query,
            properties,
        })
    }
}
