//! Typed binlog payloads (`TBinlog.data` JSON, doris-protocol.md §5).
//!
//! Every struct tolerates unknown and missing optional fields; a payload that is not
//! JSON, has wrong types or lacks a required field is a [`RecordError`], never a panic.

mod accessors;
mod barrier;
mod binlog_type;
mod partition;
mod schema;
mod table;
mod upsert;

pub use barrier::BarrierRecord;
pub use binlog_type::BinlogType;
pub use partition::{
    AddPartitionRecord, DistributionColumn, DistributionInfo, DropPartitionRecord,
    ModifyPartitionInfo, ModifyPartitionsRecord, RenamePartitionRecord, ReplacePartitionsRecord,
};
pub use schema::{
    AlterJobRecord, DropRollupRecord, ModifyColumnsRecord, ModifyCommentRecord,
    ModifyViewDefRecord, RenameColumnRecord, RenameRollupRecord,
};
pub use table::{
    AlterDatabasePropertyRecord, CreateTableRecord, DropTableRecord, ModifyTablePropertyRecord,
    RenameTableRecord, TruncateTableRecord,
};
pub use upsert::{PartitionRecord, TableRecord, UpsertRecord};

use serde::de::DeserializeOwned;

/// A binlog payload that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Not JSON, or a field has the wrong type.
    #[error("malformed {binlog_type} binlog payload: {message}")]
    Malformed {
        /// Binlog type name.
        binlog_type: &'static str,
        /// Decoder message.
        message: String,
    },
    /// A field the handler needs is missing or empty.
    #[error("{binlog_type} binlog payload lacks required field `{field}`")]
    MissingField {
        /// Binlog type name.
        binlog_type: &'static str,
        /// Field name.
        field: &'static str,
    },
}

pub(crate) fn decode<T: DeserializeOwned>(ty: BinlogType, data: &str) -> Result<T, RecordError> {
    let malformed = |message: String| RecordError::Malformed {
        binlog_type: ty.name(),
        message,
    };
    // Payloads are always JSON objects; serde would also accept an array for a struct.
    let value: serde_json::Value =
        serde_json::from_str(data).map_err(|e| malformed(e.to_string()))?;
    if !value.is_object() {
        return Err(malformed("payload is not a JSON object".into()));
    }
    serde_json::from_value(value).map_err(|e| malformed(e.to_string()))
}

pub(crate) fn require(ty: BinlogType, ok: bool, field: &'static str) -> Result<(), RecordError> {
    if ok {
        Ok(())
    } else {
        Err(RecordError::MissingField {
            binlog_type: ty.name(),
            field,
        })
    }
}

/// A decoded binlog payload.
#[derive(Debug, Clone, PartialEq)]
pub enum BinlogRecord {
    /// Data load (txn).
    Upsert(UpsertRecord),
    /// ADD [TEMPORARY] PARTITION.
    AddPartition(AddPartitionRecord),
    /// CREATE TABLE / VIEW.
    CreateTable(CreateTableRecord),
    /// DROP PARTITION.
    DropPartition(DropPartitionRecord),
    /// DROP TABLE / VIEW.
    DropTable(DropTableRecord),
    /// Schema change / rollup job state change.
    AlterJob(AlterJobRecord),
    /// Light schema change (add/drop value columns).
    ModifyColumns(ModifyColumnsRecord),
    /// Binlog GC sentinel: the position is gone, full sync needed.
    Dummy,
    /// ALTER DATABASE ... SET PROPERTIES.
    AlterDatabaseProperty(AlterDatabasePropertyRecord),
    /// ALTER TABLE ... SET (...).
    ModifyTableProperty(ModifyTablePropertyRecord),
    /// Snapshot barrier, possibly wrapping a newer binlog type.
    Barrier(BarrierRecord),
    /// ALTER TABLE ... MODIFY PARTITION ... SET (...).
    ModifyPartitions(ModifyPartitionsRecord),
    /// REPLACE PARTITION / INSERT OVERWRITE.
    ReplacePartitions(ReplacePartitionsRecord),
    /// TRUNCATE TABLE.
    TruncateTable(TruncateTableRecord),
    /// Table / rollup / partition rename (short keys).
    RenameTable(RenameTableRecord),
    /// RENAME COLUMN.
    RenameColumn(RenameColumnRecord),
    /// Column / table comment change.
    ModifyComment(ModifyCommentRecord),
    /// ALTER VIEW.
    ModifyViewDef(ModifyViewDefRecord),
    /// RENAME ROLLUP (master).
    RenameRollup(RenameRollupRecord),
    /// RENAME PARTITION (master).
    RenamePartition(RenamePartitionRecord),
    /// DROP ROLLUP (master).
    DropRollup(DropRollupRecord),
    /// A type this syncer does not know; the raw payload is kept for the log.
    Unknown {
        /// Thrift enum value.
        type_code: i32,
        /// Raw payload.
        data: String,
    },
}

impl BinlogRecord {
    /// Decodes `data` of a binlog of thrift type `type_code`.
    pub fn parse(type_code: i32, data: &str) -> Result<Self, RecordError> {
        let ty = BinlogType::from_code(type_code);
        use BinlogRecord as R;
        Ok(match ty {
            BinlogType::Upsert => R::Upsert(UpsertRecord::parse(data)?),
            BinlogType::AddPartition => R::AddPartition(AddPartitionRecord::parse(data)?),
            BinlogType::CreateTable => R::CreateTable(CreateTableRecord::parse(data)?),
            BinlogType::DropPartition => R::DropPartition(DropPartitionRecord::parse(data)?),
            BinlogType::DropTable => R::DropTable(DropTableRecord::parse(data)?),
            BinlogType::AlterJob => R::AlterJob(AlterJobRecord::parse(data)?),
            BinlogType::ModifyTableAddOrDropColumns => {
                R::ModifyColumns(ModifyColumnsRecord::parse(data)?)
            }
            BinlogType::Dummy => R::Dummy,
            _ => return Self::parse_rest(ty, type_code, data),
        })
    }

    fn parse_rest(ty: BinlogType, type_code: i32, data: &str) -> Result<Self, RecordError> {
        use BinlogRecord as R;
        Ok(match ty {
            BinlogType::AlterDatabaseProperty => {
                R::AlterDatabaseProperty(AlterDatabasePropertyRecord::parse(data)?)
            }
            BinlogType::ModifyTableProperty => {
                R::ModifyTableProperty(ModifyTablePropertyRecord::parse(data)?)
            }
            BinlogType::Barrier => R::Barrier(BarrierRecord::parse(data)?),
            BinlogType::ModifyPartitions => {
                R::ModifyPartitions(ModifyPartitionsRecord::parse(data)?)
            }
            BinlogType::ReplacePartitions => {
                R::ReplacePartitions(ReplacePartitionsRecord::parse(data)?)
            }
            BinlogType::TruncateTable => R::TruncateTable(TruncateTableRecord::parse(data)?),
            BinlogType::RenameTable => R::RenameTable(RenameTableRecord::parse(data)?),
            BinlogType::RenameColumn => R::RenameColumn(RenameColumnRecord::parse(data)?),
            BinlogType::ModifyComment => R::ModifyComment(ModifyCommentRecord::parse(data)?),
            BinlogType::ModifyViewDef => R::ModifyViewDef(ModifyViewDefRecord::parse(data)?),
            BinlogType::RenameRollup => R::RenameRollup(RenameRollupRecord::parse(data)?),
            BinlogType::RenamePartition => R::RenamePartition(RenamePartitionRecord::parse(data)?),
            BinlogType::DropRollup => R::DropRollup(DropRollupRecord::parse(data)?),
            _ => R::Unknown {
                type_code,
                data: data.to_string(),
            },
        })
    }

    /// Unwraps a BARRIER envelope carrying a newer binlog type (master FEs); any other
    /// record is returned unchanged.
    pub fn unwrap_barrier(self) -> Result<Self, RecordError> {
        match self {
            BinlogRecord::Barrier(b) => match b.wrapped() {
                Some((code, data)) => BinlogRecord::parse(code, &data),
                None => Ok(BinlogRecord::Barrier(b)),
            },
            other => Ok(other),
        }
    }
}

#[cfg(test)]
mod tests;
