//! SHOW CREATE TABLE / VIEW / DATABASE text, in Doris 2.1 format. The output re-parses and
//! recreates an equal table; it is also the `sql` of CREATE_TABLE binlogs.

use crate::cluster::catalog::{Column, Database, DefaultValue, KeysType, PartitionScheme, Table};
use crate::cluster::partition::{partition_types, values_sql};
use crate::sql::ast::{quote_ident, quote_string};
use std::fmt::Write as _;

/// A single-quoted SQL string with `\` and `'` escaped.
pub fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// One column line as SHOW CREATE prints it (without indentation / trailing comma).
pub fn column_sql(t: &Table, c: &Column) -> String {
    let mut out = format!("{} {}", quote_ident(&c.name), c.ty.to_sql());
    if let (Some(a), KeysType::Agg) = (&c.agg, t.keys_type) {
        let _ = write!(out, " {}", a.sql());
    }
    out.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    if c.auto_increment {
        out.push_str(" AUTO_INCREMENT(1)");
    }
    match &c.default {
        Some(DefaultValue::Null) => out.push_str(" DEFAULT NULL"),
        Some(DefaultValue::Literal(v)) => {
            let _ = write!(out, " DEFAULT {}", quote_string(v));
        }
        Some(DefaultValue::Expr(e)) => {
            let _ = write!(out, " DEFAULT {e}");
        }
        None => {}
    }
    if !c.comment.is_empty() {
        let _ = write!(out, " COMMENT {}", quote_string(&c.comment));
    }
    out
}

fn names(cols: &[String]) -> String {
    cols.iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn partition_clause(t: &Table) -> String {
    let (kw, cols) = match &t.scheme {
        PartitionScheme::Unpartitioned => return String::new(),
        PartitionScheme::Range(c) => ("RANGE", c),
        PartitionScheme::List(c) => ("LIST", c),
    };
    let types = partition_types(t);
    let parts: Vec<String> = crate::cluster::partition::sorted_partitions(t, false)
        .into_iter()
        .map(|p| {
            format!(
                "PARTITION {} {}",
                quote_ident(&p.name),
                values_sql(&types, &p.item)
            )
        })
        .collect();
    format!(
        "PARTITION BY {kw}({})\n({})\n",
        names(cols),
        parts.join(",\n")
    )
}

/// `DISTRIBUTED BY ...` of a distribution.
pub fn distribution_sql(d: &crate::cluster::catalog::Distribution) -> String {
    let buckets = if d.auto {
        "AUTO".to_string()
    } else {
        d.buckets.to_string()
    };
    if d.hash_columns.is_empty() {
        format!("DISTRIBUTED BY RANDOM BUCKETS {buckets}")
    } else {
        format!(
            "DISTRIBUTED BY HASH({}) BUCKETS {buckets}",
            names(&d.hash_columns)
        )
    }
}

fn properties_sql(t: &Table) -> String {
    let mut lines = Vec::new();
    if let Some(v) = t.properties.get("replication_allocation") {
        lines.push(format!("\"replication_allocation\" = {}", quote_string(v)));
    }
    for (k, v) in t
        .properties
        .iter()
        .filter(|(k, _)| *k != "replication_allocation")
    {
        lines.push(format!("{} = {}", quote_string(k), quote_string(v)));
    }
    format!("PROPERTIES (\n{}\n)", lines.join(",\n"))
}

/// The CREATE TABLE statement of an OLAP table (or the CREATE VIEW of a view).
pub fn show_create_table(_db: &Database, t: &Table) -> String {
    if t.is_view() {
        return view_sql(t);
    }
    let mut out = format!("CREATE TABLE {} (\n", quote_ident(&t.name));
    let mut lines: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("  {}", column_sql(t, c)))
        .collect();
    for i in &t.secondary_indexes {
        let mut line = format!(
            "  INDEX {} ({}) USING {}",
            quote_ident(&i.name),
            names(&i.columns),
            i.kind
        );
        if !i.properties.is_empty() {
            let p: Vec<String> = i
                .properties
                .iter()
                .map(|(k, v)| format!("{} = {}", quote_string(k), quote_string(v)))
                .collect();
            let _ = write!(line, " PROPERTIES({})", p.join(", "));
        }
        if !i.comment.is_empty() {
            let _ = write!(line, " COMMENT {}", single_quote(&i.comment));
        }
        lines.push(line);
    }
    out.push_str(&lines.join(",\n"));
    out.push_str("\n) ENGINE=OLAP\n");
    let keys: Vec<String> = t.key_columns().map(|c| c.name.clone()).collect();
    let _ = writeln!(out, "{} KEY({})", t.keys_type.sql(), names(&keys));
    let comment = if t.comment.is_empty() {
        "OLAP"
    } else {
        &t.comment
    };
    let _ = writeln!(out, "COMMENT {}", single_quote(comment));
    out.push_str(&partition_clause(t));
    let _ = writeln!(out, "{}", distribution_sql(&t.distribution));
    out.push_str(&properties_sql(t));
    out.push(';');
    out
}

/// The CREATE VIEW statement of a view.
pub fn view_sql(t: &Table) -> String {
    let Some(v) = &t.view else {
        return String::new();
    };
    let mut out = format!("CREATE VIEW {}", quote_ident(&t.name));
    if !v.columns.is_empty() {
        let cols: Vec<String> = v
            .columns
            .iter()
            .map(|(n, c)| {
                if c.is_empty() {
                    quote_ident(n)
                } else {
                    format!("{} COMMENT {}", quote_ident(n), single_quote(c))
                }
            })
            .collect();
        let _ = write!(out, " ({})", cols.join(", "));
    }
    if !t.comment.is_empty() {
        let _ = write!(out, " COMMENT {}", single_quote(&t.comment));
    }
    let _ = write!(out, " AS {};", v.query);
    out
}

/// The CREATE DATABASE statement (with PROPERTIES when any are set).
pub fn show_create_database(db: &Database) -> String {
    let mut out = format!("CREATE DATABASE {}", quote_ident(&db.name));
    if !db.properties.is_empty() {
        let p: Vec<String> = db
            .properties
            .iter()
            .map(|(k, v)| format!("{} = {}", quote_string(k), quote_string(v)))
            .collect();
        let _ = write!(out, "\nPROPERTIES (\n{}\n)", p.join(",\n"));
    }
    out
}
