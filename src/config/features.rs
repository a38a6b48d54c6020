//! `[features]`: the original syncer's `-feature_*` switches.

use serde::{Deserialize, Serialize};

/// The `[features]` section; the HTTP `/features` endpoint lists [`FeatureFlags::list`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeatureFlags {
    /// A finished SCHEMA_CHANGE upstream re-copies the table by partial sync (alias +
    /// swap); off: drop the target table and full sync. Default: true.
    pub feature_schema_change_partial_sync: bool,
    /// Full-sync restores with `clean_tables` (db jobs) / `clean_partitions`.
    /// Default: false.
    pub feature_clean_table_and_partitions: bool,
    /// Full-sync restores send `atomic_restore` = this (partial syncs never do).
    /// Default: true.
    pub feature_atomic_restore: bool,
    /// Drop an existing target view before replaying `CREATE VIEW`; off: an existing
    /// view is kept as it is. Default: true.
    pub feature_create_view_drop_exists: bool,
    /// A restore refused for a target table with another schema restores into an alias
    /// and swaps it in; off: drop the target table and restore again. Default: true.
    pub feature_replace_not_matched_with_alias: bool,
    /// Skip upserts into the shadow indexes of pending schema changes; off: ingest
    /// them too (fails while the target lacks them). Default: true.
    pub feature_filter_shadow_indexes_upsert: bool,
    /// Before BACKUP, cancel a running syncer-issued (`ccrs_`/`ccrp_`) backup of the
    /// source db instead of waiting for it. Default: false.
    pub feature_cancel_conflict_backup_restore_job: bool,
}

impl Default for FeatureFlags {
    fn default() -> Self {
        FeatureFlags {
            feature_schema_change_partial_sync: true,
            feature_clean_table_and_partitions: false,
            feature_atomic_restore: true,
            feature_create_view_drop_exists: true,
            feature_replace_not_matched_with_alias: true,
            feature_filter_shadow_indexes_upsert: true,
            feature_cancel_conflict_backup_restore_job: false,
        }
    }
}

impl FeatureFlags {
    /// One warning per switch set to a value with a known downside (logged once at
    /// startup: the user asked for it, so it is honoured).
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.feature_schema_change_partial_sync {
            out.push(
                "feature_schema_change_partial_sync = false: every finished schema change \
                 drops the target table and runs a full sync (the table is missing on the \
                 target until it completes)",
            );
        }
        if !self.feature_atomic_restore {
            out.push(
                "feature_atomic_restore = false: target tables may be unreadable or \
                 partially restored while a full sync restores them",
            );
        }
        if !self.feature_create_view_drop_exists {
            out.push(
                "feature_create_view_drop_exists = false: a replayed CREATE VIEW keeps an \
                 existing target view of that name, even with another definition",
            );
        }
        if !self.feature_replace_not_matched_with_alias {
            out.push(
                "feature_replace_not_matched_with_alias = false: a target table whose \
                 schema differs from the source is dropped before the restore (missing \
                 on the target until the restore finishes)",
            );
        }
        if !self.feature_filter_shadow_indexes_upsert {
            out.push(
                "feature_filter_shadow_indexes_upsert = false: loads during a running \
                 schema change fail to replicate (the target has no shadow index); the job \
                 retries them and may block (resume it once the schema change finished)",
            );
        }
        if self.feature_cancel_conflict_backup_restore_job {
            out.push(
                "feature_cancel_conflict_backup_restore_job = true: jobs sharing a source \
                 database cancel each other's snapshot backups",
            );
        }
        out
    }

    /// `(name, enabled)` for every flag, in declaration order.
    pub fn list(&self) -> Vec<(&'static str, bool)> {
        vec![
            (
                "feature_schema_change_partial_sync",
                self.feature_schema_change_partial_sync,
            ),
            (
                "feature_clean_table_and_partitions",
                self.feature_clean_table_and_partitions,
            ),
            ("feature_atomic_restore", self.feature_atomic_restore),
            (
                "feature_create_view_drop_exists",
                self.feature_create_view_drop_exists,
            ),
            (
                "feature_replace_not_matched_with_alias",
                self.feature_replace_not_matched_with_alias,
            ),
            (
                "feature_filter_shadow_indexes_upsert",
                self.feature_filter_shadow_indexes_upsert,
            ),
            (
                "feature_cancel_conflict_backup_restore_job",
                self.feature_cancel_conflict_backup_restore_job,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_warn_about_nothing() {
        assert!(FeatureFlags::default().warnings().is_empty());
    }

    #[test]
    fn each_risky_setting_warns_once() {
        let f = FeatureFlags {
            feature_schema_change_partial_sync: false,
            feature_clean_table_and_partitions: true,
            feature_atomic_restore: false,
            feature_create_view_drop_exists: false,
            feature_replace_not_matched_with_alias: false,
            feature_filter_shadow_indexes_upsert: false,
            feature_cancel_conflict_backup_restore_job: true,
        };
        let w = f.warnings();
        assert_eq!(w.len(), 6, "{w:?}");
        for (name, value) in f.list() {
            let hits = w.iter().filter(|m| m.starts_with(name)).count();
            let risky = name != "feature_clean_table_and_partitions";
            assert_eq!(hits, usize::from(risky), "{name} = {value}");
        }
    }
}
