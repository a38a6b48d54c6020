//! The two `doris-emu` clusters (source and target), each with a SQL client that survives
//! the emulator's restarts (same ports).

use std::path::PathBuf;
use std::sync::Arc;

use ccr_syncer::doris::{ClusterSpec, Secret, SqlClient, SqlOptions, SqlRow};
use doris_emu::testing::{EmuOptions, EmuProcess};
use parking_lot::Mutex;
use serde_json::{json, Value};

/// One emulated cluster.
#[derive(Clone)]
pub struct Emu {
    /// `src` or `dst`, for the timeline.
    pub name: &'static str,
    proc_: Arc<Mutex<EmuProcess>>,
    /// SQL client (no default database).
    pub sql: SqlClient,
    query_port: u16,
    rpc_port: u16,
}

impl Emu {
    /// Starts an emulator with catalog ids from `id_base` and binlog GC only when forced.
    pub async fn start(
        name: &'static str,
        dir: PathBuf,
        id_base: i64,
        be_id_base: i64,
    ) -> anyhow::Result<Emu> {
        std::fs::create_dir_all(&dir)?;
        let binary = sibling("doris-emu");
        let opts = EmuOptions {
            be_count: 2,
            data_dir: Some(dir),
            id_base: Some(id_base),
            be_id_base: Some(be_id_base),
            binlog_gc_interval: Some(std::time::Duration::ZERO),
            binary: binary.filter(|b| b.exists()),
            ..Default::default()
        };
        let p = tokio::task::spawn_blocking(move || EmuProcess::start(opts)).await??;
        let (query_port, rpc_port) = (p.query_port(), p.rpc_port());
        let spec = ClusterSpec {
            host: "127.0.0.1".into(),
            port: query_port.to_string(),
            thrift_port: rpc_port.to_string(),
            user: "root".into(),
            password: Secret::new(""),
            database: "x".into(),
            ..Default::default()
        };
        let sql = SqlClient::new(&spec, None, SqlOptions::default())?;
        Ok(Emu {
            name,
            proc_: Arc::new(Mutex::new(p)),
            sql,
            query_port,
            rpc_port,
        })
    }

    /// The `src`/`dest` object of a `/create_ccr` body.
    pub fn side(&self, db: &str, table: &str) -> Value {
        json!({"host": "127.0.0.1", "port": self.query_port.to_string(),
               "thrift_port": self.rpc_port.to_string(), "user": "root", "password": "",
               "database": db, "table": table})
    }

    /// Runs a blocking admin call on the process.
    async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut EmuProcess) -> R + Send + 'static,
    ) -> anyhow::Result<R> {
        let p = self.proc_.clone();
        Ok(tokio::task::spawn_blocking(move || f(&mut p.lock())).await?)
    }

    /// SIGKILL and start again on the same data dir and ports.
    pub async fn restart(&self) -> anyhow::Result<()> {
        self.blocking(|p| p.restart()).await??;
        Ok(())
    }

    /// Installs a fault rule (JSON, see the emulator's README).
    pub async fn set_fault(&self, rule: String) -> anyhow::Result<()> {
        self.blocking(move |p| p.set_fault(&rule))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    /// Removes every fault rule.
    pub async fn clear_faults(&self) -> anyhow::Result<()> {
        self.blocking(|p| p.clear_faults())
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    /// Forces a binlog GC of `db` up to its newest binlog.
    pub async fn gc_binlog(&self, db: String) -> anyhow::Result<()> {
        self.blocking(move |p| p.gc_binlog(Some(&db)))
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    /// Whether the process runs.
    pub async fn is_running(&self) -> bool {
        self.blocking(|p| p.is_running()).await.unwrap_or(false)
    }
}

/// Rows of `q` as text (NULL = "NULL"), or `None` if the query fails.
pub async fn rows(c: &SqlClient, q: &str) -> Option<Vec<Vec<String>>> {
    let rows = c.query(q).await.ok()?;
    let text = |r: &SqlRow| {
        r.columns()
            .iter()
            .map(|col| r.get_opt(col).unwrap_or("NULL").to_string())
            .collect()
    };
    Some(rows.iter().map(text).collect())
}

/// `name` next to the running executable (`target/<profile>/name`).
pub fn sibling(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    // Test executables live in `deps/`, binaries one level up.
    let dir = if dir.ends_with("deps") {
        dir.parent()?
    } else {
        dir
    };
    Some(dir.join(name))
}
