//! `clean_tables` / `clean_partitions`: what Doris does once a restore's objects are
//! installed (RestoreJob, "drop all non restored table and partitions"), on the catalog as
//! the install leaves it:
//! * an OLAP table whose name is a backed-up table's name (the snapshot's name, not the
//!   alias it was restored under) loses its partitions the backup lacks (clean_partitions;
//!   temp partitions are kept);
//! * any other OLAP table is dropped (clean_tables), whoever created it — including a table
//!   this very restore created under an alias, since its name is not a backed-up name;
//! * a view is dropped unless the backup has a view of that name (clean_tables);
//! * other table kinds are left alone.
//!
//! With table refs the backed-up names are only the referenced ones (Doris retains only
//! those in the job info).

use std::collections::{BTreeMap, HashSet};

use super::RestoreSpec;
use crate::cluster::backup::SnapshotMeta;
use crate::cluster::catalog::Table;
use crate::cluster::catalog_ops::Change;
use crate::cluster::State;

/// The drops `spec`'s clean flags call for after `installed` (the install changes).
pub(super) fn changes(
    state: &State,
    db_id: i64,
    spec: &RestoreSpec,
    meta: &SnapshotMeta,
    installed: &[Change],
) -> Vec<Change> {
    if !spec.clean_tables && !spec.clean_partitions {
        return Vec::new();
    }
    let kept = |t: &&Table| spec.local_name(&t.name).is_some();
    let backed_up: BTreeMap<&str, &Table> = meta
        .tables
        .iter()
        .filter(kept)
        .map(|t| (t.name.as_str(), t))
        .collect();
    let views: HashSet<&str> = meta
        .views
        .iter()
        .filter(kept)
        .map(|v| v.name.as_str())
        .collect();
    let mut out = Vec::new();
    for table in after_install(state, db_id, installed).into_values() {
        if table.is_view() {
            if spec.clean_tables && !views.contains(table.name.as_str()) {
                out.push(drop_table(db_id, &table));
            }
            continue;
        }
        match backed_up.get(table.name.as_str()) {
            Some(snap) if spec.clean_partitions => out.extend(drop_partitions(db_id, table, snap)),
            Some(_) => {}
            None if spec.clean_tables => out.push(drop_table(db_id, &table)),
            None => {}
        }
    }
    out
}

/// The db's tables and views once `installed` is applied, by id.
fn after_install(state: &State, db_id: i64, installed: &[Change]) -> BTreeMap<i64, Table> {
    let mut tables = state
        .dbs
        .get(&db_id)
        .map(|d| d.tables.clone())
        .unwrap_or_default();
    for c in installed {
        match c {
            Change::PutTable { table, .. } => {
                tables.insert(table.id, (**table).clone());
            }
            Change::DropTable { table_id, .. } => {
                tables.remove(table_id);
            }
            _ => {}
        }
    }
    tables
}

fn drop_table(db_id: i64, t: &Table) -> Change {
    tracing::info!(table = %t.name, "restore: dropping a table not in the backup (clean_tables)");
    Change::DropTable {
        db_id,
        table_id: t.id,
    }
}

/// The table without the (non-temp) partitions `snap` lacks, and their tablets dropped.
fn drop_partitions(db_id: i64, mut table: Table, snap: &Table) -> Vec<Change> {
    let in_backup = |name: &str| {
        snap.partitions
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(name))
    };
    let (keep, gone): (Vec<_>, Vec<_>) = std::mem::take(&mut table.partitions)
        .into_iter()
        .partition(|p| p.is_temp || in_backup(&p.name));
    table.partitions = keep;
    if gone.is_empty() {
        return Vec::new();
    }
    let tablets = gone
        .iter()
        .flat_map(|p| p.indexes.iter())
        .flat_map(|i| i.tablets.iter().map(|t| t.id))
        .collect();
    vec![
        Change::PutTable {
            db_id,
            table: Box::new(table),
        },
        Change::DropTablets(tablets),
    ]
}
