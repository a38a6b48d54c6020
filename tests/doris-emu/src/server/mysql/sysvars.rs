//! Fallback answers for `SELECT @@var[, @@var ...] [LIMIT n]`, which client libraries send
//! on connect (`select @@version_comment limit 1`, `SELECT @@max_allowed_packet,
//! @@wait_timeout,@@socket`). Used only when the executor does not answer them itself.

use crate::result::{Column, ColumnKind, QueryResult};

/// MySQL protocol version string announced in the handshake (Doris reports 5.7.99).
pub const SERVER_VERSION: &str = "5.7.99";
/// `@@version_comment`, which the `mysql` CLI prints on connect.
pub const VERSION_COMMENT: &str = "Doris version doris-2.1.8-emu";

fn value(name: &str) -> (ColumnKind, Option<&'static str>) {
    use ColumnKind::{Int, Text};
    match name.to_ascii_lowercase().as_str() {
        "version_comment" => (Text, Some(VERSION_COMMENT)),
        "version" => (Text, Some(SERVER_VERSION)),
        "max_allowed_packet" => (Int, Some("67108864")),
        "wait_timeout" => (Int, Some("28800")),
        "interactive_timeout" => (Int, Some("3600")),
        "net_write_timeout" | "net_read_timeout" => (Int, Some("600")),
        "autocommit" | "auto_increment_increment" => (Int, Some("1")),
        "lower_case_table_names"
        | "performance_schema"
        | "tx_read_only"
        | "transaction_read_only"
        | "sql_select_limit_is_default" => (Int, Some("0")),
        "query_cache_size" => (Int, Some("1048576")),
        "query_cache_type" => (Text, Some("OFF")),
        "tx_isolation" | "transaction_isolation" => (Text, Some("REPEATABLE-READ")),
        "character_set_client"
        | "character_set_connection"
        | "character_set_results"
        | "character_set_server"
        | "character_set_database" => (Text, Some("utf8mb4")),
        "collation_connection" | "collation_server" | "collation_database" => {
            (Text, Some("utf8mb4_0900_bin"))
        }
        "time_zone" | "system_time_zone" => (Text, Some("UTC")),
        "sql_mode" => (Text, Some("")),
        "license" => (Text, Some("Apache License, Version 2.0")),
        "init_connect" => (Text, Some("")),
        _ => (Text, None),
    }
}

/// Answers `sql` if it is a pure system-variable select; `None` otherwise.
pub fn answer(sql: &str) -> Option<QueryResult> {
    let s = sql.trim().trim_end_matches(';').trim();
    let rest = s
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("select"))
        .map(|_| &s[6..])?;
    let mut list = rest.trim();
    if let Some(pos) = list.to_ascii_lowercase().rfind(" limit ") {
        let tail = list[pos + 7..].trim();
        if !tail.chars().all(|c| c.is_ascii_digit()) || tail.is_empty() {
            return None;
        }
        list = list[..pos].trim();
    }
    let mut columns = Vec::new();
    let mut row = Vec::new();
    for item in list.split(',') {
        let item = item.trim();
        let name = item.strip_prefix("@@")?;
        let name = ["session.", "global.", "SESSION.", "GLOBAL."]
            .iter()
            .find_map(|p| name.strip_prefix(p))
            .unwrap_or(name);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        let (kind, v) = value(name);
        columns.push(Column {
            name: item.to_string(),
            kind,
        });
        row.push(v.map(str::to_string));
    }
    Some(QueryResult::Rows {
        columns,
        rows: vec![row],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_connect_queries() {
        let Some(QueryResult::Rows { columns, rows }) = answer("select @@version_comment limit 1")
        else {
            panic!("no answer");
        };
        assert_eq!(columns[0].name, "@@version_comment");
        assert_eq!(rows, vec![vec![Some(VERSION_COMMENT.to_string())]]);
        let Some(QueryResult::Rows { rows, .. }) =
            answer("SELECT @@max_allowed_packet,@@wait_timeout,@@socket")
        else {
            panic!("no answer");
        };
        assert_eq!(
            rows[0],
            vec![Some("67108864".into()), Some("28800".into()), None]
        );
        assert!(answer("select a from t").is_none());
        assert!(answer("select @@x from t").is_none());
    }
}
