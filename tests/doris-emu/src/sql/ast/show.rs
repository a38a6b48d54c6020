//! `SHOW ...` and `DESC` statements.

use super::{Expr, ObjectName};

/// Which schema-change jobs `SHOW ALTER TABLE` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlterJobKind {
    /// `SHOW ALTER TABLE COLUMN`.
    Column,
    /// `SHOW ALTER TABLE ROLLUP` (also `MATERIALIZED VIEW`).
    Rollup,
}

/// A `SHOW` statement. `filter` fields hold the `WHERE` predicate (e.g.
/// `SnapshotName = "x"`, `Label = "x"`, `id = 5`) with column names as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Show {
    /// `SHOW DATABASES [LIKE 'x']`.
    Databases { like: Option<String> },
    /// `SHOW [FULL] TABLES [FROM|IN db] [LIKE 'x']`.
    Tables {
        full: bool,
        db: Option<String>,
        like: Option<String>,
    },
    /// `SHOW CREATE TABLE [db.]t`.
    CreateTable(ObjectName),
    /// `SHOW CREATE DATABASE db`.
    CreateDatabase(String),
    /// `SHOW CREATE VIEW [db.]v`.
    CreateView(ObjectName),
    /// `SHOW [TEMPORARY] PARTITIONS FROM [db.]t`.
    Partitions { temporary: bool, table: ObjectName },
    /// `SHOW [FULL] COLUMNS FROM|IN t [FROM|IN db]`, `DESC t`, `DESCRIBE t [ALL]`.
    Columns {
        full: bool,
        table: ObjectName,
        all: bool,
    },
    /// `SHOW PROC '/path'`.
    Proc(String),
    /// `SHOW TABLE <id>`.
    TableById(i64),
    /// `SHOW BACKENDS`.
    Backends,
    /// `SHOW FRONTENDS`.
    Frontends,
    /// `SHOW BACKUP [FROM db] [WHERE ...]`.
    Backup {
        db: Option<String>,
        filter: Option<Expr>,
    },
    /// `SHOW RESTORE [FROM db] [WHERE ...]`.
    Restore {
        db: Option<String>,
        filter: Option<Expr>,
    },
    /// `SHOW SNAPSHOT ON repo [WHERE ...]`.
    Snapshot { repo: String, filter: Option<Expr> },
    /// `SHOW TRANSACTION [FROM db] [WHERE id = N | label = "x"]`.
    Transaction {
        db: Option<String>,
        filter: Option<Expr>,
    },
    /// `SHOW ALTER TABLE COLUMN|ROLLUP [FROM db] [WHERE ...]`.
    AlterJobs {
        kind: AlterJobKind,
        db: Option<String>,
        filter: Option<Expr>,
    },
    /// `SHOW [GLOBAL|SESSION] VARIABLES [LIKE 'x' | WHERE ...]`.
    Variables {
        global: bool,
        like: Option<String>,
        filter: Option<Expr>,
    },
    /// `SHOW DATA [FROM [db.]t]`.
    Data { table: Option<ObjectName> },
    /// `SHOW INDEX|INDEXES|KEYS FROM [db.]t [FROM db]`.
    Index { table: ObjectName },
    /// `SHOW WARNINGS` / `SHOW ERRORS` (clients send these after errors).
    Warnings,
}
