//! `ALTER TABLE` and its actions.

use super::{
    ColumnDef, DistributionDesc, IndexDef, ObjectName, PartitionDef, Properties, RollupDef,
};

/// `ALTER TABLE [db.]t action[, action ...]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// The table.
    pub table: ObjectName,
    /// Actions in source order (at least one).
    pub actions: Vec<AlterAction>,
    /// Raw source text of each action, parallel to `actions` (e.g. ``ADD COLUMN `c` INT``).
    pub action_texts: Vec<String>,
}

/// Where an added or modified column goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnPosition {
    /// `FIRST`.
    First,
    /// `AFTER c`.
    After(String),
}

/// One `ALTER TABLE` action.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterAction {
    /// `ADD COLUMN col_def [FIRST | AFTER c] [TO rollup] [PROPERTIES (...)]`.
    AddColumn {
        column: ColumnDef,
        position: Option<ColumnPosition>,
        rollup: Option<String>,
    },
    /// `ADD COLUMN (col_def, ...) [TO rollup]`.
    AddColumns {
        columns: Vec<ColumnDef>,
        rollup: Option<String>,
    },
    /// `DROP COLUMN c [FROM rollup]`.
    DropColumn {
        name: String,
        rollup: Option<String>,
    },
    /// `MODIFY COLUMN col_def [FIRST | AFTER c] [FROM rollup]`.
    ModifyColumn {
        column: ColumnDef,
        position: Option<ColumnPosition>,
        rollup: Option<String>,
    },
    /// Comment-only `MODIFY COLUMN c COMMENT 'x'`.
    ModifyColumnComment { name: String, comment: String },
    /// `RENAME COLUMN a b`.
    RenameColumn { old: String, new: String },
    /// `ORDER BY (c1, c2) [FROM rollup]`.
    OrderBy {
        columns: Vec<String>,
        rollup: Option<String>,
    },
    /// `ADD [TEMPORARY] PARTITION [IF NOT EXISTS] p VALUES ... [("k"="v")]
    /// [DISTRIBUTED BY ...]`.
    AddPartition {
        temporary: bool,
        partition: PartitionDef,
        distribution: Option<DistributionDesc>,
    },
    /// `DROP [TEMPORARY] PARTITION [IF EXISTS] p [FORCE]`.
    DropPartition {
        temporary: bool,
        if_exists: bool,
        name: String,
        force: bool,
    },
    /// `RENAME PARTITION a b`.
    RenamePartition { old: String, new: String },
    /// `REPLACE PARTITION (p..) WITH TEMPORARY PARTITION (tp..) [PROPERTIES (...)]`.
    ReplacePartition {
        partitions: Vec<String>,
        temp_partitions: Vec<String>,
        properties: Properties,
    },
    /// `MODIFY [TEMPORARY] PARTITION p | (p1, p2) | (*) SET ("k" = "v")`; `*` is kept as the
    /// single name `"*"`.
    ModifyPartition {
        temporary: bool,
        partitions: Vec<String>,
        properties: Properties,
    },
    /// `RENAME new_name` (table rename).
    Rename { new_name: String },
    /// `RENAME ROLLUP a b`.
    RenameRollup { old: String, new: String },
    /// `ADD ROLLUP r (cols) [DUPLICATE KEY (..)] [FROM base] [PROPERTIES (...)]` (one action
    /// per rollup when several are listed).
    AddRollup(RollupDef),
    /// `DROP ROLLUP r` (one action per rollup when several are listed).
    DropRollup { name: String },
    /// `ADD INDEX idx (c) USING ... [PROPERTIES (...)] [COMMENT '...']`.
    AddIndex(IndexDef),
    /// `DROP INDEX [IF EXISTS] idx`.
    DropIndex { if_exists: bool, name: String },
    /// `MODIFY COMMENT 'x'` (table comment).
    ModifyComment { comment: String },
    /// `SET ("k" = "v", ...)` (table properties).
    SetProperties(Properties),
    /// `REPLACE WITH TABLE t2 [PROPERTIES ("swap" = "false")]`.
    ReplaceWithTable {
        table: String,
        properties: Properties,
    },
    /// `MODIFY DISTRIBUTION DISTRIBUTED BY ...`.
    ModifyDistribution(DistributionDesc),
}
