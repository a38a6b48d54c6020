//! The single-table `SELECT` subset.

use super::{Expr, ObjectName};

/// `SELECT [DISTINCT] items [FROM src] [WHERE e] [GROUP BY ..] [HAVING e] [ORDER BY ..]
/// [LIMIT n [OFFSET m] | LIMIT m, n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// `DISTINCT`.
    pub distinct: bool,
    /// Select list.
    pub items: Vec<SelectItem>,
    /// `FROM`; `None` for table-less selects (`SELECT 1`, `SELECT @@version_comment`).
    pub from: Option<FromClause>,
    /// `WHERE`.
    pub filter: Option<Expr>,
    /// `GROUP BY` expressions.
    pub group_by: Vec<Expr>,
    /// `HAVING`.
    pub having: Option<Expr>,
    /// `ORDER BY`.
    pub order_by: Vec<OrderByItem>,
    /// `LIMIT` row count.
    pub limit: Option<u64>,
    /// `OFFSET` (or the first number of `LIMIT m, n`).
    pub offset: Option<u64>,
}

/// One select-list item.
#[derive(Debug, Clone, PartialEq)]
pub enum SelectItem {
    /// `*` or `t.*`.
    Wildcard { qualifier: Option<String> },
    /// `expr [[AS] alias]`.
    Expr {
        /// The expression.
        expr: Expr,
        /// Alias, if any.
        alias: Option<String>,
        /// Source text of the expression as written (MySQL labels an unaliased column
        /// with it, e.g. `@@version_comment`, `COUNT(*)`).
        text: String,
    },
}

impl SelectItem {
    /// The column label MySQL would report: the alias, else a plain column's name, else the
    /// expression's source text.
    pub fn label(&self) -> String {
        match self {
            SelectItem::Wildcard { .. } => "*".to_string(),
            SelectItem::Expr { alias: Some(a), .. } => a.clone(),
            SelectItem::Expr {
                expr: Expr::Column { name, .. },
                ..
            } => name.clone(),
            SelectItem::Expr { text, .. } => text.clone(),
        }
    }
}

/// The single source of a `SELECT`.
#[derive(Debug, Clone, PartialEq)]
pub enum FromClause {
    /// `[catalog.][db.]t [[AS] alias]` (includes `information_schema.tables`).
    Table {
        name: ObjectName,
        alias: Option<String>,
    },
    /// A table function `f(args) [[AS] alias]`, e.g. `frontends()`.
    Function {
        name: String,
        args: Vec<Expr>,
        alias: Option<String>,
    },
}

/// `expr [ASC|DESC]`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderByItem {
    /// Sort key.
    pub expr: Expr,
    /// `DESC`.
    pub desc: bool,
}
