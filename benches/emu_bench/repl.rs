//! Part b: the replication "floor" — one upstream UPSERT binlog applied to the target through
//! the raw RPC sequence a syncer uses: getBinlog → beginTxn → (getMeta, cached after the first
//! transaction) ingest_binlog for every tablet → commitTxn. [`ReplLoop`] depends only on the
//! syncer's Doris clients, so the engine benchmark can lift it as is.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use ccr_syncer::doris::fe::BeginTxn;
use ccr_syncer::doris::{BeClient, BeOptions, FeClient};
use doris_thrift::backend_service::TIngestBinlogRequest;
use doris_thrift::frontend_service::{
    TBeginTxnRequest, TBinlog, TBinlogType, TCommitTxnRequest, TGetBackendMetaRequest,
    TGetBinlogRequest, TGetMetaDB, TGetMetaRequest, TGetMetaTable, TGetMetaTableMeta,
};
use doris_thrift::status::TStatusCode;
use doris_thrift::types::{TBackend, TTabletCommitInfo, TUniqueId};

use crate::stats::{us, Latencies};

/// Durations of every RPC issued by the loop, by method.
#[derive(Debug, Default)]
pub struct RpcTimes {
    /// getBinlog calls.
    pub get_binlog: Vec<Duration>,
    /// beginTxn calls.
    pub begin_txn: Vec<Duration>,
    /// getMeta + getBackendMeta round (source and target), first transaction only.
    pub get_meta: Vec<Duration>,
    /// ingest_binlog calls (one per target tablet replica).
    pub ingest: Vec<Duration>,
    /// commitTxn calls.
    pub commit_txn: Vec<Duration>,
}

impl RpcTimes {
    /// Prints calls, mean, p50 and p99 per RPC.
    pub fn print(&self) {
        let head = ("rpc", "calls", "mean µs", "p50 µs", "p99 µs");
        println!(
            "{:<38} {:>7} {:>9} {:>9} {:>9}",
            head.0, head.1, head.2, head.3, head.4
        );
        let rows: [(&str, &Vec<Duration>); 5] = [
            ("getBinlog (source FE)", &self.get_binlog),
            ("beginTxn (target FE)", &self.begin_txn),
            ("ingest_binlog (target BE, per tablet)", &self.ingest),
            ("commitTxn (target FE)", &self.commit_txn),
            ("getMeta+getBackendMeta (first txn)", &self.get_meta),
        ];
        for (name, samples) in rows {
            let l = Latencies::new(samples.clone());
            let (mean, p50, p99) = (us(l.mean()), us(l.pct(50.0)), us(l.pct(99.0)));
            println!(
                "{name:<38} {:>7} {mean:>9.0} {p50:>9.0} {p99:>9.0}",
                l.count()
            );
        }
    }
}

/// What one [`ReplLoop::catch_up`] pass measured.
#[derive(Debug)]
pub struct CatchUp {
    /// Commit seq of the last binlog consumed.
    pub last_seq: i64,
    /// Latency of every replicated (UPSERT) transaction, getBinlog included.
    pub per_txn: Vec<Duration>,
    /// Wall time of the whole pass.
    pub elapsed: Duration,
}

/// One target tablet replica to fill from a source tablet.
#[derive(Debug, Clone)]
struct Ingest {
    src_tablet: i64,
    remote_host: String,
    remote_http_port: String,
    dst_partition: i64,
    dst_tablet: i64,
    dst_backend: i64,
    dst_addr: String,
}

/// Replicates UPSERT binlogs of one table from `src` to `dst`.
pub struct ReplLoop<'a> {
    src: &'a FeClient,
    dst: &'a FeClient,
    be: BeClient,
    /// (source db id, source table id, target db id, target table id).
    ids: (i64, i64, i64, i64),
    /// Source partition range → the tablets to ingest (filled by the first transaction).
    plan: Option<BTreeMap<String, Vec<Ingest>>>,
    /// Per-RPC timings.
    pub times: RpcTimes,
}

impl<'a> ReplLoop<'a> {
    /// A loop for the table `ids` = (src db, src table, dst db, dst table).
    pub fn new(src: &'a FeClient, dst: &'a FeClient, ids: (i64, i64, i64, i64)) -> Self {
        ReplLoop {
            src,
            dst,
            be: BeClient::new(BeOptions::default()),
            ids,
            plan: None,
            times: RpcTimes::default(),
        }
    }

    /// Replicates every binlog after `prev` until getBinlog says caught up, timing each
    /// replicated transaction.
    pub async fn catch_up(&mut self, mut prev: i64) -> anyhow::Result<CatchUp> {
        let mut per_txn = Vec::new();
        let start = Instant::now();
        loop {
            let t = Instant::now();
            let Some((seq, applied)) = self.step(prev).await? else {
                break;
            };
            prev = seq;
            if applied {
                per_txn.push(t.elapsed());
            }
        }
        Ok(CatchUp {
            last_seq: prev,
            per_txn,
            elapsed: start.elapsed(),
        })
    }

    /// Fetches the binlog after `prev` and applies it if it is an UPSERT. Returns the binlog's
    /// commit seq and whether a transaction was replicated; `None` when caught up.
    pub async fn step(&mut self, prev: i64) -> anyhow::Result<Option<(i64, bool)>> {
        let t = Instant::now();
        let req = TGetBinlogRequest {
            prev_commit_seq: Some(prev),
            ..Default::default()
        };
        let res = self.src.get_binlog(req).await?;
        self.times.get_binlog.push(t.elapsed());
        match res.status.as_ref().map(|s| s.status_code) {
            Some(TStatusCode::BINLOG_TOO_NEW_COMMIT_SEQ) => return Ok(None),
            Some(TStatusCode::OK) | None => {}
            Some(code) => bail!("getBinlog status {code:?}"),
        }
        let Some(binlog) = res.binlogs.unwrap_or_default().into_iter().next() else {
            return Ok(None);
        };
        let seq = binlog.commit_seq.context("binlog without commit seq")?;
        if binlog.type_ != Some(TBinlogType::UPSERT) {
            return Ok(Some((seq, false)));
        }
        self.apply_upsert(&binlog, seq).await?;
        Ok(Some((seq, true)))
    }

    /// beginTxn → ingest_binlog per tablet of every written partition → commitTxn.
    async fn apply_upsert(&mut self, binlog: &TBinlog, seq: i64) -> anyhow::Result<()> {
        let (_, src_table, _, dst_table) = self.ids;
        let record: serde_json::Value =
            serde_json::from_str(binlog.data.as_deref().context("UPSERT without data")?)?;
        let t = Instant::now();
        let label = format!("ccrj-bench:{src_table}:{dst_table}:{seq}");
        let begin = TBeginTxnRequest {
            table_ids: Some(vec![dst_table]),
            label: Some(label),
            ..Default::default()
        };
        let txn_id = match self.dst.begin_txn(begin).await? {
            BeginTxn::Started { txn_id } => txn_id,
            other => bail!("beginTxn {seq}: {other:?}"),
        };
        self.times.begin_txn.push(t.elapsed());
        if self.plan.is_none() {
            let t = Instant::now();
            self.plan = Some(self.build_plan().await?);
            self.times.get_meta.push(t.elapsed());
        }
        let parts = record["tableRecords"][src_table.to_string()]["partitionRecords"]
            .as_array()
            .context("UPSERT without partition records")?;
        let mut infos = Vec::new();
        for part in parts {
            let range = part["range"].as_str().context("partition range")?;
            let version = part["version"].as_i64().context("partition version")?;
            infos.extend(self.ingest_partition(range, version, txn_id).await?);
        }
        let t = Instant::now();
        let commit = TCommitTxnRequest {
            txn_id: Some(txn_id),
            commit_infos: Some(infos),
            ..Default::default()
        };
        self.dst.commit_txn(commit).await?;
        self.times.commit_txn.push(t.elapsed());
        Ok(())
    }

    async fn ingest_partition(
        &mut self,
        range: &str,
        version: i64,
        txn_id: i64,
    ) -> anyhow::Result<Vec<TTabletCommitInfo>> {
        let plan = self.plan.as_ref().context("plan")?;
        let targets = plan
            .get(range)
            .with_context(|| format!("no partition {range}"))?;
        let mut infos = Vec::with_capacity(targets.len());
        for i in targets {
            let req = TIngestBinlogRequest {
                txn_id: Some(txn_id),
                remote_tablet_id: Some(i.src_tablet),
                binlog_version: Some(version),
                remote_host: Some(i.remote_host.clone()),
                remote_port: Some(i.remote_http_port.clone()),
                partition_id: Some(i.dst_partition),
                local_tablet_id: Some(i.dst_tablet),
                load_id: Some(TUniqueId { hi: -1, lo: -1 }),
            };
            let t = Instant::now();
            self.be.ingest_binlog(&i.dst_addr, &req).await?;
            self.times.ingest.push(t.elapsed());
            infos.push(TTabletCommitInfo {
                tablet_id: i.dst_tablet,
                backend_id: i.dst_backend,
                invalid_dict_cols: None,
            });
        }
        Ok(infos)
    }

    /// getMeta and getBackendMeta on both sides: pairs tablets by partition range and id order.
    async fn build_plan(&self) -> anyhow::Result<BTreeMap<String, Vec<Ingest>>> {
        let (src_db, src_table, dst_db, dst_table) = self.ids;
        let src_meta = table_meta(self.src, src_db, src_table).await?;
        let dst_meta = table_meta(self.dst, dst_db, dst_table).await?;
        let src_bes = backends(self.src).await?;
        let dst_bes = backends(self.dst).await?;
        let dst_parts = partitions(&dst_meta)?;
        let mut plan = BTreeMap::new();
        for (range, (_, src_tablets)) in partitions(&src_meta)? {
            let (dst_pid, dst_tablets) = dst_parts.get(&range).context("partition on target")?;
            if src_tablets.len() != dst_tablets.len() {
                bail!("tablet counts differ in partition {range}");
            }
            let mut list = Vec::new();
            for (s, d) in src_tablets.iter().zip(dst_tablets) {
                let remote = src_bes.get(&s.1[0]).context("source backend")?;
                for be in &d.1 {
                    list.push(Ingest {
                        src_tablet: s.0,
                        remote_host: remote.host.clone(),
                        remote_http_port: remote.http_port.to_string(),
                        dst_partition: *dst_pid,
                        dst_tablet: d.0,
                        dst_backend: *be,
                        dst_addr: BeClient::addr_of(dst_bes.get(be).context("target backend")?),
                    });
                }
            }
            plan.insert(range, list);
        }
        Ok(plan)
    }
}

/// (tablet id, replica backend ids), sorted by tablet id.
type Tablets = Vec<(i64, Vec<i64>)>;

/// Partition range → (partition id, tablets of the base index).
fn partitions(meta: &TGetMetaTableMeta) -> anyhow::Result<BTreeMap<String, (i64, Tablets)>> {
    let mut out = BTreeMap::new();
    for p in meta.partitions.as_deref().unwrap_or_default() {
        let index = p
            .indexes
            .as_deref()
            .and_then(|i| i.first())
            .context("index")?;
        let mut tablets: Tablets = Vec::new();
        for t in index.tablets.as_deref().unwrap_or_default() {
            let bes = t
                .replicas
                .iter()
                .flatten()
                .filter_map(|r| r.backend_id)
                .collect();
            tablets.push((t.id.context("tablet id")?, bes));
        }
        tablets.sort_by_key(|t| t.0);
        if tablets.iter().any(|t| t.1.is_empty()) {
            bail!("tablet without replicas");
        }
        let range = p.range.clone().context("partition range")?;
        out.insert(range, (p.id.context("partition id")?, tablets));
    }
    Ok(out)
}

async fn table_meta(fe: &FeClient, db: i64, table: i64) -> anyhow::Result<TGetMetaTableMeta> {
    let req = TGetMetaRequest {
        db: Some(TGetMetaDB {
            id: Some(db),
            tables: Some(vec![TGetMetaTable {
                id: Some(table),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let res = fe.get_meta(req).await?;
    let tables = res.db_meta.and_then(|d| d.tables).unwrap_or_default();
    tables
        .into_iter()
        .next()
        .context("table missing from getMeta")
}

async fn backends(fe: &FeClient) -> anyhow::Result<BTreeMap<i64, TBackend>> {
    let res = fe
        .get_backend_meta(TGetBackendMetaRequest::default())
        .await?;
    Ok(res
        .backends
        .unwrap_or_default()
        .into_iter()
        .filter_map(|b| Some((b.id?, b)))
        .collect())
}
