//! `SHOW TRANSACTION [FROM db] WHERE id = N | label = "x"` rows.

use crate::result::{Column, QueryResult};
use crate::sql::ast::{BinaryOp, Expr};

use super::{Txn, TxnManager};

/// Column names of SHOW TRANSACTION, in Doris order.
pub fn show_transaction_columns() -> Vec<Column> {
    [
        "TransactionId",
        "Label",
        "Coordinator",
        "TransactionStatus",
        "LoadJobSourceType",
        "PrepareTime",
        "CommitTime",
        "PublishTime",
        "FinishTime",
        "Reason",
        "ErrorReplicasCount",
        "ListenerId",
        "TimeoutMs",
        "ErrMsg",
    ]
    .into_iter()
    .map(Column::text)
    .collect()
}

impl TxnManager {
    /// SHOW TRANSACTION for `db_id` with the WHERE filter (`id = N` or `label = "x"`);
    /// Doris requires one of them.
    pub fn show(&self, db_id: i64, filter: Option<&Expr>) -> Result<QueryResult, String> {
        let filters = filter.map(eq_filters).unwrap_or_default();
        let id = filters
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.clone());
        let label = filters
            .iter()
            .find(|(k, _)| k == "label")
            .map(|(_, v)| v.clone());
        let rows: Vec<&Txn> = match (id, label) {
            (Some(id), _) => {
                let id: i64 = id
                    .parse()
                    .map_err(|_| format!("Invalid transaction id: {id}"))?;
                let t = self.txns.get(&id).filter(|t| t.db_id == db_id);
                vec![t.ok_or_else(|| format!("transaction with id {id} does not exist"))?]
            }
            (None, Some(l)) => self
                .txns
                .values()
                .filter(|t| t.db_id == db_id && t.label == l)
                .collect(),
            _ => {
                return Err(
                    "Where clause should looks like one of them: id = 123 or label = 'label'"
                        .into(),
                )
            }
        };
        let rows = rows.into_iter().map(row).collect();
        Ok(QueryResult::Rows {
            columns: show_transaction_columns(),
            rows,
        })
    }
}

fn row(t: &Txn) -> Vec<Option<String>> {
    let cells = [
        t.id.to_string(),
        t.label.clone(),
        t.coordinator.clone(),
        t.status.name().to_string(),
        "BACKEND_STREAMING".to_string(),
        time_text(t.prepare_time_ms),
        time_text(t.commit_time_ms),
        time_text(t.publish_time_ms),
        time_text(t.finish_time_ms),
        t.reason.clone(),
        "0".to_string(),
        "-1".to_string(),
        t.timeout_ms.to_string(),
        String::new(),
    ];
    cells.into_iter().map(Some).collect()
}

/// `col = literal` conjuncts of a WHERE clause, column names lower-cased.
pub(crate) fn eq_filters(expr: &Expr) -> Vec<(String, String)> {
    match expr {
        Expr::Binary {
            left,
            op: BinaryOp::And,
            right,
        } => {
            let mut v = eq_filters(left);
            v.extend(eq_filters(right));
            v
        }
        Expr::Binary {
            left,
            op: BinaryOp::Eq,
            right,
        } => match (&**left, &**right) {
            (Expr::Column { name, .. }, Expr::Literal(l))
            | (Expr::Literal(l), Expr::Column { name, .. }) => {
                vec![(name.to_ascii_lowercase(), l.as_text().unwrap_or_default())]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Doris time text `yyyy-MM-dd HH:mm:ss` (UTC here), "NULL" for unset (-1).
pub(crate) fn time_text(ms: i64) -> String {
    if ms < 0 {
        return "NULL".to_string();
    }
    let secs = ms / 1000;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
