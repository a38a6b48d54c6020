//! TBinlogType numbers (doris-protocol.md §2).

/// Binlog type (thrift `TBinlogType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinlogType {
    /// 0
    Upsert,
    /// 1
    AddPartition,
    /// 2
    CreateTable,
    /// 3
    DropPartition,
    /// 4
    DropTable,
    /// 5
    AlterJob,
    /// 6
    ModifyTableAddOrDropColumns,
    /// 7
    Dummy,
    /// 8
    AlterDatabaseProperty,
    /// 9
    ModifyTableProperty,
    /// 10
    Barrier,
    /// 11
    ModifyPartitions,
    /// 12
    ReplacePartitions,
    /// 13
    TruncateTable,
    /// 14
    RenameTable,
    /// 15
    RenameColumn,
    /// 16
    ModifyComment,
    /// 17 (master)
    ModifyViewDef,
    /// 21 (master)
    RenameRollup,
    /// 22 (master)
    RenamePartition,
    /// 23 (master)
    DropRollup,
    /// Anything else (18–20, 24+ or unknown).
    Unknown(i32),
}

const TABLE: [(BinlogType, i32, &str); 21] = [
    (BinlogType::Upsert, 0, "UPSERT"),
    (BinlogType::AddPartition, 1, "ADD_PARTITION"),
    (BinlogType::CreateTable, 2, "CREATE_TABLE"),
    (BinlogType::DropPartition, 3, "DROP_PARTITION"),
    (BinlogType::DropTable, 4, "DROP_TABLE"),
    (BinlogType::AlterJob, 5, "ALTER_JOB"),
    (
        BinlogType::ModifyTableAddOrDropColumns,
        6,
        "MODIFY_TABLE_ADD_OR_DROP_COLUMNS",
    ),
    (BinlogType::Dummy, 7, "DUMMY"),
    (
        BinlogType::AlterDatabaseProperty,
        8,
        "ALTER_DATABASE_PROPERTY",
    ),
    (BinlogType::ModifyTableProperty, 9, "MODIFY_TABLE_PROPERTY"),
    (BinlogType::Barrier, 10, "BARRIER"),
    (BinlogType::ModifyPartitions, 11, "MODIFY_PARTITIONS"),
    (BinlogType::ReplacePartitions, 12, "REPLACE_PARTITIONS"),
    (BinlogType::TruncateTable, 13, "TRUNCATE_TABLE"),
    (BinlogType::RenameTable, 14, "RENAME_TABLE"),
    (BinlogType::RenameColumn, 15, "RENAME_COLUMN"),
    (BinlogType::ModifyComment, 16, "MODIFY_COMMENT"),
    (BinlogType::ModifyViewDef, 17, "MODIFY_VIEW_DEF"),
    (BinlogType::RenameRollup, 21, "RENAME_ROLLUP"),
    (BinlogType::RenamePartition, 22, "RENAME_PARTITION"),
    (BinlogType::DropRollup, 23, "DROP_ROLLUP"),
];

impl BinlogType {
    /// From the thrift enum value.
    pub fn from_code(code: i32) -> Self {
        TABLE
            .iter()
            .find(|e| e.1 == code)
            .map(|e| e.0)
            .unwrap_or(BinlogType::Unknown(code))
    }

    /// Thrift enum value.
    pub fn code(self) -> i32 {
        match self {
            BinlogType::Unknown(c) => c,
            t => TABLE.iter().find(|e| e.0 == t).map(|e| e.1).unwrap_or(-1),
        }
    }

    /// Doris name (`UPSERT`, ...); `UNKNOWN` for unknown values.
    pub fn name(self) -> &'static str {
        TABLE
            .iter()
            .find(|e| e.0 == self)
            .map(|e| e.2)
            .unwrap_or("UNKNOWN")
    }
}

impl std::fmt::Display for BinlogType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BinlogType::Unknown(c) => write!(f, "UNKNOWN({c})"),
            t => f.write_str(t.name()),
        }
    }
}
