//! The data path of an UPSERT: map source tablets to target tablets (partitions by
//! range string, indexes by name, tablets by ascending id) and call `ingest_binlog` on
//! every target replica's BE, concurrently. The per-BE bound (48 in flight) is enforced
//! by `BeClient`'s per-BE semaphore; here all calls are simply issued through a
//! `buffer_unordered` window. Beside them, `stats` reads the source rowsets' metas for
//! the rows/bytes counters.

use std::collections::{BTreeSet, HashMap};

use doris_thrift::backend_service::TIngestBinlogRequest;
use doris_thrift::frontend_service::{
    TGetMetaDBMeta, TGetMetaIndexMeta, TGetMetaPartitionMeta, TGetMetaReplicaMeta,
    TGetMetaTableMeta, TGetMetaTabletMeta,
};
use doris_thrift::types::{TBackend, TTabletCommitInfo, TUniqueId};
use futures::stream::{self, StreamExt};

use crate::doris::BeClient;
use crate::engine::context::JobCtx;
use crate::engine::error::{EngineError, EngineResult};
use crate::engine::records::TableRecord;

mod plan_cache;
mod stats;
#[cfg(test)]
mod tests;

/// Concurrent ingest calls issued at once (each BE additionally caps itself at 48).
const WINDOW: usize = 256;

/// One replicated table of an UPSERT.
#[derive(Clone, Debug)]
pub struct Target {
    /// Source table id.
    pub src_id: i64,
    /// Target table id.
    pub dest_id: i64,
    /// What the source txn wrote in it.
    pub record: TableRecord,
}

/// One `ingest_binlog` call and the commit info it yields.
#[derive(Clone, Debug)]
pub struct IngestTask {
    /// `host:be_port` of the target replica's BE.
    pub addr: String,
    /// The request.
    pub req: TIngestBinlogRequest,
    /// Commit info for the target replica.
    pub info: TTabletCommitInfo,
}

/// Both clusters' metadata needed to plan an ingest.
pub struct MetaView<'a> {
    /// Source getMeta.
    pub src: &'a TGetMetaDBMeta,
    /// Target getMeta.
    pub dest: &'a TGetMetaDBMeta,
    /// Source BEs.
    pub src_bes: &'a HashMap<i64, TBackend>,
    /// Target BEs.
    pub dest_bes: &'a HashMap<i64, TBackend>,
    /// Shadow indexes of running schema changes (not replicated).
    pub shadow: &'a BTreeSet<i64>,
}

/// Plans (from cached or fresh metadata) and runs every ingest of `targets` into txn
/// `txn_id`; returns the commit infos and the txn's rows/bytes, counted at commit.
pub async fn ingest_all(
    ctx: &JobCtx,
    txn_id: i64,
    targets: &[Target],
    shadow: &BTreeSet<i64>,
) -> EngineResult<(Vec<TTabletCommitInfo>, PendingStats)> {
    let tasks = plan_cache::plan(ctx, txn_id, targets, shadow).await?;
    let stats = stats::start(ctx, &tasks);
    match ctx.guard(run(&ctx.be, tasks)).await {
        Ok(infos) => Ok((infos, PendingStats(stats))),
        Err(e) => {
            // Also drops the cached getMeta trees: the replay plans on fresh metadata.
            // Dropping `stats` aborts its reads: a failed ingest counts nothing.
            ctx.meta.invalidate_backends();
            Err(e)
        }
    }
}

/// Rows/bytes of an ingested txn, waiting for its commit: counted by
/// [`PendingStats::committed`]; dropping it counts nothing, so a replayed txn is never
/// counted twice.
pub struct PendingStats(Option<stats::StatsFetch>);

impl PendingStats {
    /// The txn committed: add its rows and bytes to the job's counters.
    pub fn committed(self) {
        if let Some(s) = self.0 {
            s.count();
        }
    }
}

async fn run(be: &BeClient, tasks: Vec<IngestTask>) -> EngineResult<Vec<TTabletCommitInfo>> {
    let results: Vec<EngineResult<TTabletCommitInfo>> = stream::iter(tasks)
        .map(|t| async move {
            be.ingest_binlog(&t.addr, &t.req)
                .await
                .map(|_| t.info)
                .map_err(|e| EngineError::doris("ingest_binlog", e))
        })
        .buffer_unordered(WINDOW)
        .collect()
        .await;
    results.into_iter().collect()
}

fn meta_err(msg: String) -> EngineError {
    EngineError::fatal(format!("ingest: {msg}"))
}

fn tables(m: &TGetMetaDBMeta) -> &[TGetMetaTableMeta] {
    m.tables.as_deref().unwrap_or_default()
}

fn dropped(list: &Option<Vec<i64>>, id: i64) -> bool {
    list.as_ref().is_some_and(|l| l.contains(&id))
}

/// Plans the ingest calls of one table.
pub fn plan_table(v: &MetaView<'_>, txn_id: i64, t: &Target) -> EngineResult<Vec<IngestTask>> {
    if dropped(&v.src.dropped_tables, t.src_id) {
        return Ok(Vec::new());
    }
    let Some(src_t) = tables(v.src).iter().find(|x| x.id == Some(t.src_id)) else {
        return Ok(Vec::new()); // dropped since: nothing to replicate
    };
    let dest_t = tables(v.dest)
        .iter()
        .find(|x| x.id == Some(t.dest_id))
        .ok_or_else(|| meta_err(format!("target table id {} not found", t.dest_id)))?;
    let mut out = Vec::new();
    for pr in &t.record.partition_records {
        if pr.is_temp_partition || dropped(&v.src.dropped_partitions, pr.partition_id) {
            continue;
        }
        let parts = partition_pair(src_t, dest_t, pr.partition_id, &pr.range)?;
        let Some((sp, dp)) = parts else { continue };
        let index_ids: Vec<i64> = if t.record.index_ids.is_empty() {
            sp.indexes.iter().flatten().filter_map(|i| i.id).collect()
        } else {
            t.record.index_ids.clone()
        };
        for idx in index_ids {
            if dropped(&v.src.dropped_indexes, idx) || v.shadow.contains(&idx) {
                continue;
            }
            let (si, di) = index_pair(src_t, dest_t, sp, dp, idx)?;
            let ctx = PairCtx {
                txn_id,
                version: pr.version,
                dest_partition: dp.id.unwrap_or_default(),
            };
            out.extend(plan_index(v, &ctx, si, di)?);
        }
    }
    Ok(out)
}

/// Source partition (by id) and the target partition with the same range.
fn partition_pair<'a>(
    src_t: &'a TGetMetaTableMeta,
    dest_t: &'a TGetMetaTableMeta,
    id: i64,
    range: &str,
) -> EngineResult<Option<(&'a TGetMetaPartitionMeta, &'a TGetMetaPartitionMeta)>> {
    // A partition id the source no longer has was dropped or replaced (truncate, replace
    // partition) since the load: its data is gone upstream too, and the binlog that
    // removed it is replayed later. Never fall back to another partition by range.
    let sp = src_t.partitions.iter().flatten().find(|p| p.id == Some(id));
    let Some(sp) = sp else { return Ok(None) };
    let want = sp.range.as_deref().unwrap_or(range);
    let dp = dest_t
        .partitions
        .iter()
        .flatten()
        .find(|p| p.range.as_deref() == Some(want) && p.is_temp != Some(true))
        .ok_or_else(|| meta_err(format!("partition range {want:?} not in target table")))?;
    Ok(Some((sp, dp)))
}

/// Source index `idx` and the target index of the same name (base index = table name).
fn index_pair<'a>(
    src_t: &TGetMetaTableMeta,
    dest_t: &TGetMetaTableMeta,
    sp: &'a TGetMetaPartitionMeta,
    dp: &'a TGetMetaPartitionMeta,
    idx: i64,
) -> EngineResult<(&'a TGetMetaIndexMeta, &'a TGetMetaIndexMeta)> {
    let si = sp
        .indexes
        .iter()
        .flatten()
        .find(|i| i.id == Some(idx))
        .ok_or_else(|| meta_err(format!("index {idx} not in source partition")))?;
    let name = si.name.clone().unwrap_or_default();
    let dest_name = if Some(&name) == src_t.name.as_ref() {
        dest_t.name.clone().unwrap_or_default()
    } else {
        name
    };
    // A restore under an alias may keep the source name on the base index: accept both.
    let find = |n: &str| {
        dp.indexes
            .iter()
            .flatten()
            .find(|i| i.name.as_deref() == Some(n))
    };
    let di = find(&dest_name)
        .or_else(|| si.name.as_deref().and_then(find))
        .ok_or_else(|| meta_err(format!("index {dest_name:?} not in target partition")))?;
    Ok((si, di))
}

struct PairCtx {
    txn_id: i64,
    version: i64,
    dest_partition: i64,
}

fn sorted<T>(items: &Option<Vec<T>>, key: impl Fn(&T) -> i64) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().flatten().collect();
    v.sort_by_key(|x| key(x));
    v
}

/// Pairs tablets by ascending id and plans one call per target replica, spreading the
/// source side round-robin over replicas that have the version.
fn plan_index(
    v: &MetaView<'_>,
    c: &PairCtx,
    si: &TGetMetaIndexMeta,
    di: &TGetMetaIndexMeta,
) -> EngineResult<Vec<IngestTask>> {
    let st = sorted(&si.tablets, |t: &TGetMetaTabletMeta| {
        t.id.unwrap_or_default()
    });
    let dt = sorted(&di.tablets, |t: &TGetMetaTabletMeta| {
        t.id.unwrap_or_default()
    });
    if st.len() != dt.len() {
        return Err(meta_err(format!(
            "tablet count differs: {} vs {}",
            st.len(),
            dt.len()
        )));
    }
    let mut out = Vec::new();
    for (s, d) in st.into_iter().zip(dt) {
        let rep = |r: &TGetMetaReplicaMeta| r.id.unwrap_or_default();
        let srcs: Vec<_> = sorted(&s.replicas, rep)
            .into_iter()
            .filter(|r| r.version.unwrap_or(0) >= c.version)
            .collect();
        if srcs.is_empty() {
            return Err(EngineError::retry(format!(
                "no source replica of tablet {:?} has version {}",
                s.id, c.version
            )));
        }
        for (i, dr) in sorted(&d.replicas, rep).into_iter().enumerate() {
            out.push(task(v, c, s, d, srcs[i % srcs.len()], dr)?);
        }
    }
    Ok(out)
}

fn task(
    v: &MetaView<'_>,
    c: &PairCtx,
    s: &TGetMetaTabletMeta,
    d: &TGetMetaTabletMeta,
    sr: &TGetMetaReplicaMeta,
    dr: &TGetMetaReplicaMeta,
) -> EngineResult<IngestTask> {
    let be = |m: &HashMap<i64, TBackend>, id: Option<i64>| {
        m.get(&id.unwrap_or_default())
            .cloned()
            .ok_or_else(|| EngineError::retry(format!("backend {id:?} unknown")))
    };
    let src_be = be(v.src_bes, sr.backend_id)?;
    let dest_be = be(v.dest_bes, dr.backend_id)?;
    let req = TIngestBinlogRequest {
        txn_id: Some(c.txn_id),
        remote_tablet_id: s.id,
        binlog_version: Some(c.version),
        remote_host: Some(src_be.host.clone()),
        remote_port: Some(src_be.http_port.to_string()),
        partition_id: Some(c.dest_partition),
        local_tablet_id: d.id,
        load_id: Some(TUniqueId { hi: -1, lo: -1 }),
    };
    let info = TTabletCommitInfo {
        tablet_id: d.id.unwrap_or_default(),
        backend_id: dr.backend_id.unwrap_or_default(),
        invalid_dict_cols: None,
    };
    Ok(IngestTask {
        addr: BeClient::addr_of(&dest_be),
        req,
        info,
    })
}
