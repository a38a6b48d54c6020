//! Partition DDL: add, drop, modify properties, replace, rename.

use super::sqltext::{find_ci, rfind_ci, trim_statement};
use super::{qi, qs, DdlContext, DdlDecision, DdlError};
use crate::engine::records::{
    AddPartitionRecord, DistributionInfo, DropPartitionRecord, ModifyPartitionInfo,
    ModifyPartitionsRecord, RenamePartitionRecord, ReplacePartitionsRecord,
};
use crate::job::SyncType;

/// ADD PARTITION → `ALTER TABLE <target> ADD PARTITION ... DISTRIBUTED BY ... BUCKETS n`.
/// Temporary partitions are skipped (backup/restore cannot carry them either).
pub fn add_partition(ctx: &DdlContext, r: &AddPartitionRecord) -> Result<DdlDecision, DdlError> {
    let clause = trim_statement(&r.sql);
    if r.is_temp_partition || find_ci(clause, "ADD TEMPORARY PARTITION", 0) == Some(0) {
        return Ok(DdlDecision::Skip(
            "temporary partitions are not replicated".into(),
        ));
    }
    let target = ctx.target(r.table_id, "")?;
    let clause = fix_partition_clause(clause, r.distribution())?;
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {target} {clause}"
    )]))
}

/// Makes the FE's partition clause executable on the target: removes the empty range of
/// unpartitioned tables, un-nests `VALUES IN (((x)))`, and states distribution and
/// bucket count explicitly (an explicit count instead of `BUCKETS AUTO`, so both sides
/// get the same bucket count).
fn fix_partition_clause(sql: &str, dist: Option<&DistributionInfo>) -> Result<String, DdlError> {
    let mut s = sql.replace("VALUES [(), ())", "");
    if let Some(i) = find_ci(&s, "VALUES IN (((", 0) {
        let open = i + "VALUES IN (".len();
        if let Some(close) = s[open..].find(")))").map(|c| c + open) {
            s = format!("{}{}{}", &s[..open], &s[open + 1..close], &s[close + 1..]);
        }
    }
    let has_buckets = find_ci(&s, "BUCKETS", 0).is_some();
    let auto = rfind_ci(&s, "BUCKETS AUTO");
    if has_buckets && auto.is_none() {
        return Ok(s.trim_end().to_string());
    }
    if let Some(i) = auto {
        s.truncate(i);
    }
    let mut s = s.trim_end().to_string();
    let Some(d) = dist else {
        return Ok(s);
    };
    if find_ci(&s, "DISTRIBUTED BY", 0).is_none() {
        if d.kind.eq_ignore_ascii_case("HASH") && !d.distribution_columns.is_empty() {
            let cols = d
                .distribution_columns
                .iter()
                .map(|c| qi(&c.name))
                .collect::<Result<Vec<_>, _>>()?;
            s.push_str(&format!(" DISTRIBUTED BY HASH({})", cols.join(", ")));
        } else if d.kind.eq_ignore_ascii_case("RANDOM") {
            s.push_str(" DISTRIBUTED BY RANDOM");
        } else {
            return Ok(s);
        }
    }
    if d.bucket_num > 0 {
        s.push_str(&format!(" BUCKETS {}", d.bucket_num));
    }
    Ok(s)
}

/// DROP PARTITION → `ALTER TABLE <target> DROP PARTITION IF EXISTS ...` (replay-safe).
pub fn drop_partition(ctx: &DdlContext, r: &DropPartitionRecord) -> Result<DdlDecision, DdlError> {
    let clause = trim_statement(&r.sql);
    if r.is_temp_partition || find_ci(clause, "DROP TEMPORARY PARTITION", 0).is_some() {
        return Ok(DdlDecision::Skip(
            "temporary partitions are not replicated".into(),
        ));
    }
    let target = ctx.target(r.table_id, "")?;
    let clause = match find_ci(clause, "DROP PARTITION", 0) {
        Some(i) if find_ci(clause, "IF EXISTS", 0).is_none() => {
            let at = i + "DROP PARTITION".len();
            format!("{} IF EXISTS{}", &clause[..at], &clause[at..])
        }
        _ => clause.to_string(),
    };
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {target} {clause}"
    )]))
}

/// Properties that describe one cluster's hardware/replication, not the data: never
/// copied to the target.
const CLUSTER_SPECIFIC: [&str; 6] = [
    "replication_num",
    "replication_allocation",
    "storage_medium",
    "storage_cooldown_time",
    "storage_policy",
    "default.replication_allocation",
];

/// MODIFY PARTITION(s) ... SET (...): replays the cluster-neutral properties; the rest
/// (storage medium, replication, storage policy) is skipped with a reason.
pub fn modify_partitions(
    ctx: &DdlContext,
    r: &ModifyPartitionsRecord,
) -> Result<DdlDecision, DdlError> {
    let mut stmts = Vec::new();
    for info in &r.infos {
        if let Some(s) = modify_one_partition(ctx, info)? {
            stmts.push(s);
        }
    }
    if stmts.is_empty() {
        return Ok(DdlDecision::Skip(
            "partition property change is cluster-specific (storage medium, replication, \
             storage policy) or names no partition; not replicated"
                .into(),
        ));
    }
    Ok(DdlDecision::Execute(stmts))
}

fn modify_one_partition(
    ctx: &DdlContext,
    info: &ModifyPartitionInfo,
) -> Result<Option<String>, DdlError> {
    if info.partition_name.is_empty() || info.is_temp_partition {
        return Ok(None);
    }
    let props: Vec<String> = info
        .table_properties
        .iter()
        .filter(|(k, _)| !CLUSTER_SPECIFIC.contains(&k.as_str()))
        .map(|(k, v)| format!("{} = {}", qs(k), qs(v)))
        .collect();
    if props.is_empty() {
        return Ok(None);
    }
    let target = ctx.target(info.table_id, "")?;
    Ok(Some(format!(
        "ALTER TABLE {target} MODIFY PARTITION {} SET ({})",
        qi(&info.partition_name)?,
        props.join(", ")
    )))
}

/// REPLACE PARTITION: strict range with temp names dropped ⇒ partial sync of those
/// partitions; anything else cannot be mapped partition-by-partition ⇒ full sync.
pub fn replace_partitions(ctx: &DdlContext, r: &ReplacePartitionsRecord) -> DdlDecision {
    if !r.strict_range || r.use_temp_partition_name {
        return DdlDecision::FullSync(format!(
            "replace partitions of `{}` with strict_range={} use_temp_partition_name={} \
             cannot be replayed partition by partition",
            r.tbl_name, r.strict_range, r.use_temp_partition_name
        ));
    }
    let table = match ctx.sync_type {
        SyncType::Table => ctx.src_table.clone(),
        SyncType::Db => r.tbl_name.clone(),
    };
    DdlDecision::PartialSync {
        table,
        partitions: r.partitions.clone(),
        replace: false,
    }
}

/// RENAME PARTITION (master record).
pub fn rename_partition(
    ctx: &DdlContext,
    r: &RenamePartitionRecord,
) -> Result<DdlDecision, DdlError> {
    let target = ctx.target(r.table_id, "")?;
    Ok(DdlDecision::Execute(vec![format!(
        "ALTER TABLE {target} RENAME PARTITION {} {}",
        qi(&r.old_partition_name)?,
        qi(&r.new_partition_name)?
    )]))
}
