//! The `[features]` switches that change DDL replay, applied to a planned decision (the
//! planner itself encodes the defaults):
//! - `feature_schema_change_partial_sync = false`: a finished SCHEMA_CHANGE drops the
//!   target table and starts a full sync instead of re-copying the table (§5.3 ALTER_JOB).
//! - `feature_create_view_drop_exists = false`: CREATE VIEW is replayed without dropping
//!   an existing target view first; an existing view then reads as "already applied" and
//!   is kept as it is.

use super::{DdlContext, DdlDecision, DdlError};
use crate::config::FeatureFlags;
use crate::engine::records::{AlterJobRecord, BinlogRecord};
use crate::job::SyncType;

/// `decision` (from [`super::plan`] for `rec`) adjusted to the switches in `f`.
pub fn apply_features(
    ctx: &DdlContext,
    rec: &BinlogRecord,
    decision: DdlDecision,
    f: &FeatureFlags,
) -> DdlDecision {
    match (rec, decision) {
        (BinlogRecord::AlterJob(r), DdlDecision::PartialSync { .. })
            if r.is_schema_change() && !f.feature_schema_change_partial_sync =>
        {
            schema_change_full_sync(ctx, r).unwrap_or_else(|e| DdlDecision::Block(e.to_string()))
        }
        (BinlogRecord::CreateTable(r), DdlDecision::Execute(stmts))
            if r.is_view() && !f.feature_create_view_drop_exists =>
        {
            DdlDecision::Execute(
                stmts
                    .into_iter()
                    .filter(|s| !s.starts_with("DROP VIEW IF EXISTS "))
                    .collect(),
            )
        }
        (_, d) => d,
    }
}

/// Drop the target table of a finished schema change, then full sync (the original's
/// behaviour with partial sync of schema changes switched off).
fn schema_change_full_sync(ctx: &DdlContext, r: &AlterJobRecord) -> Result<DdlDecision, DdlError> {
    let name = match ctx.sync_type {
        SyncType::Table => ctx.dest_table.clone(),
        SyncType::Db => ctx
            .dest_name(r.table_id, &r.table_name)
            .ok_or(DdlError::UnknownTable(r.table_id))?,
    };
    Ok(DdlDecision::DropThenFullSync {
        statements: vec![format!(
            "DROP TABLE IF EXISTS {} FORCE",
            ctx.qualified(&name)?
        )],
        reason: format!(
            "schema change job {} on `{}` finished and \
             feature_schema_change_partial_sync is off",
            r.job_id, r.table_name
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ctx(sync_type: SyncType) -> DdlContext {
        DdlContext {
            sync_type,
            src_db: "s".into(),
            dest_db: "d".into(),
            src_table: "t".into(),
            dest_table: "t2".into(),
            dest_names: BTreeMap::from([(2, "order".to_string())]),
        }
    }

    fn decide(ctx: &DdlContext, code: i32, data: &str, f: &FeatureFlags) -> DdlDecision {
        let rec = BinlogRecord::parse(code, data).expect("record");
        apply_features(ctx, &rec, super::super::plan(ctx, &rec), f)
    }

    const SC: &str = r#"{"type":"SCHEMA_CHANGE","dbId":1,"tableId":2,"tableName":"order","jobId":3,"jobState":"FINISHED","rawSql":"","iim":{"20":10}}"#;

    #[test]
    fn schema_change_partial_sync_flag() {
        let on = FeatureFlags::default();
        let off = FeatureFlags {
            feature_schema_change_partial_sync: false,
            ..on.clone()
        };
        let db = ctx(SyncType::Db);
        assert!(matches!(
            decide(&db, 5, SC, &on),
            DdlDecision::PartialSync { replace: true, .. }
        ));
        let DdlDecision::DropThenFullSync { statements, .. } = decide(&db, 5, SC, &off) else {
            panic!("expected drop + full sync");
        };
        assert_eq!(statements, vec!["DROP TABLE IF EXISTS `d`.`order` FORCE"]);
        let table = ctx(SyncType::Table);
        let DdlDecision::DropThenFullSync { statements, .. } = decide(&table, 5, SC, &off) else {
            panic!("expected drop + full sync");
        };
        assert_eq!(statements, vec!["DROP TABLE IF EXISTS `d`.`t2` FORCE"]);
        // Rollups and unfinished jobs are not schema changes that finished.
        let rollup = SC.replace("SCHEMA_CHANGE", "ROLLUP");
        assert!(matches!(
            decide(&db, 5, &rollup, &off),
            DdlDecision::PartialSync { .. }
        ));
        let pending = SC.replace("FINISHED", "PENDING");
        assert!(matches!(
            decide(&db, 5, &pending, &off),
            DdlDecision::Skip(_)
        ));
    }

    #[test]
    fn create_view_drop_exists_flag() {
        let view = r#"{"dbId":1,"tableId":10,"tableName":"v1","tableType":"VIEW","sql":"CREATE VIEW `v1` AS SELECT 1"}"#;
        let on = FeatureFlags::default();
        let off = FeatureFlags {
            feature_create_view_drop_exists: false,
            ..on.clone()
        };
        let db = ctx(SyncType::Db);
        assert_eq!(
            decide(&db, 2, view, &on),
            DdlDecision::Execute(vec![
                "DROP VIEW IF EXISTS `d`.`v1`".into(),
                "CREATE VIEW `d`.`v1` AS SELECT 1".into()
            ])
        );
        assert_eq!(
            decide(&db, 2, view, &off),
            DdlDecision::Execute(vec!["CREATE VIEW `d`.`v1` AS SELECT 1".into()])
        );
        let table = r#"{"tableId":11,"tableName":"x","sql":"CREATE TABLE `x` (k INT)"}"#;
        assert_eq!(decide(&db, 2, table, &on), decide(&db, 2, table, &off));
    }
}
