//! Metadata lookups: db/table ids by name (`show proc`), table names by id, `getMeta`
//! trees, backends and the source master token. Ids by name are cached until
//! invalidated (after restores and DDL); backends and the token expire after a TTL so
//! BE topology changes are seen (unlike the original, §11.17). The getMeta trees of the
//! tables UPSERTs write are reused across consecutive UPSERTs (see [`TableMeta`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use doris_thrift::frontend_service::{
    TGetBackendMetaRequest, TGetMasterTokenRequest, TGetMetaDB, TGetMetaDBMeta, TGetMetaRequest,
    TGetMetaTable,
};
use doris_thrift::types::TBackend;
use parking_lot::Mutex;

use crate::doris::{quote_str, SqlClient};
use crate::engine::context::{JobCtx, Side};
use crate::engine::error::{doris_err, EngineError, EngineResult};

/// Backends by id.
pub type Backends = Arc<HashMap<i64, TBackend>>;

/// Cached lookups of one job.
pub struct MetaCache {
    ttl: Duration,
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    src_db_id: Option<i64>,
    src_table_id: Option<i64>,
    dest_db_id: Option<i64>,
    dest_tables: Option<BTreeMap<String, i64>>,
    src_backends: Option<(Instant, Backends)>,
    dest_backends: Option<(Instant, Backends)>,
    token: Option<(Instant, String)>,
    table_meta: Option<(Instant, TableMeta)>,
}

/// getMeta of the tables one UPSERT writes, on both sides, kept for the next UPSERTs of
/// the same tables so each does not pay two getMeta round trips. Dropped after the TTL,
/// on any DDL/restore (`invalidate_dest_tables`), any ingest failure, and whenever a
/// binlog names a partition or index it lacks; the source replica versions in it are
/// normalised by the ingest planner (a stale tree can only cause a failed, rolled-back
/// ingest that is retried on fresh metadata, never a wrong commit).
#[derive(Clone)]
pub struct TableMeta {
    /// Source table ids asked for.
    pub src_ids: Vec<i64>,
    /// Target table ids asked for.
    pub dest_ids: Vec<i64>,
    /// Source getMeta.
    pub src: Arc<TGetMetaDBMeta>,
    /// Target getMeta.
    pub dest: Arc<TGetMetaDBMeta>,
}

impl MetaCache {
    /// Empty cache; backends and token live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        MetaCache {
            ttl,
            inner: Mutex::new(CacheInner::default()),
        }
    }

    /// Forgets target table ids (after a restore, CREATE/DROP/RENAME TABLE).
    pub fn invalidate_dest_tables(&self) {
        let mut g = self.inner.lock();
        g.dest_tables = None;
        g.table_meta = None;
    }

    /// Forgets backends and token (after an ingest failure).
    pub fn invalidate_backends(&self) {
        let mut g = self.inner.lock();
        g.src_backends = None;
        g.dest_backends = None;
        g.table_meta = None;
    }

    /// Forgets the cached getMeta trees.
    pub fn invalidate_table_meta(&self) {
        self.inner.lock().table_meta = None;
    }

    /// The cached getMeta trees, if fresh and for exactly these tables.
    pub fn table_meta(&self, src_ids: &[i64], dest_ids: &[i64]) -> Option<TableMeta> {
        self.fresh(&self.inner.lock().table_meta)
            .filter(|m| m.src_ids == src_ids && m.dest_ids == dest_ids)
    }

    /// Remembers getMeta trees for the next UPSERTs.
    pub fn store_table_meta(&self, m: TableMeta) {
        self.inner.lock().table_meta = Some((Instant::now(), m));
    }

    fn fresh<T: Clone>(&self, slot: &Option<(Instant, T)>) -> Option<T> {
        slot.as_ref()
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }
}

/// `show proc '/dbs/'`: id of database `name` (also matches `default_cluster:<name>`).
pub async fn lookup_db_id(sql: &SqlClient, name: &str) -> EngineResult<Option<i64>> {
    let rows = sql
        .query("show proc '/dbs/'")
        .await
        .map_err(doris_err("show proc '/dbs/'"))?;
    let legacy = format!("default_cluster:{name}");
    for row in rows {
        let db = row
            .get_str("DbName")
            .map_err(doris_err("show proc '/dbs/'"))?;
        if db == name || db == legacy {
            return Ok(Some(row.get_i64("DbId").map_err(doris_err("DbId"))?));
        }
    }
    Ok(None)
}

/// `show proc '/dbs/<id>/'`: table name → id.
pub async fn list_tables(sql: &SqlClient, db_id: i64) -> EngineResult<BTreeMap<String, i64>> {
    let rows = sql
        .query(&format!("show proc '/dbs/{db_id}/'"))
        .await
        .map_err(doris_err("show proc '/dbs/<id>/'"))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let name = row.get_str("TableName").map_err(doris_err("TableName"))?;
        let id = row.get_i64("TableId").map_err(doris_err("TableId"))?;
        out.insert(name.to_string(), id);
    }
    Ok(out)
}

/// `show table <id>`: the table's name, `None` when it is gone.
pub async fn table_name_by_id(sql: &SqlClient, id: i64) -> EngineResult<Option<String>> {
    let rows = sql
        .query(&format!("show table {id}"))
        .await
        .map_err(doris_err("show table <id>"))?;
    Ok(rows
        .first()
        .and_then(|r| r.get_opt("TableName"))
        .filter(|n| !n.is_empty())
        .map(str::to_string))
}

/// `SHOW TABLES FROM db LIKE 'name'` is exact enough for our generated alias names.
pub async fn table_exists(side: &Side, name: &str) -> EngineResult<bool> {
    let db = crate::doris::quote_ident(&side.spec.database).map_err(doris_err("db name"))?;
    let rows = side
        .sql
        .query(&format!("SHOW TABLES FROM {db} LIKE {}", quote_str(name)))
        .await
        .map_err(doris_err("SHOW TABLES"))?;
    Ok(!rows.is_empty())
}

async fn db_id_of(side: &Side) -> EngineResult<i64> {
    lookup_db_id(&side.sql, &side.spec.database)
        .await?
        .ok_or_else(|| EngineError::fatal(format!("database {} not found", side.spec.database)))
}

impl JobCtx {
    /// Source db id (from the spec, else looked up once).
    pub async fn src_db_id(&self) -> EngineResult<i64> {
        if self.spec.src.db_id > 0 {
            return Ok(self.spec.src.db_id);
        }
        if let Some(id) = self.meta.inner.lock().src_db_id {
            return Ok(id);
        }
        let id = db_id_of(&self.src).await?;
        self.meta.inner.lock().src_db_id = Some(id);
        Ok(id)
    }

    /// Target db id (looked up once).
    pub async fn dest_db_id(&self) -> EngineResult<i64> {
        if let Some(id) = self.meta.inner.lock().dest_db_id {
            return Ok(id);
        }
        let id = db_id_of(&self.dest).await?;
        self.meta.inner.lock().dest_db_id = Some(id);
        Ok(id)
    }

    /// Source table id of a table job (spec, else by name once: ids survive renames).
    pub async fn src_table_id(&self) -> EngineResult<i64> {
        if self.spec.src.table_id > 0 {
            return Ok(self.spec.src.table_id);
        }
        if let Some(id) = self.meta.inner.lock().src_table_id {
            return Ok(id);
        }
        let db = self.src_db_id().await?;
        let tables = list_tables(&self.src.sql, db).await?;
        let id = tables.get(&self.spec.src.table).copied().ok_or_else(|| {
            EngineError::Block(format!(
                "source table {}.{} not found",
                self.spec.src.database, self.spec.src.table
            ))
        })?;
        self.meta.inner.lock().src_table_id = Some(id);
        Ok(id)
    }

    /// Target table ids by name (cached until invalidated).
    pub async fn dest_tables(&self) -> EngineResult<BTreeMap<String, i64>> {
        if let Some(t) = self.meta.inner.lock().dest_tables.clone() {
            return Ok(t);
        }
        let db = self.dest_db_id().await?;
        let tables = list_tables(&self.dest.sql, db).await?;
        self.meta.inner.lock().dest_tables = Some(tables.clone());
        Ok(tables)
    }

    /// Target table id of `name`, if it exists.
    pub async fn dest_table_id(&self, name: &str) -> EngineResult<Option<i64>> {
        Ok(self.dest_tables().await?.get(name).copied())
    }

    /// getMeta of `tables` in db `db_id` on `side`.
    pub async fn get_meta(
        &self,
        side: &Side,
        db_id: i64,
        tables: &[i64],
    ) -> EngineResult<TGetMetaDBMeta> {
        let want = tables
            .iter()
            .map(|id| TGetMetaTable {
                id: Some(*id),
                ..Default::default()
            })
            .collect();
        let req = TGetMetaRequest {
            db: Some(TGetMetaDB {
                id: Some(db_id),
                tables: Some(want),
                ..Default::default()
            }),
            ..Default::default()
        };
        let res = side.fe.get_meta(req).await.map_err(doris_err("getMeta"))?;
        res.db_meta
            .ok_or_else(|| EngineError::fatal(format!("getMeta: database id {db_id} not found")))
    }

    /// Backends of the source (`src = true`) or target cluster, by id.
    pub async fn backends(&self, src: bool) -> EngineResult<Backends> {
        let cached = {
            let g = self.meta.inner.lock();
            self.meta.fresh(if src {
                &g.src_backends
            } else {
                &g.dest_backends
            })
        };
        if let Some(b) = cached {
            return Ok(b);
        }
        let side = if src { &self.src } else { &self.dest };
        let res = side
            .fe
            .get_backend_meta(TGetBackendMetaRequest::default())
            .await
            .map_err(doris_err("getBackendMeta"))?;
        let map: HashMap<i64, TBackend> = res
            .backends
            .unwrap_or_default()
            .into_iter()
            .filter_map(|b| b.id.map(|id| (id, b)))
            .collect();
        let map = Arc::new(map);
        let mut g = self.meta.inner.lock();
        let slot = if src {
            &mut g.src_backends
        } else {
            &mut g.dest_backends
        };
        *slot = Some((Instant::now(), map.clone()));
        Ok(map)
    }

    /// The source cluster's master token (for snapshot downloads), refreshed after TTL.
    pub async fn master_token(&self) -> EngineResult<String> {
        if let Some(t) = self.meta.fresh(&self.meta.inner.lock().token) {
            return Ok(t);
        }
        let res = self
            .src
            .fe
            .get_master_token(TGetMasterTokenRequest::default())
            .await
            .map_err(doris_err("getMasterToken"))?;
        let token = res
            .token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| EngineError::fatal("getMasterToken returned no token"))?;
        self.meta.inner.lock().token = Some((Instant::now(), token.clone()));
        Ok(token)
    }
}
