//! [`ClusterOps`] against real Doris clusters.

use super::checks;
use super::{ClusterOps, CreateError, Lag};
use crate::doris::http::BeHttpClient;
use crate::doris::sql::SqlOptions;
use crate::doris::{quote_ident, ClusterSpec, FeClient, FeOptions, SqlClient};
use crate::job::progress::unix_now;
use crate::job::{JobSpec, SyncType};
use async_trait::async_trait;
use doris_thrift::frontend_service::TGetBinlogRequest;
use std::time::Duration;

/// Talks to the clusters named in each job spec.
#[derive(Debug, Clone)]
pub struct DorisClusterOps {
    sql: SqlOptions,
    http_timeout: Duration,
}

impl Default for DorisClusterOps {
    fn default() -> Self {
        DorisClusterOps {
            sql: SqlOptions::default(),
            http_timeout: Duration::from_secs(10),
        }
    }
}

fn sql_client(spec: &ClusterSpec, opts: &SqlOptions) -> Result<SqlClient, CreateError> {
    SqlClient::new(spec, None, opts.clone()).map_err(CreateError::doris("connect"))
}

impl DorisClusterOps {
    async fn prepare_src(
        &self,
        spec: &mut JobSpec,
        http: &BeHttpClient,
    ) -> Result<(), CreateError> {
        let sql = sql_client(&spec.src, &self.sql)?;
        let src = &mut spec.src;
        src.frontends.extend(checks::frontends(&sql).await?);
        checks::binlog_feature(&sql, http, src).await?;
        if !checks::db_exists(&sql, &src.database).await? {
            return Err(CreateError::Check(format!(
                "source database {} does not exist",
                quote_ident(&src.database).unwrap_or_default()
            )));
        }
        if src.table.is_empty() {
            checks::db_binlog_on(&sql, &src.database).await?;
        }
        src.db_id = checks::db_id(&sql, &src.database).await?;
        if !src.table.is_empty() {
            checks::table_binlog_on(&sql, &src.database, &src.table).await?;
            src.table_id = checks::table_id(&sql, src.db_id, &src.table)
                .await?
                .unwrap_or(0);
        }
        Ok(())
    }

    async fn prepare_dest(
        &self,
        spec: &mut JobSpec,
        http: &BeHttpClient,
    ) -> Result<(), CreateError> {
        let sql = sql_client(&spec.dest, &self.sql)?;
        let allow_exists = spec.allow_table_exists;
        let dest = &mut spec.dest;
        dest.frontends.extend(checks::frontends(&sql).await?);
        checks::binlog_feature(&sql, http, dest).await?;
        let db = quote_ident(&dest.database).map_err(|e| CreateError::Check(e.to_string()))?;
        if !checks::db_exists(&sql, &dest.database).await? {
            let stmt = format!("CREATE DATABASE IF NOT EXISTS {db}");
            sql.exec(&stmt)
                .await
                .map_err(CreateError::doris("create target database"))?;
        }
        dest.db_id = checks::db_id(&sql, &dest.database).await?;
        if dest.table.is_empty() {
            return Ok(());
        }
        let existing = checks::table_id(&sql, dest.db_id, &dest.table).await?;
        if existing.is_some() && !allow_exists {
            return Err(CreateError::Check(format!(
                "target table {db}.{} already exists: drop it, or create the job with \"allow_table_exists\": true",
                quote_ident(&dest.table).unwrap_or_default()
            )));
        }
        dest.table_id = existing.unwrap_or(0);
        Ok(())
    }
}

#[async_trait]
impl ClusterOps for DorisClusterOps {
    async fn prepare(&self, spec: &mut JobSpec) -> Result<(), CreateError> {
        let http =
            BeHttpClient::new(self.http_timeout).map_err(CreateError::doris("http client"))?;
        self.prepare_src(spec, &http).await?;
        self.prepare_dest(spec, &http).await
    }

    async fn desync(&self, spec: &JobSpec) -> Result<(), CreateError> {
        let sql = sql_client(&spec.dest, &self.sql)?;
        let tables = match spec.sync_type() {
            SyncType::Table => vec![spec.dest.table.clone()],
            SyncType::Db => {
                let id = checks::db_id(&sql, &spec.dest.database).await?;
                checks::table_names(&sql, id).await?
            }
        };
        let db = quote_ident(&spec.dest.database).map_err(|e| CreateError::Check(e.to_string()))?;
        let mut failed = Vec::new();
        for t in &tables {
            let Ok(qt) = quote_ident(t) else { continue };
            let stmt = format!("ALTER TABLE {db}.{qt} SET (\"is_being_synced\" = \"false\")");
            if let Err(e) = sql.exec(&stmt).await {
                tracing::warn!(job = %spec.name, table = %t, error = %e, "desync failed");
                failed.push(t.clone());
            }
        }
        if failed.is_empty() {
            return Ok(());
        }
        Err(CreateError::Check(format!(
            "failed tables: {}",
            failed.join(",")
        )))
    }

    async fn binlog_lag(&self, spec: &JobSpec, commit_seq: i64) -> Result<Lag, CreateError> {
        let fe = FeClient::new(&spec.src, FeOptions::default())
            .map_err(CreateError::doris("connect"))?;
        let req = TGetBinlogRequest::new(
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            Some(commit_seq),
            None,
            None,
        );
        let res = fe
            .get_binlog_lag(req)
            .await
            .map_err(CreateError::doris("getBinlogLag"))?;
        let binlogs = res.lag.unwrap_or(0).max(0);
        // Newer FEs report the timestamp (ms) of the first binlog after commit_seq.
        let seconds = if binlogs == 0 {
            Some(0)
        } else {
            res.next_binlog_timestamp
                .filter(|ts| *ts > 0)
                .map(|ts| (unix_now() - ts / 1000).max(0))
        };
        Ok(Lag { binlogs, seconds })
    }
}
