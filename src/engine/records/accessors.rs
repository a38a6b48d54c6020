//! Uniform accessors over [`BinlogRecord`] variants.

use super::{BinlogRecord, BinlogType};

impl BinlogRecord {
    /// Source table id the record is about (the runner resolves its target name for
    /// [`crate::engine::ddl::DdlContext::dest_names`]); `None` for db-wide records.
    pub fn table_id(&self) -> Option<i64> {
        use BinlogRecord as R;
        let id = match self {
            R::AddPartition(r) => r.table_id,
            R::CreateTable(r) => r.table_id,
            R::DropPartition(r) => r.table_id,
            R::DropTable(r) => r.table_id,
            R::AlterJob(r) => r.table_id,
            R::ModifyColumns(r) => r.table_id,
            R::ModifyTableProperty(r) => r.table_id,
            R::Barrier(r) => r.table_id,
            R::ModifyPartitions(r) => r.infos.first()?.table_id,
            R::ReplacePartitions(r) => r.tbl_id,
            R::TruncateTable(r) => r.tbl_id,
            R::RenameTable(r) => r.table_id,
            R::RenameColumn(r) => r.table_id,
            R::ModifyComment(r) => r.tbl_id,
            R::ModifyViewDef(r) => r.table_id,
            R::RenameRollup(r) => r.table_id,
            R::RenamePartition(r) => r.table_id,
            R::DropRollup(r) => r.table_id,
            R::Upsert(_) | R::Dummy | R::AlterDatabaseProperty(_) | R::Unknown { .. } => {
                return None
            }
        };
        (id > 0).then_some(id)
    }

    /// The binlog type of this record.
    pub fn binlog_type(&self) -> BinlogType {
        use BinlogRecord as R;
        match self {
            R::Upsert(_) => BinlogType::Upsert,
            R::AddPartition(_) => BinlogType::AddPartition,
            R::CreateTable(_) => BinlogType::CreateTable,
            R::DropPartition(_) => BinlogType::DropPartition,
            R::DropTable(_) => BinlogType::DropTable,
            R::AlterJob(_) => BinlogType::AlterJob,
            R::ModifyColumns(_) => BinlogType::ModifyTableAddOrDropColumns,
            R::Dummy => BinlogType::Dummy,
            R::AlterDatabaseProperty(_) => BinlogType::AlterDatabaseProperty,
            R::ModifyTableProperty(_) => BinlogType::ModifyTableProperty,
            R::Barrier(_) => BinlogType::Barrier,
            R::ModifyPartitions(_) => BinlogType::ModifyPartitions,
            R::ReplacePartitions(_) => BinlogType::ReplacePartitions,
            R::TruncateTable(_) => BinlogType::TruncateTable,
            R::RenameTable(_) => BinlogType::RenameTable,
            R::RenameColumn(_) => BinlogType::RenameColumn,
            R::ModifyComment(_) => BinlogType::ModifyComment,
            R::ModifyViewDef(_) => BinlogType::ModifyViewDef,
            R::RenameRollup(_) => BinlogType::RenameRollup,
            R::RenamePartition(_) => BinlogType::RenamePartition,
            R::DropRollup(_) => BinlogType::DropRollup,
            R::Unknown { type_code, .. } => BinlogType::Unknown(*type_code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_types() {
        let r = BinlogRecord::parse(13, r#"{"tblId":7,"table":"t"}"#).unwrap();
        assert_eq!(r.table_id(), Some(7));
        assert_eq!(r.binlog_type(), BinlogType::TruncateTable);
        let r = BinlogRecord::parse(11, r#"{"infos":[]}"#).unwrap();
        assert_eq!(r.table_id(), None);
        assert_eq!(BinlogRecord::Dummy.binlog_type().code(), 7);
        for code in [
            0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 21, 22, 23,
        ] {
            assert_eq!(BinlogType::from_code(code).code(), code);
        }
    }
}
