//! `[features]`: the original syncer's `-feature_*` switches.

use serde::{Deserialize, Serialize};

/// The `[features]` section; the HTTP `/features` endpoint lists [`FeatureFlags::list`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeatureFlags {
    /// A schema change upstream triggers a partial sync of the table (else drop the
    /// table and full sync). Default: true.
    pub feature_schema_change_partial_sync: bool,
    /// Restore with `clean_tables`/`clean_partitions`. Default: false.
    pub feature_clean_table_and_partitions: bool,
    /// Full-sync restores use `atomic_restore`. Default: true.
    pub feature_atomic_restore: bool,
    /// Drop an existing view before replaying `CREATE VIEW`. Default: true.
    pub feature_create_view_drop_exists: bool,
    /// On a table signature mismatch, restore into an alias and replace. Default: true.
    pub feature_replace_not_matched_with_alias: bool,
    /// Skip upserts into pending schema-change shadow indexes. Default: true.
    pub feature_filter_shadow_indexes_upsert: bool,
    /// Cancel running syncer-issued backups that conflict before issuing BACKUP.
    /// Default: false.
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
