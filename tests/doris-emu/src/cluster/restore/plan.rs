//! Checking a restore against the local catalog (schema signatures: Doris' "already exist
//! but with different schema") and building the install [`CatalogOp`] with the downloaded
//! tablet data: new tables get new local ids (same column unique ids, same ranges); existing
//! tables get the restored partitions' data replaced in place.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use super::RestoreSpec;
use crate::cluster::backup::TabletFile;
use crate::cluster::catalog::{Partition, Replica, Table, Tablet};
use crate::cluster::catalog_ops::{CatalogOp, Change};
use crate::cluster::partition::partition_range;
use crate::cluster::rowset::TabletData;
use crate::cluster::State;

/// The comparable schema of a table: keys, columns, partitioning, distribution columns,
/// materialized indexes.
fn signature(t: &Table) -> serde_json::Value {
    let cols: Vec<_> = t
        .columns
        .iter()
        .map(|c| {
            json!([
                c.name.to_ascii_lowercase(),
                c.ty,
                c.is_key,
                c.agg,
                c.nullable
            ])
        })
        .collect();
    let name_of = |uid: &u32| {
        t.columns
            .iter()
            .find(|c| c.unique_id == *uid)
            .map(|c| c.name.to_ascii_lowercase())
    };
    let idx: Vec<_> = t
        .indexes
        .iter()
        .skip(1)
        .map(|i| {
            json!([
                i.name,
                i.columns.iter().filter_map(name_of).collect::<Vec<_>>()
            ])
        })
        .collect();
    json!([
        t.keys_type,
        cols,
        t.scheme,
        t.distribution.hash_columns,
        idx,
        t.is_view()
    ])
}

fn different(kind: &str, name: &str) -> String {
    format!("{kind} {name} already exist but with different schema")
}

/// Validates the restore against the current catalog (no ids allocated).
pub(super) fn check(state: &State, db_id: i64, spec: &RestoreSpec) -> Result<(), String> {
    let meta = spec.snapshot_meta()?;
    let db = state.dbs.get(&db_id).ok_or("database dropped")?;
    for (name, _) in &spec.table_refs {
        if !meta
            .tables
            .iter()
            .chain(&meta.views)
            .any(|t| &t.name == name)
        {
            return Err(format!(
                "Table {name} does not exist in snapshot {}",
                spec.snapshot_name()
            ));
        }
    }
    for t in &meta.tables {
        let Some(local_name) = spec.local_name(&t.name) else {
            continue;
        };
        let Some(local) = db.table(&local_name) else {
            continue;
        };
        if local.is_view() || signature(local) != signature(t) {
            return Err(different("Table", &local_name));
        }
        for p in &t.partitions {
            if let Some(lp) = local.partition(&p.name, false) {
                if partition_range(local, lp) != partition_range(t, p) {
                    return Err(format!(
                        "Partition {} of table {local_name} already exist but with different range",
                        p.name
                    ));
                }
            }
        }
    }
    for v in &meta.views {
        let Some(local_name) = spec.local_name(&v.name) else {
            continue;
        };
        if let Some(local) = db.table(&local_name) {
            if local.view.as_ref().map(|d| &d.query) != v.view.as_ref().map(|d| &d.query) {
                return Err(different("View", &local_name));
            }
        }
    }
    Ok(())
}

fn tablet_ids(p: &Partition) -> Vec<i64> {
    p.indexes
        .iter()
        .flat_map(|i| i.tablets.iter().map(|t| t.id))
        .collect()
}

struct Builder<'a> {
    state: &'a mut State,
    db_id: i64,
    files: &'a BTreeMap<i64, TabletFile>,
    bes: Vec<i64>,
    changes: Vec<Change>,
    tablets: Vec<(i64, TabletData)>,
}

/// Builds the install op (call [`check`] first; ids are allocated here).
pub(super) fn build(
    state: &mut State,
    db_id: i64,
    spec: &RestoreSpec,
    files: &BTreeMap<i64, TabletFile>,
) -> Result<CatalogOp, String> {
    check(state, db_id, spec)?;
    let meta = spec.snapshot_meta()?;
    let bes = state.alive_backends();
    if bes.is_empty() {
        return Err("no alive backend".into());
    }
    let mut b = Builder {
        state,
        db_id,
        files,
        bes,
        changes: Vec::new(),
        tablets: Vec::new(),
    };
    b.tables(&meta.tables, spec);
    b.views(&meta.views, spec);
    let mut changes = b.changes;
    changes.push(Change::PutTablets(b.tablets));
    // After the tablets are in, so dropping a table created here drops its tablets too.
    let clean = super::clean::changes(state, db_id, spec, &meta, &changes);
    changes.extend(clean);
    Ok(CatalogOp {
        changes,
        binlog: None,
    })
}

impl Builder<'_> {
    fn local(&self, name: &str) -> Option<&Table> {
        self.state.dbs.get(&self.db_id).and_then(|d| d.table(name))
    }

    /// Restores the OLAP tables.
    fn tables(&mut self, tables: &[Table], spec: &RestoreSpec) {
        for t in tables {
            let Some(local_name) = spec.local_name(&t.name) else {
                continue;
            };
            let table = match self.local(&local_name).cloned() {
                // Doris' atomic restore builds the table anew from the snapshot and swaps it
                // in, so target-only partitions vanish as with clean_partitions (found by
                // the chaos suite: a partition dropped, then its binlog GC'd, survived the
                // full sync on the target).
                Some(local) => {
                    let clean = spec.clean_partitions || spec.atomic_restore;
                    self.replace_into(local, t, clean)
                }
                None => self.create(t, &local_name),
            };
            self.changes.push(Change::PutTable {
                db_id: self.db_id,
                table: Box::new(table),
            });
        }
    }

    /// Creates the missing views (same definition ones are kept).
    fn views(&mut self, views: &[Table], spec: &RestoreSpec) {
        for v in views {
            let Some(local_name) = spec.local_name(&v.name) else {
                continue;
            };
            if self.local(&local_name).is_none() {
                let mut view = v.clone();
                view.id = self.state.alloc_id();
                view.name = local_name;
                self.changes.push(Change::PutTable {
                    db_id: self.db_id,
                    table: Box::new(view),
                });
            }
        }
    }
}

impl Builder<'_> {
    fn rep(&self, p: &Partition) -> u32 {
        p.replication_num.clamp(1, self.bes.len() as u32)
    }

    /// Rowsets of snapshot tablet `src` for local tablet `dst`, columns mapped to `table`.
    fn data(&mut self, table: &Table, partition_id: i64, index_id: i64, src: i64, dst: i64) {
        let mut rowsets = self
            .files
            .get(&src)
            .map(|f| f.rowsets.clone())
            .unwrap_or_default();
        for r in &mut rowsets {
            r.tablet_id = dst;
            r.remap_columns(table);
        }
        let td = TabletData {
            db_id: self.db_id,
            table_id: table.id,
            partition_id,
            index_id,
            rowsets,
        };
        self.tablets.push((dst, td));
    }

    /// A new local partition shaped like snapshot partition `p` (index ids mapped by name).
    fn new_partition(&mut self, local: &Table, snap: &Table, p: &Partition) -> Partition {
        let mut np = p.clone();
        np.id = self.state.alloc_id();
        np.replication_num = self.rep(p);
        for (n, pi) in np.indexes.iter_mut().enumerate() {
            let name = snap
                .indexes
                .iter()
                .find(|i| i.id == pi.index_id)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            let local_index = local.index_by_name(&name).map_or(pi.index_id, |i| i.id);
            let src: Vec<i64> = pi.tablets.iter().map(|t| t.id).collect();
            let mut tablets = Vec::new();
            for (b, s) in src.into_iter().enumerate() {
                let id = self.state.alloc_id();
                let replicas = (0..np.replication_num as usize)
                    .map(|r| Replica {
                        id: self.state.alloc_id(),
                        backend_id: self.bes[(b + r + n) % self.bes.len()],
                    })
                    .collect();
                tablets.push(Tablet { id, replicas });
                self.data(local, np.id, local_index, s, id);
            }
            pi.index_id = local_index;
            pi.tablets = tablets;
        }
        np
    }

    fn create(&mut self, snap: &Table, name: &str) -> Table {
        let mut t = snap.clone();
        t.id = self.state.alloc_id();
        t.name = name.to_string();
        let ids: HashMap<i64, i64> = t
            .indexes
            .iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
            .into_iter()
            .map(|old| (old, self.state.alloc_id()))
            .collect();
        for i in &mut t.indexes {
            i.id = ids[&i.id];
        }
        for si in &mut t.secondary_indexes {
            si.id = self.state.alloc_id();
        }
        t.properties.insert("is_being_synced".into(), "true".into());
        let parts = std::mem::take(&mut t.partitions);
        for p in &parts {
            let np = self.new_partition(&t, snap, p);
            t.partitions.push(np);
        }
        let rep = t.partitions.first().map_or(1, |p| p.replication_num);
        t.properties.insert(
            "replication_allocation".into(),
            format!("tag.location.default: {rep}"),
        );
        t
    }

    fn replace_into(&mut self, mut local: Table, snap: &Table, clean_partitions: bool) -> Table {
        local
            .properties
            .insert("is_being_synced".into(), "true".into());
        for p in &snap.partitions {
            let pos = local
                .partitions
                .iter()
                .position(|lp| !lp.is_temp && lp.name.eq_ignore_ascii_case(&p.name));
            match pos {
                None => {
                    let np = self.new_partition(&local, snap, p);
                    local.partitions.push(np);
                }
                Some(pos)
                    if local.partitions[pos].distribution.buckets != p.distribution.buckets =>
                {
                    // Other bucketing (e.g. replaced by a temp partition): replace it whole.
                    self.changes
                        .push(Change::DropTablets(tablet_ids(&local.partitions[pos])));
                    local.partitions[pos] = self.new_partition(&local, snap, p);
                }
                Some(pos) => {
                    self.replace_data(&local, &local.partitions[pos].clone(), snap, p);
                    let target = &mut local.partitions[pos];
                    target.visible_version = p.visible_version;
                    target.visible_version_time = p.visible_version_time;
                }
            }
        }
        if clean_partitions {
            let keep = |lp: &Partition| {
                lp.is_temp
                    || snap
                        .partitions
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(&lp.name))
            };
            let dropped: Vec<i64> = local
                .partitions
                .iter()
                .filter(|p| !keep(p))
                .flat_map(tablet_ids)
                .collect();
            local.partitions.retain(keep);
            if !dropped.is_empty() {
                self.changes.push(Change::DropTablets(dropped));
            }
        }
        local
    }

    /// New data for the tablets of local partition `lp` from snapshot partition `p`
    /// (indexes by name, tablets by ascending id).
    fn replace_data(&mut self, local: &Table, lp: &Partition, snap: &Table, p: &Partition) {
        for spi in &p.indexes {
            let name = snap
                .indexes
                .iter()
                .find(|i| i.id == spi.index_id)
                .map(|i| i.name.clone())
                .unwrap_or_default();
            let Some(li) = local.index_by_name(&name).map(|i| i.id) else {
                continue;
            };
            let Some(lpi) = lp.index(li) else { continue };
            let mut dst: Vec<i64> = lpi.tablets.iter().map(|t| t.id).collect();
            dst.sort_unstable();
            for (s, d) in spi.tablets.iter().map(|t| t.id).zip(dst) {
                self.data(local, lp.id, li, s, d);
            }
        }
    }
}
