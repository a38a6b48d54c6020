//! Binlog JSON payloads (protocol §5) shared by several statements. Field names follow the
//! Gson names Doris writes; `commitSeq` is added when the entry is applied.

use super::catalog::{Distribution, Partition, Table};
use super::exec::distribution_sql;
use super::partition::{partition_range, partition_types, values_sql};
use serde_json::{json, Value as Json};

/// `TBinlogType` values used by core (repl's `binlog::kind` has the common ones).
pub mod kind {
    /// ALTER_DATABASE_PROPERTY.
    pub const ALTER_DATABASE_PROPERTY: i32 = 8;
    /// MODIFY_TABLE_ADD_OR_DROP_COLUMNS.
    pub const MODIFY_TABLE_ADD_OR_DROP_COLUMNS: i32 = 6;
    /// MODIFY_TABLE_PROPERTY.
    pub const MODIFY_TABLE_PROPERTY: i32 = 9;
    /// MODIFY_PARTITIONS.
    pub const MODIFY_PARTITIONS: i32 = 11;
    /// REPLACE_PARTITIONS.
    pub const REPLACE_PARTITIONS: i32 = 12;
    /// TRUNCATE_TABLE.
    pub const TRUNCATE_TABLE: i32 = 13;
    /// RENAME_TABLE (also used for rollup and partition renames, as dev-IDL Doris does).
    pub const RENAME_TABLE: i32 = 14;
    /// RENAME_COLUMN.
    pub const RENAME_COLUMN: i32 = 15;
    /// MODIFY_COMMENT.
    pub const MODIFY_COMMENT: i32 = 16;
    /// MODIFY_VIEW_DEF.
    pub const MODIFY_VIEW_DEF: i32 = 17;
    /// MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES.
    pub const MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES: i32 = 19;
    /// DROP_ROLLUP.
    pub const DROP_ROLLUP: i32 = 23;
}

/// `{type, bucketNum, distributionColumns:[{name}]}` of a distribution.
pub fn distribution_json(d: &Distribution) -> Json {
    let cols: Vec<Json> = d.hash_columns.iter().map(|c| json!({"name": c})).collect();
    json!({"type": d.type_name(), "bucketNum": d.buckets, "autoBucket": d.auto, "distributionColumns": cols})
}

/// The partition object of ADD_PARTITION records.
pub fn partition_json(p: &Partition) -> Json {
    let di = distribution_json(&p.distribution);
    json!({
        "id": p.id, "name": p.name, "state": "NORMAL",
        "visibleVersion": p.visible_version, "visibleVersionTime": p.visible_version_time,
        "distributionInfo": di.clone(), "di": di,
    })
}

/// The `sql` of an ADD_PARTITION record, e.g.
/// ``ADD PARTITION `p2` VALUES [("10"), ("20")) ("version_info" = "1") DISTRIBUTED BY HASH(`id`) BUCKETS 3``.
pub fn add_partition_sql(t: &Table, p: &Partition) -> String {
    let temp = if p.is_temp { "TEMPORARY " } else { "" };
    let values = values_sql(&partition_types(t), &p.item);
    format!(
        "ADD {temp}PARTITION `{}` {values} (\"version_info\" = \"{}\") {}",
        p.name,
        p.visible_version,
        distribution_sql(&p.distribution)
    )
}

/// ADD_PARTITION payload.
pub fn add_partition(db_id: i64, t: &Table, p: &Partition) -> Json {
    json!({
        "dbId": db_id, "tableId": t.id, "partition": partition_json(p),
        "range": partition_range(t, p), "isTempPartition": p.is_temp, "isMutable": true,
        "isInMemory": false, "replicaAlloc": {"allocMap": {"{\"location\" : \"default\"}": p.replication_num}},
        "dataProperty": {"storageMedium": "HDD"}, "sql": add_partition_sql(t, p),
    })
}

/// DROP_PARTITION payload.
pub fn drop_partition(db_id: i64, t: &Table, p: &Partition, force: bool, ts: i64) -> Json {
    let temp = if p.is_temp { "TEMPORARY " } else { "" };
    let force_sql = if force { " FORCE" } else { "" };
    json!({
        "dbId": db_id, "tableId": t.id, "pid": p.id, "partitionName": p.name,
        "isTempPartition": p.is_temp, "forceDrop": force, "recycleTime": 0,
        "sql": format!("DROP {temp}PARTITION `{}`{force_sql}", p.name),
        "version": p.visible_version, "versionTime": ts,
    })
}

/// RENAME_TABLE payload (table, rollup or partition rename).
#[allow(clippy::too_many_arguments)]
pub fn rename(
    db_id: i64,
    table_id: i64,
    index_id: i64,
    partition_id: i64,
    names: [&str; 6],
) -> Json {
    let [nt, ot, nr, or, np, op] = names;
    json!({
        "db": db_id, "tb": table_id, "ind": index_id, "p": partition_id,
        "nT": nt, "oT": ot, "nR": nr, "oR": or, "nP": np, "oP": op,
    })
}
