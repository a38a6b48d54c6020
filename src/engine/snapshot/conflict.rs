//! Conflicts around a snapshot: leftover backups on the source
//! (`feature_cancel_conflict_backup_restore_job`) and target tables whose schema differs
//! from the snapshot when restoring into an alias is switched off
//! (`feature_replace_not_matched_with_alias = false`).

use crate::doris::{quote_ident, DorisError};
use crate::engine::context::JobCtx;
use crate::engine::error::{doris_err, EngineError, EngineResult};

/// `s` with every character a snapshot label cannot hold replaced by `_` (the db and
/// table parts of `ccrs_` / `ccrp_` snapshot names).
pub fn label_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// True when a `SHOW BACKUP` row (snapshot `name`, `state`) is a backup this syncer
/// issued for source db `db` (`ccrs_<db>_…` full, `ccrp_<db>_…` partial) that is still
/// running.
pub fn conflicting_backup(db: &str, name: &str, state: &str) -> bool {
    let db = label_part(db);
    let ours = ["ccrs", "ccrp"]
        .iter()
        .any(|p| name.starts_with(&format!("{p}_{db}_")));
    let state = state.to_ascii_uppercase();
    ours && state != "FINISHED" && state != "CANCELLED"
}

/// Cancels a running syncer-issued backup of the source db, so the BACKUP about to be
/// issued does not wait for it (Doris runs one backup/restore per db at a time). A
/// backup of another job of the same db counts too: that job sees it CANCELLED and
/// takes a new snapshot.
pub async fn cancel_conflicting_backups(ctx: &JobCtx) -> EngineResult<()> {
    let db = &ctx.spec.src.database;
    let q = quote_ident(db).map_err(doris_err("db name"))?;
    let rows = ctx
        .guard(async {
            let sql = format!("SHOW BACKUP FROM {q}");
            ctx.src
                .sql
                .query(&sql)
                .await
                .map_err(doris_err("SHOW BACKUP"))
        })
        .await?;
    let running: Vec<String> = rows
        .iter()
        .map(|r| {
            let name = r.get_opt("SnapshotName").unwrap_or_default();
            let state = r.get_opt("State").unwrap_or_default();
            (name.to_string(), conflicting_backup(db, name, state))
        })
        .filter_map(|(name, hit)| hit.then_some(name))
        .collect();
    if running.is_empty() {
        return Ok(());
    }
    tracing::warn!(job = %ctx.spec.name, ?running, "cancelling conflicting backup");
    let res = ctx
        .guard(async { Ok(ctx.src.sql.exec(&format!("CANCEL BACKUP FROM {q}")).await) })
        .await?;
    match res {
        Ok(_) => Ok(()),
        // It finished (or was cancelled) in the meantime: nothing left to cancel.
        Err(e) if no_running_job(&e) => Ok(()),
        Err(e) => Err(EngineError::doris("CANCEL BACKUP", e)),
    }
}

fn no_running_job(e: &DorisError) -> bool {
    e.to_string()
        .to_ascii_lowercase()
        .contains("no backup job is currently running")
}

/// Drops target table `name` whose schema differs from the snapshot, so the restore
/// that follows recreates it (no FORCE: it stays recoverable from the recycle bin).
pub async fn drop_conflicting_table(ctx: &JobCtx, name: &str) -> EngineResult<()> {
    let q = |s: &str| quote_ident(s).map_err(doris_err("identifier"));
    let sql = format!(
        "DROP TABLE IF EXISTS {}.{}",
        q(&ctx.spec.dest.database)?,
        q(name)?
    );
    tracing::warn!(job = %ctx.spec.name, table = %name, "schema differs: dropping the target table");
    ctx.guard(async {
        ctx.dest
            .sql
            .exec(&sql)
            .await
            .map_err(doris_err("DROP TABLE"))
    })
    .await?;
    ctx.meta.invalidate_dest_tables();
    Ok(())
}
