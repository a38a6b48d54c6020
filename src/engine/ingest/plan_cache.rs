//! Ingest planning with getMeta trees reused across consecutive UPSERTs of the same
//! tables (two getMeta round trips saved per UPSERT; see `meta::TableMeta`).
//!
//! A cached tree is used only when it names every partition and index the binlog
//! writes; anything it cannot plan is planned again from fresh metadata. Source replica
//! versions in a cached tree are stale by design, so before caching, replicas that were
//! complete (version ≥ their partition's visible version) are marked as having every
//! version and lagging ones as having none newer: a replica that falls behind later only
//! fails its ingest, which rolls the txn back and drops the cache.

use std::collections::BTreeSet;
use std::sync::Arc;

use doris_thrift::frontend_service::TGetMetaDBMeta;

use super::{plan_table, IngestTask, MetaView, Target};
use crate::engine::context::JobCtx;
use crate::engine::error::EngineResult;
use crate::engine::meta::TableMeta;

/// The ingest calls of `targets` for txn `txn_id`.
pub(super) async fn plan(
    ctx: &JobCtx,
    txn_id: i64,
    targets: &[Target],
    shadow: &BTreeSet<i64>,
) -> EngineResult<Vec<IngestTask>> {
    let src_ids: Vec<i64> = targets.iter().map(|t| t.src_id).collect();
    let dest_ids: Vec<i64> = targets.iter().map(|t| t.dest_id).collect();
    if let Some(m) = ctx.meta.table_meta(&src_ids, &dest_ids) {
        if targets.iter().all(|t| covers(&m.src, t)) {
            match plan_from(ctx, &m, txn_id, targets, shadow).await {
                Ok(tasks) => return Ok(tasks),
                Err(e) => tracing::debug!(job = %ctx.spec.name, error = %e,
                    "cached metadata does not fit this binlog; fetching it again"),
            }
        }
        ctx.meta.invalidate_table_meta();
    }
    let src = ctx
        .guard(async {
            ctx.get_meta(&ctx.src, ctx.src_db_id().await?, &src_ids)
                .await
        })
        .await?;
    let dest = ctx
        .guard(async {
            ctx.get_meta(&ctx.dest, ctx.dest_db_id().await?, &dest_ids)
                .await
        })
        .await?;
    let mut m = TableMeta {
        src_ids,
        dest_ids,
        src: Arc::new(src),
        dest: Arc::new(dest),
    };
    let tasks = plan_from(ctx, &m, txn_id, targets, shadow).await?;
    m.src = Arc::new(normalised(&m.src));
    ctx.meta.store_table_meta(m);
    Ok(tasks)
}

async fn plan_from(
    ctx: &JobCtx,
    m: &TableMeta,
    txn_id: i64,
    targets: &[Target],
    shadow: &BTreeSet<i64>,
) -> EngineResult<Vec<IngestTask>> {
    let src_bes = ctx.guard(ctx.backends(true)).await?;
    let dest_bes = ctx.guard(ctx.backends(false)).await?;
    let view = MetaView {
        src: &m.src,
        dest: &m.dest,
        src_bes: &src_bes,
        dest_bes: &dest_bes,
        shadow,
    };
    let mut tasks = Vec::new();
    for t in targets {
        tasks.extend(plan_table(&view, txn_id, t)?);
    }
    Ok(tasks)
}

/// The cached source tree has the table, every (non-temp) partition the binlog wrote and
/// every index it names.
fn covers(src: &TGetMetaDBMeta, t: &Target) -> bool {
    let tables = src.tables.iter().flatten();
    let Some(table) = tables.into_iter().find(|x| x.id == Some(t.src_id)) else {
        return false;
    };
    let mut parts = t.record.partition_records.iter();
    parts.all(|pr| {
        pr.is_temp_partition
            || table
                .partitions
                .iter()
                .flatten()
                .find(|p| p.id == Some(pr.partition_id))
                .is_some_and(|p| {
                    let mut idx = p.indexes.iter().flatten();
                    t.record
                        .index_ids
                        .iter()
                        .all(|i| idx.clone().any(|x| x.id == Some(*i)))
                        && idx.next().is_some()
                })
    })
}

/// Replicas complete at fetch time get version `i64::MAX`; the others keep theirs (older
/// than any later binlog, so the planner skips them).
fn normalised(src: &TGetMetaDBMeta) -> TGetMetaDBMeta {
    let mut out = src.clone();
    for table in out.tables.iter_mut().flatten() {
        for p in table.partitions.iter_mut().flatten() {
            let Some(visible) = p.visible_version else {
                continue;
            };
            for index in p.indexes.iter_mut().flatten() {
                for tablet in index.tablets.iter_mut().flatten() {
                    for r in tablet.replicas.iter_mut().flatten() {
                        if r.version.is_some_and(|v| v >= visible) {
                            r.version = Some(i64::MAX);
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use doris_thrift::frontend_service::{
        TGetMetaIndexMeta, TGetMetaPartitionMeta, TGetMetaReplicaMeta, TGetMetaTableMeta,
        TGetMetaTabletMeta,
    };

    use super::*;
    use crate::engine::records::{PartitionRecord, TableRecord};

    /// Table 10, partition 20 (visible 5), index 30, tablet 40 with replicas at 5 and 3.
    fn meta() -> TGetMetaDBMeta {
        let replica = |id, version| TGetMetaReplicaMeta {
            id: Some(id),
            backend_id: Some(1),
            version: Some(version),
        };
        let tablet = TGetMetaTabletMeta {
            id: Some(40),
            replicas: Some(vec![replica(1, 5), replica(2, 3)]),
        };
        let index = TGetMetaIndexMeta {
            id: Some(30),
            name: Some("t".into()),
            tablets: Some(vec![tablet]),
        };
        let part = TGetMetaPartitionMeta {
            id: Some(20),
            visible_version: Some(5),
            indexes: Some(vec![index]),
            ..Default::default()
        };
        TGetMetaDBMeta {
            tables: Some(vec![TGetMetaTableMeta {
                id: Some(10),
                partitions: Some(vec![part]),
                ..Default::default()
            }]),
            ..Default::default()
        }
    }

    fn target(partition_id: i64, temp: bool, index_ids: Vec<i64>) -> Target {
        let pr = PartitionRecord {
            partition_id,
            version: 6,
            is_temp_partition: temp,
            ..Default::default()
        };
        Target {
            src_id: 10,
            dest_id: 80,
            record: TableRecord {
                partition_records: vec![pr],
                index_ids,
            },
        }
    }

    #[test]
    fn cache_is_used_only_when_it_names_every_partition_and_index() {
        let m = meta();
        assert!(covers(&m, &target(20, false, vec![30])));
        assert!(covers(&m, &target(20, false, vec![])));
        assert!(
            covers(&m, &target(21, true, vec![])),
            "temp partitions are skipped"
        );
        assert!(!covers(&m, &target(21, false, vec![])), "new partition");
        assert!(!covers(&m, &target(20, false, vec![31])), "new index");
        let mut other = target(20, false, vec![]);
        other.src_id = 11;
        assert!(!covers(&m, &other), "other table");
    }

    #[test]
    fn only_replicas_complete_at_fetch_time_serve_later_versions() {
        let n = normalised(&meta());
        let versions: Vec<Option<i64>> = n
            .tables
            .iter()
            .flatten()
            .flat_map(|t| t.partitions.iter().flatten())
            .flat_map(|p| p.indexes.iter().flatten())
            .flat_map(|i| i.tablets.iter().flatten())
            .flat_map(|t| t.replicas.iter().flatten())
            .map(|r| r.version)
            .collect();
        assert_eq!(versions, vec![Some(i64::MAX), Some(3)]);
    }
}
