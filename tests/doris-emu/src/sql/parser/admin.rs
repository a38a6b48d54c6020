//! ADMIN, SET, BACKUP/RESTORE/CANCEL and transaction control.

use super::{PResult, Parser};
use crate::sql::ast::{BackupRestore, BackupTable, EmuArg, SetAssignment, Statement, VarScope};
use crate::sql::error::ParseError;
use crate::sql::lexer::TokenKind;

impl Parser<'_> {
    /// `ADMIN SHOW FRONTEND CONFIG`, `ADMIN SET FRONTEND CONFIG`, `ADMIN EMU ...`.
    pub(crate) fn admin(&mut self) -> PResult<Statement> {
        self.expect_kw("ADMIN")?;
        if self.eat_kws(&["SHOW", "FRONTEND", "CONFIG"]) {
            return Ok(Statement::AdminShowFrontendConfig {
                like: self.opt_like()?,
            });
        }
        if self.eat_kws(&["SET", "FRONTEND", "CONFIG"]) {
            let props = self.property_list()?;
            self.eat_kw("ALL");
            return Ok(Statement::AdminSetFrontendConfig(props));
        }
        if self.eat_kw("EMU") {
            return self.admin_emu();
        }
        let mut what = String::from("ADMIN");
        for i in 0..2 {
            if let TokenKind::Word(w) = &self.peek_at(i).kind {
                what.push(' ');
                what.push_str(&w.to_ascii_uppercase());
            }
        }
        Err(ParseError::Unsupported(what))
    }

    /// After `ADMIN EMU`: `command [word | literal]...`.
    fn admin_emu(&mut self) -> PResult<Statement> {
        let command = match &self.peek().kind {
            TokenKind::Word(w) => w.to_ascii_uppercase(),
            _ => return Err(self.error("expected an ADMIN EMU command")),
        };
        self.advance();
        let mut args = Vec::new();
        while !self.at_end() && !self.is_punct(";") {
            let arg = match &self.peek().kind {
                TokenKind::Word(w) | TokenKind::QuotedIdent(w) => {
                    let w = w.clone();
                    self.advance();
                    EmuArg::Word(w)
                }
                TokenKind::Str(_) | TokenKind::Number(_) => EmuArg::Literal(self.signed_literal()?),
                TokenKind::Punct("-") if matches!(self.peek_at(1).kind, TokenKind::Number(_)) => {
                    EmuArg::Literal(self.signed_literal()?)
                }
                // Other punctuation (`=`, `(`, `.`) is passed through as a word so fault
                // commands can use any shape.
                TokenKind::Punct(p) => {
                    let p = p.to_string();
                    self.advance();
                    EmuArg::Word(p)
                }
                _ => return Err(self.error("expected a word or literal")),
            };
            args.push(arg);
        }
        Ok(Statement::AdminEmu { command, args })
    }

    /// `SET ...`.
    pub(crate) fn set(&mut self) -> PResult<Statement> {
        self.expect_kw("SET")?;
        if self.eat_kw("NAMES") {
            let charset = self.ident_or_string()?;
            let collate = if self.eat_kw("COLLATE") {
                Some(self.ident_or_string()?)
            } else {
                None
            };
            return Ok(Statement::SetNames { charset, collate });
        }
        if self.eat_kws(&["CHARACTER", "SET"]) || self.eat_kw("CHARSET") {
            return Ok(Statement::SetNames {
                charset: self.ident_or_string()?,
                collate: None,
            });
        }
        for (words, what) in [
            (&["PASSWORD"][..], "SET PASSWORD"),
            (&["TRANSACTION"][..], "SET TRANSACTION"),
            (&["SESSION", "TRANSACTION"][..], "SET TRANSACTION"),
            (&["GLOBAL", "TRANSACTION"][..], "SET TRANSACTION"),
            (&["PROPERTY"][..], "SET PROPERTY"),
            (&["LDAP_ADMIN_PASSWORD"][..], "SET LDAP_ADMIN_PASSWORD"),
        ] {
            if words.iter().enumerate().all(|(i, w)| self.is_kw_at(i, w)) {
                return Err(ParseError::Unsupported(what.into()));
            }
        }
        let mut out = vec![self.set_assignment()?];
        while self.eat_punct(",") {
            out.push(self.set_assignment()?);
        }
        Ok(Statement::Set(out))
    }

    fn set_assignment(&mut self) -> PResult<SetAssignment> {
        let mut scope = VarScope::Session;
        if self.eat_kw("GLOBAL") {
            scope = VarScope::Global;
        } else if self.eat_kw("SESSION") || self.eat_kw("LOCAL") {
            scope = VarScope::Session;
        }
        let name = match self.peek().kind {
            TokenKind::AtAt | TokenKind::At => match self.variable()? {
                crate::sql::ast::Expr::Variable { scope: s, name } => {
                    scope = s;
                    name
                }
                _ => return Err(self.error("expected a variable")),
            },
            _ => self.ident()?,
        };
        if !self.eat_punct("=") {
            self.expect_punct(":=")?;
        }
        Ok(SetAssignment {
            scope,
            name,
            value: self.expr()?,
        })
    }

    /// `BACKUP SNAPSHOT ...` / `RESTORE SNAPSHOT ...`.
    pub(crate) fn backup_restore(&mut self) -> PResult<Statement> {
        let backup = self.eat_kw("BACKUP");
        if !backup {
            self.expect_kw("RESTORE")?;
        }
        if !self.eat_kw("SNAPSHOT") {
            let what = if backup { "BACKUP" } else { "RESTORE" };
            return Err(ParseError::Unsupported(format!(
                "{what} {}",
                self.peek_word().unwrap_or_default()
            )));
        }
        let first = self.ident()?;
        let (db, name) = if self.eat_punct(".") {
            (Some(first), self.ident()?)
        } else {
            (None, first)
        };
        self.expect_kw(if backup { "TO" } else { "FROM" })?;
        let repo = self.ident()?;
        let mut b = BackupRestore {
            db,
            name,
            repo,
            on: Vec::new(),
            exclude: Vec::new(),
            properties: Default::default(),
        };
        loop {
            if self.eat_kw("ON") {
                b.on = self.backup_tables()?;
            } else if self.eat_kw("EXCLUDE") {
                b.exclude = self.backup_tables()?;
            } else if self.is_kw("PROPERTIES") {
                b.properties = self.opt_properties()?;
            } else {
                break;
            }
        }
        Ok(if backup {
            Statement::Backup(Box::new(b))
        } else {
            Statement::Restore(Box::new(b))
        })
    }

    /// `( t [PARTITION (p, ..)] [AS alias], ... )`.
    fn backup_tables(&mut self) -> PResult<Vec<BackupTable>> {
        self.expect_punct("(")?;
        let mut out = Vec::new();
        loop {
            self.eat_kw("TABLE");
            let name = self.ident()?;
            let partitions = if self.eat_kw("PARTITION") || self.eat_kw("PARTITIONS") {
                self.name_or_list()?
            } else {
                Vec::new()
            };
            let alias = if self.eat_kw("AS") {
                Some(self.ident()?)
            } else {
                None
            };
            out.push(BackupTable {
                name,
                partitions,
                alias,
            });
            if self.eat_punct(")") {
                return Ok(out);
            }
            self.expect_list_sep()?;
        }
    }

    /// `CANCEL BACKUP|RESTORE [FROM db]`.
    pub(crate) fn cancel(&mut self) -> PResult<Statement> {
        self.expect_kw("CANCEL")?;
        let backup = self.eat_kw("BACKUP");
        if !backup && !self.eat_kw("RESTORE") {
            return Err(ParseError::Unsupported(format!(
                "CANCEL {}",
                self.peek_word().unwrap_or_default()
            )));
        }
        let db = if self.eat_kw("FROM") || self.eat_kw("IN") {
            Some(self.db_name()?)
        } else {
            None
        };
        Ok(if backup {
            Statement::CancelBackup { db }
        } else {
            Statement::CancelRestore { db }
        })
    }

    /// `BEGIN [WORK]`, `START TRANSACTION`, `COMMIT [WORK]`, `ROLLBACK [WORK]`.
    pub(crate) fn transaction(&mut self) -> PResult<Statement> {
        let stmt = if self.eat_kw("BEGIN") {
            if self.eat_kw("WITH") {
                return Err(ParseError::Unsupported("BEGIN WITH LABEL".into()));
            }
            Statement::Begin
        } else if self.eat_kw("START") {
            self.expect_kw("TRANSACTION")?;
            Statement::Begin
        } else if self.eat_kw("COMMIT") {
            Statement::Commit
        } else {
            self.expect_kw("ROLLBACK")?;
            Statement::Rollback
        };
        self.eat_kw("WORK");
        Ok(stmt)
    }
}
