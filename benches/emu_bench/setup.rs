//! Part b setup: two emulators, a binlog-enabled table on the source, fully copied to the
//! target by BACKUP → getSnapshot → restoreSnapshot (as in tests/t10_manual_replication.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use ccr_syncer::doris::{ClusterSpec, FeClient, FeOptions, SqlClient, SqlOptions};
use doris_emu::testing::{EmuOptions, EmuProcess};
use doris_thrift::frontend_service::{
    TGetBackendMetaRequest, TGetMasterTokenRequest, TGetSnapshotRequest, TRestoreSnapshotRequest,
    TSnapshotType,
};

/// Database of the replication benchmark.
pub const DB: &str = "bench_repl";
/// Table of the replication benchmark.
pub const TABLE: &str = "orders";

/// The release emulator: `$DORIS_EMU_BIN`, else `target/release/doris-emu`; the error
/// names `script`, which builds it.
pub fn emu_binary(script: &str) -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("DORIS_EMU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/doris-emu")
        });
    if !path.is_file() {
        bail!(
            "{} not found: run `cargo build --release -p doris-emu` ({script} does)",
            path.display()
        );
    }
    Ok(path)
}

/// Starts the source (ids from 10 000) and the target (ids from 50 000), one BE each.
pub fn start_pair(binary: &Path) -> anyhow::Result<(Side, Side)> {
    Ok((
        Side::start(binary, 10_000, 1)?,
        Side::start(binary, 50_000, 1)?,
    ))
}

/// A source table fully copied to the target, ready for the raw replication loop.
pub struct CopiedPair {
    /// Source.
    pub src: Side,
    /// Target.
    pub dst: Side,
    /// (src db, src table, dst db, dst table).
    pub ids: (i64, i64, i64, i64),
    /// Commit seq the target is at.
    pub prev: i64,
}

impl CopiedPair {
    /// Starts the emulators ([`start_pair`]), creates the source table and copies it.
    pub async fn start(binary: &Path) -> anyhow::Result<CopiedPair> {
        let (src, dst) = start_pair(binary)?;
        create_source_table(&src).await?;
        let src_table = src.table_id().await?;
        let prev = full_copy(&src, &dst, src_table).await?;
        let ids = (
            src.db_id().await?,
            src_table,
            dst.db_id().await?,
            dst.table_id().await?,
        );
        Ok(CopiedPair {
            src,
            dst,
            ids,
            prev,
        })
    }
}

/// The target must hold exactly the source's rows (a benchmark of something broken is no
/// benchmark); `what` names what replicated.
pub async fn check_same_count(src: &Side, dst: &Side, what: &str) -> anyhow::Result<()> {
    let sql = format!("SELECT COUNT(*) AS n FROM `{DB}`.`{TABLE}`");
    let count = |rows: Vec<ccr_syncer::doris::SqlRow>| -> anyhow::Result<i64> {
        Ok(rows.first().context("count row")?.get_i64("n")?)
    };
    let (s, d) = (
        count(src.sql.query(&sql).await?)?,
        count(dst.sql.query(&sql).await?)?,
    );
    if s != d {
        bail!("target has {d} rows, source {s}: {what} is broken");
    }
    Ok(())
}

/// One emulated cluster with the clients a syncer would hold for it.
pub struct Side {
    /// The emulator process (killed on drop).
    pub emu: EmuProcess,
    /// FE Thrift client.
    pub fe: FeClient,
    /// SQL client.
    pub sql: SqlClient,
}

impl Side {
    /// Starts a release emulator with `be_count` BEs and ids from `id_base`.
    pub fn start(binary: &Path, id_base: i64, be_count: usize) -> anyhow::Result<Side> {
        let emu = EmuProcess::start(EmuOptions {
            be_count,
            id_base: Some(id_base),
            binary: Some(binary.to_path_buf()),
            ..Default::default()
        })?;
        let spec = ClusterSpec {
            host: "127.0.0.1".into(),
            port: emu.query_port().to_string(),
            thrift_port: emu.rpc_port().to_string(),
            user: "root".into(),
            database: DB.into(),
            table: TABLE.into(),
            ..Default::default()
        };
        let fe = FeClient::new(&spec, FeOptions::default())?;
        let sql = SqlClient::new(&spec, None, SqlOptions::default())?;
        Ok(Side { emu, fe, sql })
    }

    /// Runs one statement.
    pub async fn exec(&self, sql: &str) -> anyhow::Result<()> {
        self.sql
            .exec(sql)
            .await
            .with_context(|| format!("`{sql}`"))?;
        Ok(())
    }

    /// The database id (from `show proc '/dbs/'`).
    pub async fn db_id(&self) -> anyhow::Result<i64> {
        let rows = self.sql.query("show proc '/dbs/'").await?;
        let row = rows
            .iter()
            .find(|r| r.get_str("DbName").ok() == Some(DB))
            .ok_or_else(|| anyhow!("db {DB} not listed"))?;
        Ok(row.get_i64("DbId")?)
    }

    /// The table id (from `show proc '/dbs/<id>/'`).
    pub async fn table_id(&self) -> anyhow::Result<i64> {
        let db_id = self.db_id().await?;
        let rows = self
            .sql
            .query(&format!("show proc '/dbs/{db_id}/'"))
            .await?;
        let row = rows
            .iter()
            .find(|r| r.get_str("TableName").ok() == Some(TABLE))
            .ok_or_else(|| anyhow!("table {TABLE} not listed"))?;
        Ok(row.get_i64("TableId")?)
    }

    /// Polls `SHOW {kind}` until the job named by `filter` is FINISHED.
    async fn wait_finished(&self, kind: &str, filter: &str) -> anyhow::Result<()> {
        let show = format!("SHOW {kind} FROM `{DB}` WHERE {filter}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let rows = self.sql.query(&show).await?;
            let state = rows
                .first()
                .and_then(|r| r.get_str("State").ok())
                .unwrap_or("");
            match state {
                "FINISHED" => return Ok(()),
                "CANCELLED" => bail!("{kind} cancelled"),
                _ if Instant::now() > deadline => bail!("{kind} not finished after 60 s"),
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
}

/// Creates the source table: UNIQUE KEY, one partition, 3 buckets, binlog enabled.
pub async fn create_source_table(src: &Side) -> anyhow::Result<()> {
    src.exec(&format!(
        "CREATE DATABASE `{DB}` PROPERTIES (\"binlog.enable\" = \"true\")"
    ))
    .await?;
    src.exec(&format!(
        "CREATE TABLE `{DB}`.`{TABLE}` (id BIGINT NOT NULL, v BIGINT NULL, note VARCHAR(32) NULL) \
         UNIQUE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 3 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")"
    ))
    .await?;
    src.exec(&format!(
        "INSERT INTO `{DB}`.`{TABLE}` VALUES (1, 1, 'seed'), (2, 2, 'seed')"
    ))
    .await
}

/// BACKUP on the source then restore on the target; returns the commit seq to resume after.
pub async fn full_copy(src: &Side, dst: &Side, src_table_id: i64) -> anyhow::Result<i64> {
    let snapshot = "ccrs_bench_1";
    src.exec(&format!(
        "BACKUP SNAPSHOT `{DB}`.`{snapshot}` TO `__keep_on_local__` ON ( `{TABLE}` ) \
         PROPERTIES (\"type\" = \"full\")"
    ))
    .await?;
    src.wait_finished("BACKUP", &format!("SnapshotName = \"{snapshot}\""))
        .await?;
    let snap = src
        .fe
        .get_snapshot(TGetSnapshotRequest {
            label_name: Some(snapshot.into()),
            snapshot_name: Some(String::new()),
            snapshot_type: Some(TSnapshotType::LOCAL),
            ..Default::default()
        })
        .await?;
    let mut job_info: serde_json::Value =
        serde_json::from_slice(snap.job_info.as_deref().context("job_info")?)?;
    let resume = job_info["table_commit_seq_map"][src_table_id.to_string()]
        .as_i64()
        .context("table_commit_seq_map lacks the table")?;
    job_info["extra_info"] = extra_info(src).await?;
    dst.exec(&format!("CREATE DATABASE IF NOT EXISTS `{DB}`"))
        .await?;
    let label = format!("{snapshot}_r_1");
    dst.fe
        .restore_snapshot(TRestoreSnapshotRequest {
            label_name: Some(label.clone()),
            repo_name: Some("__keep_on_local__".into()),
            properties: Some(BTreeMap::from([("reserve_replica".into(), "true".into())])),
            meta: snap.meta.clone(),
            job_info: Some(serde_json::to_vec(&job_info)?),
            atomic_restore: Some(true),
            ..Default::default()
        })
        .await?;
    dst.wait_finished("RESTORE", &format!("Label = \"{label}\""))
        .await?;
    Ok(resume)
}

/// What the syncer adds to job_info so the target BEs can pull from the source BEs.
async fn extra_info(src: &Side) -> anyhow::Result<serde_json::Value> {
    let token = src
        .fe
        .get_master_token(TGetMasterTokenRequest::default())
        .await?
        .token
        .context("master token")?;
    let backends = src
        .fe
        .get_backend_meta(TGetBackendMetaRequest::default())
        .await?
        .backends
        .unwrap_or_default();
    let map: serde_json::Map<String, serde_json::Value> = backends
        .iter()
        .filter_map(|b| {
            let id = b.id?.to_string();
            Some((id, serde_json::json!({"ip": b.host, "port": b.http_port})))
        })
        .collect();
    Ok(serde_json::json!({"be_network_map": map, "token": token}))
}
