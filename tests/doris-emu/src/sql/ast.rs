//! The abstract syntax tree of the Doris SQL subset the emulator understands.
//!
//! Conventions the executor can rely on:
//! - Identifiers are stored unquoted and with their original case (`` `a``b` `` becomes `a`b`).
//!   Keywords are matched case-insensitively by the parser and never stored.
//! - Property lists keep their source order ([`Properties`]).
//! - Where the executor must echo source text (view queries, partition `VALUES` clauses,
//!   truncate partition clauses, alter actions) the AST carries an owned `String` copy of
//!   that span, trimmed of surrounding whitespace.
//! - Everything is plain data (`Clone + PartialEq + Debug`) with no lifetimes.

mod alter;
mod ddl;
mod expr;
mod select;
mod show;

pub use alter::{AlterAction, AlterTable, ColumnPosition};
pub use ddl::{
    AggType, Buckets, ColumnDef, ColumnDefault, CreateTable, DataType, DistributionDesc, IndexDef,
    IndexType, KeysDesc, KeysType, PartitionDef, PartitionDesc, PartitionValue, PartitionValues,
    RollupDef, TypeKind,
};
pub use expr::{BinaryOp, Expr, Literal, UnaryOp, VarScope};
pub use select::{FromClause, OrderByItem, Select, SelectItem};
pub use show::{AlterJobKind, Show};

use std::fmt;

/// A possibly qualified object (table, view, database) name: `t`, `db.t` or
/// `catalog.db.t` (e.g. `` `internal`.`db`.`t` ``).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectName {
    /// Catalog part of a three-part name (`internal` in Doris).
    pub catalog: Option<String>,
    /// Database part, when qualified.
    pub db: Option<String>,
    /// The object's own name.
    pub name: String,
}

impl ObjectName {
    /// An unqualified name.
    pub fn bare(name: impl Into<String>) -> Self {
        ObjectName {
            catalog: None,
            db: None,
            name: name.into(),
        }
    }
}

impl fmt::Display for ObjectName {
    /// Renders back-quoted parts joined by dots: `` `db`.`t` ``.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in [&self.catalog, &self.db].into_iter().flatten() {
            write!(f, "{}.", quote_ident(part))?;
        }
        f.write_str(&quote_ident(&self.name))
    }
}

/// An ordered `"key" = "value"` list (`PROPERTIES (...)`, `SET (...)`, partition properties).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Properties(pub Vec<(String, String)>);

impl Properties {
    /// The value of `key` (exact match; Doris property keys are case-sensitive). When a key
    /// repeats, the last value wins, as in Doris.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// True when there are no properties.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Back-quotes an identifier, doubling embedded back-quotes.
pub fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// Renders a Doris string literal in double quotes, backslash-escaping `\`, `"` and `'`
/// (the escaping the syncer and Doris' own SHOW output use).
pub fn quote_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' | '"' | '\'' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A statement together with its own source text (see `parse_many_with_text`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedStatement {
    /// The parsed statement.
    pub statement: Statement,
    /// The statement's source text, trimmed, without the terminating `;`.
    pub text: String,
}

/// One SQL statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    // ---- databases ----
    /// `CREATE DATABASE [IF NOT EXISTS] db [PROPERTIES (...)]`.
    CreateDatabase {
        if_not_exists: bool,
        name: String,
        properties: Properties,
    },
    /// `DROP DATABASE [IF EXISTS] db [FORCE]`.
    DropDatabase {
        if_exists: bool,
        name: String,
        force: bool,
    },
    /// `USE db` (`USE catalog.db` keeps only the database part in `name`).
    Use {
        catalog: Option<String>,
        name: String,
    },
    /// `ALTER DATABASE db SET PROPERTIES (...)`.
    AlterDatabaseProperties {
        name: String,
        properties: Properties,
    },

    // ---- tables, views, indexes ----
    /// `CREATE TABLE ... (columns) ...`.
    CreateTable(Box<CreateTable>),
    /// `CREATE TABLE [IF NOT EXISTS] t LIKE src`.
    CreateTableLike {
        if_not_exists: bool,
        name: ObjectName,
        source: ObjectName,
    },
    /// `DROP TABLE [IF EXISTS] [db.]t [FORCE]`.
    DropTable {
        if_exists: bool,
        name: ObjectName,
        force: bool,
    },
    /// `TRUNCATE TABLE [db.]t [PARTITION p | PARTITIONS (p1, p2)]`.
    TruncateTable {
        name: ObjectName,
        /// Partition names; empty = the entire table.
        partitions: Vec<String>,
        /// Whether the partitions are temporary (`TEMPORARY PARTITION`).
        temporary: bool,
        /// Raw text of the partition clause (e.g. `PARTITIONS (p1)`), "" for the whole
        /// table: the `rawSql` of a TRUNCATE_TABLE binlog.
        partition_text: String,
    },
    /// `ALTER TABLE [db.]t action[, action ...]`.
    AlterTable(Box<AlterTable>),
    /// `CREATE VIEW [IF NOT EXISTS] v [(c1 [COMMENT 'x'], ...)] [COMMENT 'x'] AS query`.
    CreateView(Box<CreateView>),
    /// `ALTER VIEW v [(cols)] AS query` (`if_not_exists` is always false).
    AlterView(Box<CreateView>),
    /// `DROP VIEW [IF EXISTS] v`.
    DropView { if_exists: bool, name: ObjectName },
    /// `CREATE INDEX [IF NOT EXISTS] idx ON t (c) USING ... [PROPERTIES (...)] [COMMENT '..']`.
    CreateIndex {
        if_not_exists: bool,
        table: ObjectName,
        index: IndexDef,
    },
    /// `DROP INDEX [IF EXISTS] idx ON t`.
    DropIndex {
        if_exists: bool,
        name: String,
        table: ObjectName,
    },
    /// `CREATE MATERIALIZED VIEW mv AS SELECT ...` (a synchronous MV, i.e. a rollup).
    CreateMaterializedView {
        if_not_exists: bool,
        name: String,
        /// Raw text of the query after `AS`.
        query_text: String,
        /// The parsed query (the base table is its FROM).
        query: Box<Select>,
        properties: Properties,
    },
    /// `DROP MATERIALIZED VIEW [IF EXISTS] mv ON t`.
    DropMaterializedView {
        if_exists: bool,
        name: String,
        table: Option<ObjectName>,
    },

    // ---- DML ----
    /// `INSERT INTO|OVERWRITE ...`.
    Insert(Box<Insert>),
    /// `DELETE FROM t [PARTITION p | PARTITIONS (p..)] [WHERE expr]`.
    Delete {
        table: ObjectName,
        partitions: Vec<String>,
        filter: Option<Expr>,
    },
    /// `UPDATE t SET c = expr, ... [WHERE expr]`.
    Update {
        table: ObjectName,
        assignments: Vec<(String, Expr)>,
        filter: Option<Expr>,
    },
    /// A single-table (or table-less, or table-function) `SELECT`.
    Select(Box<Select>),

    // ---- session ----
    /// `SET [GLOBAL|SESSION] a = x, @@b = y, @u = z`. Bare words on the right-hand side
    /// (`ON`, `DEFAULT`, `utf8`) arrive as [`Expr::Column`] with that name.
    Set(Vec<SetAssignment>),
    /// `SET NAMES charset [COLLATE collation]` (also `SET CHARACTER SET x`).
    SetNames {
        charset: String,
        collate: Option<String>,
    },
    /// `BEGIN` / `START TRANSACTION`.
    Begin,
    /// `COMMIT [WORK]`.
    Commit,
    /// `ROLLBACK [WORK]`.
    Rollback,

    // ---- SHOW / ADMIN ----
    /// Any `SHOW ...`, `DESC t` / `DESCRIBE t`.
    Show(Show),
    /// `ADMIN SHOW FRONTEND CONFIG [LIKE 'pat']`.
    AdminShowFrontendConfig { like: Option<String> },
    /// `ADMIN SET FRONTEND CONFIG ("k" = "v")`.
    AdminSetFrontendConfig(Properties),
    /// Emulator-only `ADMIN EMU <command> [arg ...]`; `command` is upper-cased, args are
    /// words (original case), literals, or punctuation (as a word, e.g. `=`), in order.
    AdminEmu { command: String, args: Vec<EmuArg> },

    // ---- backup / restore ----
    /// `BACKUP SNAPSHOT [db.]name TO repo [ON (...)] [EXCLUDE (...)] [PROPERTIES (...)]`.
    Backup(Box<BackupRestore>),
    /// `RESTORE SNAPSHOT [db.]label FROM repo [ON (...)] [EXCLUDE (...)] [PROPERTIES (...)]`.
    Restore(Box<BackupRestore>),
    /// `CANCEL BACKUP [FROM db]`.
    CancelBackup { db: Option<String> },
    /// `CANCEL RESTORE [FROM db]`.
    CancelRestore { db: Option<String> },
}

/// `CREATE VIEW` / `ALTER VIEW`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateView {
    /// `IF NOT EXISTS` (CREATE only).
    pub if_not_exists: bool,
    /// The view name.
    pub name: ObjectName,
    /// Optional column list with per-column comments.
    pub columns: Vec<ViewColumn>,
    /// `COMMENT '...'` of the view.
    pub comment: Option<String>,
    /// Raw source text of the query after `AS` (trimmed, no trailing `;`).
    pub query_text: String,
    /// The query parsed, when it is in the supported SELECT subset (joins, subqueries and
    /// unions are kept only as `query_text`).
    pub query: Option<Box<Select>>,
}

/// One column in a view's column list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewColumn {
    /// Column name.
    pub name: String,
    /// `COMMENT '...'`.
    pub comment: Option<String>,
}

/// `INSERT INTO|OVERWRITE TABLE t [TEMPORARY PARTITION|PARTITION (..)] [WITH LABEL l]
/// [(cols)] VALUES ...|SELECT ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// Target table.
    pub table: ObjectName,
    /// `INSERT OVERWRITE` rather than `INSERT INTO`.
    pub overwrite: bool,
    /// Target partitions; empty = not specified.
    pub partitions: Vec<String>,
    /// The partitions are temporary partitions.
    pub temporary_partition: bool,
    /// `WITH LABEL l`.
    pub label: Option<String>,
    /// Explicit column list; empty = all columns in table order.
    pub columns: Vec<String>,
    /// Row source.
    pub source: InsertSource,
}

/// Where inserted rows come from.
#[derive(Debug, Clone, PartialEq)]
pub enum InsertSource {
    /// `VALUES (...), (...)`; `DEFAULT` inside a row is [`Expr::Default`].
    Values(Vec<Vec<Expr>>),
    /// `SELECT ...`, with its raw text.
    Select { query: Box<Select>, text: String },
}

/// One `SET` assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct SetAssignment {
    /// Which variable namespace (`GLOBAL`, `SESSION`, `@user`); default is session.
    pub scope: VarScope,
    /// Variable name without `@@`/`@`/scope prefix.
    pub name: String,
    /// New value.
    pub value: Expr,
}

/// `BACKUP SNAPSHOT` / `RESTORE SNAPSHOT`.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupRestore {
    /// Database qualifier of the snapshot/label, if any (`` `db`.`name` ``).
    pub db: Option<String>,
    /// Snapshot name (BACKUP) or label (RESTORE).
    pub name: String,
    /// Repository (`TO repo` / `FROM repo`), e.g. `__keep_on_local__`.
    pub repo: String,
    /// `ON (...)` objects; empty = whole database.
    pub on: Vec<BackupTable>,
    /// `EXCLUDE (...)` objects.
    pub exclude: Vec<BackupTable>,
    /// `PROPERTIES (...)`.
    pub properties: Properties,
}

/// One object in a BACKUP/RESTORE `ON`/`EXCLUDE` list:
/// `` `t` [PARTITION (`p1`, `p2`)] [AS alias] ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupTable {
    /// Table (or view) name.
    pub name: String,
    /// Partitions; empty = all.
    pub partitions: Vec<String>,
    /// `AS alias` (RESTORE).
    pub alias: Option<String>,
}

/// One argument of `ADMIN EMU`.
#[derive(Debug, Clone, PartialEq)]
pub enum EmuArg {
    /// A bare or back-quoted word (original case), or a punctuation token such as `=`.
    Word(String),
    /// A string or numeric literal (negative numbers folded in).
    Literal(Literal),
}
