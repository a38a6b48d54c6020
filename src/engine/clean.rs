//! After a db job's full-sync restore: drop the target tables that an earlier CCR restore
//! created (`"is_being_synced" = "true"`) and that the snapshot no longer has, i.e. tables
//! dropped or renamed on the source since. Without this a re-done full sync (TOO_OLD,
//! forced) leaves them on the target forever.
//!
//! Views and tables without the property (made by hand on the target) are never touched.
//! Doris' own `clean_tables` restore switch is no substitute: it drops views and user
//! tables as well (`feature_clean_table_and_partitions`, off by default).
//!
//! Idempotent (`DROP TABLE IF EXISTS ... FORCE`): a crash before the checkpoint redoes it.

use std::collections::BTreeSet;

use crate::doris::{quote_ident, SqlClient};
use crate::engine::context::JobCtx;
use crate::engine::error::{doris_err, EngineResult};

/// Drops the stale synced tables of the target db; `snapshot` holds the snapshot's table
/// names (job_info `backup_objects`). Returns the dropped names.
pub async fn drop_stale_tables(ctx: &JobCtx, snapshot: &[String]) -> EngineResult<Vec<String>> {
    if snapshot.is_empty() {
        // No snapshot names recorded (older progress): never guess, keep everything.
        return Ok(Vec::new());
    }
    let keep: BTreeSet<&str> = snapshot.iter().map(String::as_str).collect();
    let db_id = ctx.dest_db_id().await?;
    let sql = &ctx.dest.sql;
    let candidates = ctx.guard(olap_tables(sql, db_id)).await?;
    let mut dropped = Vec::new();
    for name in candidates.iter().filter(|n| !keep.contains(n.as_str())) {
        let full = qualified(&ctx.spec.dest.database, name)?;
        if !ctx.guard(being_synced(sql, &full)).await? {
            continue;
        }
        tracing::info!(job = %ctx.spec.name, table = %name,
            "dropping a synced target table the source no longer has");
        let drop = format!("DROP TABLE IF EXISTS {full} FORCE");
        ctx.guard(async { sql.exec(&drop).await.map_err(doris_err("DROP TABLE")) })
            .await?;
        dropped.push(name.clone());
    }
    if !dropped.is_empty() {
        ctx.meta.invalidate_dest_tables();
    }
    Ok(dropped)
}

fn qualified(db: &str, table: &str) -> EngineResult<String> {
    let q = |s: &str| quote_ident(s).map_err(doris_err("identifier"));
    Ok(format!("{}.{}", q(db)?, q(table)?))
}

/// `show proc '/dbs/<id>/'`: names of the OLAP tables (views and other kinds left out).
async fn olap_tables(sql: &SqlClient, db_id: i64) -> EngineResult<Vec<String>> {
    let rows = sql
        .query(&format!("show proc '/dbs/{db_id}/'"))
        .await
        .map_err(doris_err("show proc '/dbs/<id>/'"))?;
    Ok(rows
        .iter()
        .filter(|r| {
            r.get_opt("Type")
                .is_some_and(|t| t.eq_ignore_ascii_case("OLAP"))
        })
        .filter_map(|r| r.get_opt("TableName").map(str::to_string))
        .collect())
}

/// Whether `SHOW CREATE TABLE` of `full` shows `"is_being_synced" = "true"`.
async fn being_synced(sql: &SqlClient, full: &str) -> EngineResult<bool> {
    let rows = sql
        .query(&format!("SHOW CREATE TABLE {full}"))
        .await
        .map_err(doris_err("SHOW CREATE TABLE"))?;
    Ok(rows
        .first()
        .and_then(|r| r.get_opt("Create Table"))
        .is_some_and(has_being_synced))
}

/// True when a CREATE TABLE text sets `"is_being_synced" = "true"` (any spacing).
pub fn has_being_synced(create: &str) -> bool {
    let flat: String = create.chars().filter(|c| !c.is_whitespace()).collect();
    flat.to_ascii_lowercase()
        .contains("\"is_being_synced\"=\"true\"")
}

#[cfg(test)]
mod tests {
    use super::has_being_synced;

    #[test]
    fn reads_the_property() {
        let on = "CREATE TABLE `t` (\n`k` int\n) ENGINE=OLAP\nPROPERTIES (\n\"is_being_synced\" = \"true\",\n\"light_schema_change\" = \"true\"\n);";
        assert!(has_being_synced(on));
        assert!(!has_being_synced(&on.replace("\"true\",", "\"false\",")));
        assert!(!has_being_synced("CREATE TABLE `t` (`k` int) ENGINE=OLAP"));
    }
}
