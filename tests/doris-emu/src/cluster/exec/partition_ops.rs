//! Partition DDL: ADD / DROP / RENAME / REPLACE / MODIFY PARTITION and TRUNCATE TABLE.

use super::build::{distribution, new_partition, partition_item};
use super::{binlog, commit_catalog, err, olap_table_of, ExecResult};
use crate::cluster::binlog::kind as bk;
use crate::cluster::catalog::{Partition, PartitionItem, PartitionScheme, Table};
use crate::cluster::catalog_ops::{Change, PendingBinlog};
use crate::cluster::config::Session;
use crate::cluster::partition::cmp_bounds;
use crate::cluster::records::{self, kind};
use crate::cluster::rowset::TabletData;
use crate::cluster::{now_ms, Writer};
use crate::result::QueryResult;
use crate::sql::ast::{DistributionDesc, ObjectName, PartitionDef, Properties};
use serde_json::json;

/// Commits a modified table with tablet changes and a binlog.
pub fn commit_table(
    w: &mut Writer<'_>,
    db_id: i64,
    t: Table,
    put: Vec<(i64, TabletData)>,
    drop: Vec<i64>,
    b: Option<PendingBinlog>,
) -> ExecResult {
    let mut changes = vec![Change::PutTable {
        db_id,
        table: Box::new(t),
    }];
    if !put.is_empty() {
        changes.push(Change::PutTablets(put));
    }
    if !drop.is_empty() {
        changes.push(Change::DropTablets(drop));
    }
    commit_catalog(w, changes, b)?;
    Ok(QueryResult::ok())
}

fn tablets_of(p: &Partition) -> Vec<i64> {
    p.indexes
        .iter()
        .flat_map(|i| i.tablets.iter().map(|t| t.id))
        .collect()
}

/// `ADD [TEMPORARY] PARTITION`.
pub fn add(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    temp: bool,
    def: &PartitionDef,
    dist: Option<&DistributionDesc>,
) -> ExecResult {
    if t.scheme == PartitionScheme::Unpartitioned {
        return Err(err(format!(
            "Table[{}]'s partition type is UNPARTITIONED, not support add partition",
            t.name
        )));
    }
    if t.partition(&def.name, temp).is_some() {
        return if def.if_not_exists {
            Ok(QueryResult::ok())
        } else {
            Err(err(format!("Duplicate partition name {}", def.name)))
        };
    }
    let existing: Vec<&Partition> = t.partitions.iter().filter(|p| p.is_temp == temp).collect();
    let item = partition_item(&t, &def.values, &existing)?;
    let mut d = t.distribution.clone();
    if let Some(desc) = dist {
        let nd = distribution(Some(desc), t.keys_type, &t.columns)?;
        if nd.hash_columns != d.hash_columns {
            return Err(err(
                "Cannot assign different distribution type or columns. default is: ".to_string()
                    + d.type_name(),
            ));
        }
        d = nd;
    }
    let (p, data) = new_partition(w.state, (db_id, &t), &def.name, item, temp, d, now_ms())?;
    let rec = records::add_partition(db_id, &t, &p);
    let tid = t.id;
    t.partitions.push(p);
    commit_table(
        w,
        db_id,
        t,
        data,
        vec![],
        binlog(bk::ADD_PARTITION, db_id, vec![tid], rec),
    )
}

/// `DROP [TEMPORARY] PARTITION`.
pub fn drop(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    temp: bool,
    name: &str,
    if_exists: bool,
    force: bool,
) -> ExecResult {
    let Some(pos) = t
        .partitions
        .iter()
        .position(|p| p.is_temp == temp && p.name.eq_ignore_ascii_case(name))
    else {
        return if if_exists {
            Ok(QueryResult::ok())
        } else {
            Err(err(format!("Error in list of partitions to {name}")))
        };
    };
    if t.scheme == PartitionScheme::Unpartitioned {
        return Err(err(format!(
            "Unpartitioned table {} does not support drop partition",
            t.name
        )));
    }
    let p = t.partitions.remove(pos);
    let rec = records::drop_partition(db_id, &t, &p, force, now_ms());
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        tablets_of(&p),
        binlog(bk::DROP_PARTITION, db_id, vec![tid], rec),
    )
}

/// `RENAME PARTITION a b`.
pub fn rename(w: &mut Writer<'_>, db_id: i64, mut t: Table, old: &str, new: &str) -> ExecResult {
    if t.partition(new, false).is_some() {
        return Err(err(format!("Partition name[{new}] is already used")));
    }
    let tid = t.id;
    let p = t
        .partitions
        .iter_mut()
        .find(|p| !p.is_temp && p.name.eq_ignore_ascii_case(old));
    let p = p.ok_or_else(|| err(format!("Partition [{old}] does not exist")))?;
    let (pid, old_name) = (p.id, p.name.clone());
    p.name = new.to_string();
    let rec = records::rename(db_id, tid, -1, pid, ["", "", "", "", new, &old_name]);
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(kind::RENAME_TABLE, db_id, vec![tid], rec),
    )
}

fn same_items(a: &[&Partition], b: &[&Partition]) -> bool {
    let ranges = |ps: &[&Partition]| {
        let mut v: Vec<PartitionItem> = ps.iter().map(|p| p.item.clone()).collect();
        v.sort_by(|x, y| match (x, y) {
            (PartitionItem::Range { lower: l1, .. }, PartitionItem::Range { lower: l2, .. }) => {
                cmp_bounds(l1, l2)
            }
            _ => format!("{x:?}").cmp(&format!("{y:?}")),
        });
        v
    };
    let (ra, rb) = (ranges(a), ranges(b));
    // Adjacent ranges may be merged: compare the covered span when counts differ.
    if ra.len() != rb.len() {
        let span = |v: &[PartitionItem]| match (v.first(), v.last()) {
            (
                Some(PartitionItem::Range { lower, .. }),
                Some(PartitionItem::Range { upper, .. }),
            ) => Some((lower.clone(), upper.clone())),
            _ => None,
        };
        return span(&ra).is_some() && span(&ra) == span(&rb);
    }
    ra == rb
}

/// `REPLACE PARTITION (p..) WITH TEMPORARY PARTITION (tp..)`.
pub fn replace(
    w: &mut Writer<'_>,
    db_id: i64,
    t: Table,
    parts: &[String],
    temps: &[String],
    props: &Properties,
) -> ExecResult {
    let flag = |k: &str, d: bool| props.get(k).map_or(d, |v| v.eq_ignore_ascii_case("true"));
    let strict = flag("strict_range", true);
    let use_temp_name = flag("use_temp_partition_name", false);
    replace_partitions(w, db_id, t, parts, temps, strict, use_temp_name, false)
}

/// Swaps temp partitions in for regular ones and writes REPLACE_PARTITIONS.
#[allow(clippy::too_many_arguments)]
pub fn replace_partitions(
    w: &mut Writer<'_>,
    db_id: i64,
    mut t: Table,
    parts: &[String],
    temps: &[String],
    strict: bool,
    use_temp_name: bool,
    force: bool,
) -> ExecResult {
    let mut olds = Vec::new();
    for n in parts {
        olds.push(
            t.partition(n, false)
                .ok_or_else(|| err(format!("Partition[{n}] does not exist")))?,
        );
    }
    let mut news = Vec::new();
    for n in temps {
        news.push(
            t.partition(n, true)
                .ok_or_else(|| err(format!("Temp partition[{n}] does not exist")))?,
        );
    }
    if strict && !same_items(&olds, &news) {
        return Err(err("The partition list of the temp partitions is not the same as the replaced partitions in strict range mode"));
    }
    let old_ids: Vec<i64> = olds.iter().map(|p| p.id).collect();
    let dropped: Vec<i64> = olds.iter().flat_map(|p| tablets_of(p)).collect();
    let new_ids: Vec<i64> = news.iter().map(|p| p.id).collect();
    let version = news.iter().map(|p| p.visible_version).max().unwrap_or(1);
    let rename = !use_temp_name && parts.len() == temps.len();
    t.partitions.retain(|p| !old_ids.contains(&p.id));
    for (i, id) in new_ids.iter().enumerate() {
        if let Some(p) = t.partition_by_id_mut(*id) {
            p.is_temp = false;
            if rename {
                p.name = olds_name(parts, i);
            }
        }
    }
    let db_name = w
        .state
        .dbs
        .get(&db_id)
        .map(|d| d.name.clone())
        .unwrap_or_default();
    let rec = json!({
        "dbId": db_id, "dbName": db_name, "tblId": t.id, "tblName": t.name,
        "partitions": parts, "tempPartitions": temps, "strictRange": strict,
        "useTempPartitionName": use_temp_name, "version": version, "versionTime": now_ms(), "force": force,
    });
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        dropped,
        binlog(kind::REPLACE_PARTITIONS, db_id, vec![tid], rec),
    )
}

fn olds_name(parts: &[String], i: usize) -> String {
    parts[i].clone()
}

/// `MODIFY PARTITION p SET (...)`: recorded as MODIFY_PARTITIONS (properties not modelled).
pub fn modify(
    w: &mut Writer<'_>,
    db_id: i64,
    t: Table,
    temp: bool,
    names: &[String],
    props: &Properties,
) -> ExecResult {
    let mut infos = Vec::new();
    for p in t.partitions.iter().filter(|p| p.is_temp == temp) {
        if names
            .iter()
            .any(|n| n == "*" || n.eq_ignore_ascii_case(&p.name))
        {
            infos.push(json!({"dbId": db_id, "tableId": t.id, "partitionId": p.id, "tblProperties": props.0.iter().cloned().collect::<std::collections::BTreeMap<_, _>>()}));
        }
    }
    if infos.len() < names.iter().filter(|n| *n != "*").count() {
        return Err(err(format!(
            "Partition does not exist: {}",
            names.join(", ")
        )));
    }
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        vec![],
        vec![],
        binlog(
            kind::MODIFY_PARTITIONS,
            db_id,
            vec![tid],
            json!({"infos": infos}),
        ),
    )
}

/// `TRUNCATE TABLE t [PARTITION ...]`: truncated partitions get new ids, tablets, version 1.
pub fn truncate(
    w: &mut Writer<'_>,
    s: &Session,
    name: &ObjectName,
    parts: &[String],
    temp: bool,
    text: &str,
) -> ExecResult {
    let (db, t) = olap_table_of(w.state, s, name)?;
    let (db_id, db_name, mut t) = (db.id, db.name.clone(), t.clone());
    for n in parts {
        if t.partition(n, temp).is_none() {
            return Err(err(format!("Partition {n} does not exist")));
        }
    }
    let selected: Vec<usize> = (0..t.partitions.len())
        .filter(|i| {
            let p = &t.partitions[*i];
            p.is_temp == temp
                && (parts.is_empty() || parts.iter().any(|n| n.eq_ignore_ascii_case(&p.name)))
        })
        .collect();
    let (mut put, mut drop, mut old_map) = (Vec::new(), Vec::new(), serde_json::Map::new());
    let now = now_ms();
    for i in selected {
        let old = t.partitions[i].clone();
        let (p, data) = new_partition(
            w.state,
            (db_id, &t),
            &old.name,
            old.item.clone(),
            old.is_temp,
            old.distribution.clone(),
            now,
        )?;
        old_map.insert(old.id.to_string(), json!(old.name));
        drop.extend(tablets_of(&old));
        put.extend(data);
        t.partitions[i] = p;
    }
    let rec = json!({
        "dbId": db_id, "db": db_name, "tblId": t.id, "table": t.name, "isEntireTable": parts.is_empty(),
        "rawSql": text, "oldPartitions": old_map,
    });
    let tid = t.id;
    commit_table(
        w,
        db_id,
        t,
        put,
        drop,
        binlog(kind::TRUNCATE_TABLE, db_id, vec![tid], rec),
    )
}

/// Adds temp partition `temp` with the same item and distribution as partition `like`
/// (INSERT OVERWRITE).
pub fn add_temp_like(
    w: &mut Writer<'_>,
    db_id: i64,
    table_id: i64,
    like: &str,
    temp: &str,
) -> ExecResult {
    let mut t = w
        .state
        .table_by_id(db_id, table_id)
        .ok_or_else(|| err("table dropped"))?
        .clone();
    let src = t
        .partition(like, false)
        .ok_or_else(|| err(format!("Partition[{like}] does not exist")))?;
    let (item, dist) = (src.item.clone(), src.distribution.clone());
    let (p, data) = new_partition(w.state, (db_id, &t), temp, item, true, dist, now_ms())?;
    let rec = records::add_partition(db_id, &t, &p);
    t.partitions.push(p);
    commit_table(
        w,
        db_id,
        t,
        data,
        vec![],
        binlog(bk::ADD_PARTITION, db_id, vec![table_id], rec),
    )
}
