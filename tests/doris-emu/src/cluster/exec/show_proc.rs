//! SHOW PROC paths, SHOW PARTITIONS, DESC / SHOW COLUMNS, SHOW INDEX, SHOW ALTER TABLE.

use super::eval::civil_from_days;
use super::show::text_rows;
pub use super::show_columns::{alter_jobs, columns, indexes, info_columns};
use super::{err, olap_table_of, ExecResult};
use crate::cluster::catalog::{Database, Partition, PartitionScheme, Table};
use crate::cluster::config::Session;
use crate::cluster::partition::partition_range;
use crate::cluster::state::State;
use crate::result::SqlError;
use crate::sql::ast::ObjectName;

/// `YYYY-MM-DD HH:MM:SS` of a ms timestamp (UTC); "NULL" for unset.
pub fn fmt_time(ms: i64) -> String {
    if ms <= 0 {
        return "NULL".into();
    }
    let secs = ms / 1000;
    let (y, m, d) = civil_from_days(secs.div_euclid(86400));
    let r = secs.rem_euclid(86400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        r / 3600,
        r % 3600 / 60,
        r % 60
    )
}

fn proc_error(path: &str) -> SqlError {
    err(format!("Proc path '{path}' doesn't exist"))
}

fn find_db<'a>(st: &'a State, key: &str) -> Option<&'a Database> {
    key.parse::<i64>()
        .ok()
        .and_then(|id| st.dbs.get(&id))
        .or_else(|| st.db(key))
}

fn find_table<'a>(db: &'a Database, key: &str) -> Option<&'a Table> {
    key.parse::<i64>()
        .ok()
        .and_then(|id| db.tables.get(&id))
        .or_else(|| db.table(key))
}

/// `SHOW PROC '<path>'`.
pub fn run(st: &State, path: &str) -> ExecResult {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["dbs"] => Ok(dbs(st)),
        ["backends"] => super::show::filtered(&Session::default(), super::show::backends(st), None),
        ["frontends"] => {
            super::show::filtered(&Session::default(), super::show::frontends(st), None)
        }
        ["dbs", db] => Ok(tables(find_db(st, db).ok_or_else(|| proc_error(path))?)),
        ["dbs", db, rest @ ..] => {
            let d = find_db(st, db).ok_or_else(|| proc_error(path))?;
            let t = find_table(d, rest[0]).ok_or_else(|| proc_error(path))?;
            table_proc(t, &rest[1..], path)
        }
        _ => Err(proc_error(path)),
    }
}

fn table_proc(t: &Table, rest: &[&str], path: &str) -> ExecResult {
    match rest {
        [] => Ok(text_rows(
            &["Nodes"],
            vec![
                vec!["partitions".into()],
                vec!["temp_partitions".into()],
                vec!["index_schema".into()],
            ],
        )),
        [kind] if *kind == "partitions" || *kind == "temp_partitions" => {
            Ok(partition_rows(t, *kind == "temp_partitions"))
        }
        [_, pid] => {
            let p = pid
                .parse()
                .ok()
                .and_then(|id| t.partition_by_id(id))
                .ok_or_else(|| proc_error(path))?;
            let rows = p
                .indexes
                .iter()
                .map(|i| {
                    let name = t
                        .indexes
                        .iter()
                        .find(|m| m.id == i.index_id)
                        .map_or(String::new(), |m| m.name.clone());
                    vec![i.index_id.to_string(), name, "NORMAL".into(), "NULL".into()]
                })
                .collect();
            Ok(text_rows(
                &["IndexId", "IndexName", "State", "LastConsistencyCheckTime"],
                rows,
            ))
        }
        [_, pid, iid] => {
            let p = pid
                .parse()
                .ok()
                .and_then(|id| t.partition_by_id(id))
                .ok_or_else(|| proc_error(path))?;
            let i = iid
                .parse()
                .ok()
                .and_then(|id| p.index(id))
                .ok_or_else(|| proc_error(path))?;
            Ok(tablet_rows(p, i))
        }
        _ => Err(proc_error(path)),
    }
}

fn tablet_rows(
    p: &Partition,
    i: &crate::cluster::catalog::PartitionIndex,
) -> crate::result::QueryResult {
    let names = [
        "TabletId",
        "ReplicaId",
        "BackendId",
        "SchemaHash",
        "Version",
        "LstSuccessVersion",
        "LstFailedVersion",
        "LstFailedTime",
        "LocalDataSize",
        "RemoteDataSize",
        "RowCount",
        "State",
        "VersionCount",
        "PathHash",
        "MetaUrl",
        "CompactionStatus",
    ];
    let mut rows = Vec::new();
    for t in &i.tablets {
        for r in &t.replicas {
            let v = p.visible_version.to_string();
            rows.push(vec![
                t.id.to_string(),
                r.id.to_string(),
                r.backend_id.to_string(),
                "0".into(),
                v.clone(),
                v,
                "-1".into(),
                "NULL".into(),
                "0".into(),
                "0".into(),
                "0".into(),
                "NORMAL".into(),
                "1".into(),
                "0".into(),
                String::new(),
                String::new(),
            ]);
        }
    }
    text_rows(&names, rows)
}

fn dbs(st: &State) -> crate::result::QueryResult {
    let names = [
        "DbId",
        "DbName",
        "TableNum",
        "Size",
        "Quota",
        "LastConsistencyCheckTime",
        "ReplicaCount",
        "ReplicaQuota",
        "TransactionQuota",
        "LastUpdateTime",
    ];
    let rows = st
        .dbs
        .values()
        .map(|d| {
            vec![
                d.id.to_string(),
                d.name.clone(),
                d.tables.len().to_string(),
                "0.000 ".into(),
                "1024.000 TB".into(),
                "NULL".into(),
                "0".into(),
                "1073741824".into(),
                "1000".into(),
                "NULL".into(),
            ]
        })
        .collect();
    text_rows(&names, rows)
}

fn tables(d: &Database) -> crate::result::QueryResult {
    let names = [
        "TableId",
        "TableName",
        "IndexNum",
        "PartitionColumnName",
        "PartitionNum",
        "State",
        "Type",
        "LastConsistencyCheckTime",
        "ReplicaCount",
        "LastUpdateTime",
    ];
    let rows = d
        .tables
        .values()
        .map(|t| {
            let pcols = match &t.scheme {
                PartitionScheme::Range(c) | PartitionScheme::List(c) => c.join(", "),
                PartitionScheme::Unpartitioned => String::new(),
            };
            let ty = if t.is_view() { "VIEW" } else { "OLAP" };
            vec![
                t.id.to_string(),
                t.name.clone(),
                t.indexes.len().to_string(),
                pcols,
                t.regular_partitions().count().to_string(),
                "NORMAL".into(),
                ty.into(),
                "NULL".into(),
                t.tablet_ids().len().to_string(),
                fmt_time(t.create_time_ms),
            ]
        })
        .collect();
    text_rows(&names, rows)
}

fn partition_rows(t: &Table, temp: bool) -> crate::result::QueryResult {
    let names = [
        "PartitionId",
        "PartitionName",
        "VisibleVersion",
        "VisibleVersionTime",
        "State",
        "PartitionKey",
        "Range",
        "DistributionKey",
        "Buckets",
        "ReplicationNum",
        "StorageMedium",
        "CooldownTime",
        "RemoteStoragePolicy",
        "LastConsistencyCheckTime",
        "DataSize",
        "IsInMemory",
        "ReplicaAllocation",
        "IsMutable",
        "SyncWithBaseTables",
        "UnsyncTables",
        "CommittedVersion",
        "RowCount",
    ];
    let pkey = crate::cluster::partition::partition_columns(t).join(", ");
    let rows = crate::cluster::partition::sorted_partitions(t, temp)
        .into_iter()
        .map(|p| {
            let dk = if p.distribution.hash_columns.is_empty() {
                "RANDOM".into()
            } else {
                p.distribution.hash_columns.join(", ")
            };
            vec![
                p.id.to_string(),
                p.name.clone(),
                p.visible_version.to_string(),
                fmt_time(p.visible_version_time),
                "NORMAL".into(),
                pkey.clone(),
                partition_range(t, p),
                dk,
                p.distribution.buckets.to_string(),
                p.replication_num.to_string(),
                "HDD".into(),
                "9999-12-31 23:59:59".into(),
                String::new(),
                "NULL".into(),
                "0.000 ".into(),
                "false".into(),
                format!("tag.location.default: {}", p.replication_num),
                "true".into(),
                "true".into(),
                "\\N".into(),
                p.visible_version.to_string(),
                "0".into(),
            ]
        })
        .collect();
    text_rows(&names, rows)
}

/// `SHOW [TEMPORARY] PARTITIONS FROM t`.
pub fn partitions_of(st: &State, s: &Session, name: &ObjectName, temp: bool) -> ExecResult {
    let (_, t) = olap_table_of(st, s, name)?;
    Ok(partition_rows(t, temp))
}
