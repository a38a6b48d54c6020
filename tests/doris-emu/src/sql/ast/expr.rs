//! Scalar expressions (WHERE, SET, VALUES, select items) and their canonical SQL rendering.

use super::{quote_ident, DataType};
use std::fmt;

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `NULL`.
    Null,
    /// `TRUE` / `FALSE`.
    Bool(bool),
    /// An integer that fits in `i128` (negative when written with a leading `-`).
    Int(i128),
    /// Any other number (decimal point, exponent, or too large for `i128`), as written
    /// (with a leading `-` when negative), e.g. `1.50`, `-2e3`.
    Decimal(String),
    /// A string literal, escapes resolved.
    String(String),
}

impl Literal {
    /// The value as text the way Doris stores partition bounds and defaults: strings as-is,
    /// numbers as written, `NULL` as `None`.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Literal::Null => None,
            Literal::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
            Literal::Int(i) => Some(i.to_string()),
            Literal::Decimal(d) => Some(d.clone()),
            Literal::String(s) => Some(s.clone()),
        }
    }
}

impl fmt::Display for Literal {
    /// Canonical SQL: strings single-quoted with `\` and `'` backslash-escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("NULL"),
            Literal::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Decimal(d) => f.write_str(d),
            Literal::String(s) => {
                f.write_str("'")?;
                for c in s.chars() {
                    match c {
                        '\\' => f.write_str("\\\\")?,
                        '\'' => f.write_str("\\'")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        '\r' => f.write_str("\\r")?,
                        '\0' => f.write_str("\\0")?,
                        _ => write!(f, "{c}")?,
                    }
                }
                f.write_str("'")
            }
        }
    }
}

/// Namespace of a variable reference or assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarScope {
    /// `@@x`, `@@session.x`, `@@local.x`, `SET [SESSION] x = ...`.
    Session,
    /// `@@global.x`, `SET GLOBAL x = ...`.
    Global,
    /// A user variable `@x`.
    User,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// Arithmetic negation `-x` (negative numeric literals are folded into [`Literal`]).
    Neg,
    /// Logical `NOT x` / `!x`.
    Not,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Multiply,
    /// `/`
    Divide,
    /// `%` / `MOD`
    Modulo,
    /// `=`
    Eq,
    /// `!=` / `<>`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    LtEq,
    /// `>`
    Gt,
    /// `>=`
    GtEq,
    /// `<=>` (NULL-safe equality)
    NullSafeEq,
    /// `AND` / `&&`
    And,
    /// `OR` / `||`
    Or,
}

impl BinaryOp {
    /// The operator's canonical SQL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Plus => "+",
            BinaryOp::Minus => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::NullSafeEq => "<=>",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
        }
    }

    /// Binding strength; higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::LtEq
            | BinaryOp::Gt
            | BinaryOp::GtEq
            | BinaryOp::NullSafeEq => 4,
            BinaryOp::Plus | BinaryOp::Minus => 5,
            BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Modulo => 6,
        }
    }
}

/// A scalar expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal.
    Literal(Literal),
    /// A column reference, possibly qualified (`t.c`, `db.t.c`).
    Column {
        /// Qualifier parts before the column name (empty when unqualified).
        qualifier: Vec<String>,
        /// Column name.
        name: String,
    },
    /// A system (`@@x`, `@@global.x`) or user (`@x`) variable.
    Variable { scope: VarScope, name: String },
    /// `-x`, `NOT x`.
    Unary { op: UnaryOp, expr: Box<Expr> },
    /// `l op r`.
    Binary {
        left: Box<Expr>,
        op: BinaryOp,
        right: Box<Expr>,
    },
    /// `x IS [NOT] NULL`.
    IsNull { expr: Box<Expr>, negated: bool },
    /// `x [NOT] IN (a, b, ...)`.
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    /// `x [NOT] BETWEEN low AND high`.
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `x [NOT] LIKE pattern`.
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    /// A function call; `name` as written (compare case-insensitively). `COUNT(*)` has the
    /// single argument [`Expr::Wildcard`].
    Function {
        name: String,
        args: Vec<Expr>,
        distinct: bool,
    },
    /// `CAST(x AS type)`; `DATE 'x'` / `TIMESTAMP 'x'` also parse to a cast of the string.
    Cast {
        expr: Box<Expr>,
        data_type: DataType,
    },
    /// `CASE [operand] WHEN a THEN b ... [ELSE c] END`.
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        else_result: Option<Box<Expr>>,
    },
    /// `*` as a function argument (`COUNT(*)`).
    Wildcard,
    /// The `DEFAULT` keyword inside `INSERT ... VALUES`.
    Default,
}

impl Expr {
    /// A literal expression.
    pub fn lit(l: Literal) -> Self {
        Expr::Literal(l)
    }

    /// An unqualified column reference.
    pub fn col(name: impl Into<String>) -> Self {
        Expr::Column {
            qualifier: Vec::new(),
            name: name.into(),
        }
    }

    /// Binding strength used to decide where [`fmt::Display`] needs parentheses.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary { op, .. } => op.precedence(),
            Expr::Unary {
                op: UnaryOp::Not, ..
            } => 3,
            Expr::IsNull { .. }
            | Expr::InList { .. }
            | Expr::Between { .. }
            | Expr::Like { .. } => 4,
            Expr::Unary {
                op: UnaryOp::Neg, ..
            } => 7,
            _ => 8,
        }
    }
}

/// Writes `e`, parenthesized when it binds looser than `min`.
fn child(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if e.precedence() < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

fn not(negated: bool) -> &'static str {
    if negated {
        "NOT "
    } else {
        ""
    }
}

impl fmt::Display for Expr {
    /// Canonical SQL: back-quoted columns, single-quoted strings, upper-case keywords,
    /// parentheses only where precedence needs them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Literal(l) => write!(f, "{l}"),
            Expr::Column { qualifier, name } => {
                for q in qualifier {
                    write!(f, "{}.", quote_ident(q))?;
                }
                f.write_str(&quote_ident(name))
            }
            Expr::Variable { scope, name } => match scope {
                VarScope::User => write!(f, "@{name}"),
                VarScope::Global => write!(f, "@@global.{name}"),
                VarScope::Session => write!(f, "@@{name}"),
            },
            Expr::Unary {
                op: UnaryOp::Neg,
                expr,
            } => {
                // `--` would start a comment: parenthesize a child that renders with `-`.
                let min = if starts_with_minus(expr) { 9 } else { 8 };
                f.write_str("-")?;
                child(f, expr, min)
            }
            Expr::Unary {
                op: UnaryOp::Not,
                expr,
            } => {
                f.write_str("NOT ")?;
                child(f, expr, 4)
            }
            Expr::Binary { left, op, right } => {
                let p = op.precedence();
                child(f, left, p)?;
                write!(f, " {} ", op.as_str())?;
                // Left-associative: an equal-precedence right child needs parentheses.
                child(f, right, p + 1)
            }
            Expr::IsNull { .. }
            | Expr::InList { .. }
            | Expr::Between { .. }
            | Expr::Like { .. } => fmt_predicate(self, f),
            Expr::Function {
                name,
                args,
                distinct,
            } => {
                write!(f, "{name}(")?;
                if *distinct {
                    f.write_str("DISTINCT ")?;
                }
                list(f, args)?;
                f.write_str(")")
            }
            Expr::Cast { expr, data_type } => write!(f, "CAST({expr} AS {data_type})"),
            Expr::Case {
                operand,
                branches,
                else_result,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {o}")?;
                }
                for (when, then) in branches {
                    write!(f, " WHEN {when} THEN {then}")?;
                }
                if let Some(e) = else_result {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::Wildcard => f.write_str("*"),
            Expr::Default => f.write_str("DEFAULT"),
        }
    }
}

/// True when `e` renders starting with `-` (a negative literal or a negation).
fn starts_with_minus(e: &Expr) -> bool {
    match e {
        Expr::Literal(Literal::Int(i)) => *i < 0,
        Expr::Literal(Literal::Decimal(d)) => d.starts_with('-'),
        Expr::Unary {
            op: UnaryOp::Neg, ..
        } => true,
        _ => false,
    }
}

/// Renders the IS NULL / IN / BETWEEN / LIKE forms.
fn fmt_predicate(e: &Expr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match e {
        Expr::IsNull { expr, negated } => {
            child(f, expr, 5)?;
            write!(f, " IS {}NULL", not(*negated))
        }
        Expr::InList {
            expr,
            list: items,
            negated,
        } => {
            child(f, expr, 5)?;
            write!(f, " {}IN (", not(*negated))?;
            list(f, items)?;
            f.write_str(")")
        }
        Expr::Between {
            expr,
            low,
            high,
            negated,
        } => {
            child(f, expr, 5)?;
            write!(f, " {}BETWEEN ", not(*negated))?;
            child(f, low, 5)?;
            f.write_str(" AND ")?;
            child(f, high, 5)
        }
        Expr::Like {
            expr,
            pattern,
            negated,
        } => {
            child(f, expr, 5)?;
            write!(f, " {}LIKE ", not(*negated))?;
            child(f, pattern, 5)
        }
        other => write!(f, "{other}"),
    }
}
