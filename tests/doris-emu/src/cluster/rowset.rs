//! Rowsets: the versioned data of a tablet, and their byte forms ("segment file" and
//! "rowset meta") served by `/api/_binlog/_download` and ingested by `ingest_binlog`.

use super::types::Value;
use prost::Message;
use serde::{Deserialize, Serialize};

mod meta_pb;

pub use meta_pb::{DeletePredicatePb, RowsetMetaPb};

/// Column unique id used for the hidden delete-sign column of UNIQUE tables
/// (`__DORIS_DELETE_SIGN__`): a row carrying `Int(1)` there deletes its key.
pub const DELETE_SIGN_UID: u32 = u32::MAX;

/// A comparison in a delete predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    /// `=`.
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `IN (...)`.
    In,
    /// `NOT IN (...)`.
    NotIn,
    /// `IS NULL`.
    IsNull,
    /// `IS NOT NULL`.
    IsNotNull,
}

/// One conjunct of a delete predicate (`DELETE FROM t WHERE a = 1 AND b > 2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeleteCond {
    /// Column name (used when ingesting into another cluster).
    pub column: String,
    /// Column unique id.
    pub column_uid: u32,
    /// Operator.
    pub op: CmpOp,
    /// Operand(s).
    pub values: Vec<Value>,
}

/// One column of a rowset: unique id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsetColumn {
    /// Column unique id in the owning table.
    pub uid: u32,
    /// Column name (lets another cluster map columns by name).
    pub name: String,
}

/// The data written to one tablet by one transaction at one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rowset {
    /// Rowset id (hex text, Doris style).
    pub rowset_id: String,
    /// Owning tablet.
    pub tablet_id: i64,
    /// Version (= partition visible version after the load).
    pub version: i64,
    /// Transaction that wrote it.
    pub txn_id: i64,
    /// Always 1 (or 0 for an empty rowset).
    pub num_segments: u32,
    /// Columns of `rows`, by unique id.
    pub columns: Vec<RowsetColumn>,
    /// Rows (values in `columns` order).
    pub rows: Vec<Vec<Value>>,
    /// A delete-predicate rowset (no rows) when set.
    pub delete: Option<Vec<DeleteCond>>,
}

/// The content of a segment file (what `get_segment_file` serves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SegmentContent {
    columns: Vec<RowsetColumn>,
    rows: Vec<Vec<Value>>,
    delete: Option<Vec<DeleteCond>>,
}

/// Rowset metadata; served by `get_rowset_meta` as a protobuf `RowsetMetaPB` (see
/// [`RowsetMetaPb`] for the field numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowsetMeta {
    /// Rowset id.
    pub rowset_id: String,
    /// Tablet id.
    pub tablet_id: i64,
    /// Start version = end version = the rowset's version.
    pub version: i64,
    /// Txn id.
    pub txn_id: i64,
    /// Number of segments.
    pub num_segments: u32,
    /// Number of rows.
    pub num_rows: u64,
    /// Size of the segment bytes.
    pub data_disk_size: u64,
    /// Whether this is a delete-predicate rowset.
    pub has_delete_predicate: bool,
}

/// Errors decoding rowset bytes.
#[derive(Debug, thiserror::Error)]
pub enum RowsetDecodeError {
    /// The segment file is not what the emulator writes.
    #[error("bad rowset bytes: {0}")]
    Segment(#[from] serde_json::Error),
    /// The rowset meta is not a usable `RowsetMetaPB`.
    #[error("bad rowset meta: {0}")]
    Meta(String),
}

impl Rowset {
    /// Deterministic Doris-looking rowset id for (txn, tablet).
    pub fn make_id(txn_id: i64, tablet_id: i64) -> String {
        format!(
            "02{:014x}{:016x}",
            txn_id as u64 & 0xff_ffff_ffff_ffff,
            tablet_id as u64
        )
    }

    /// An empty data rowset.
    pub fn empty(tablet_id: i64, version: i64, txn_id: i64) -> Self {
        Rowset {
            rowset_id: Self::make_id(txn_id, tablet_id),
            tablet_id,
            version,
            txn_id,
            num_segments: 0,
            columns: Vec::new(),
            rows: Vec::new(),
            delete: None,
        }
    }

    /// Segments the rowset is served with: 0 for an empty data rowset, else 1 (a
    /// delete-predicate rowset carries its predicate in segment 0).
    pub fn served_segments(&self) -> u32 {
        u32::from(!(self.rows.is_empty() && self.delete.is_none()))
    }

    /// Number of data rows.
    pub fn num_rows(&self) -> u64 {
        self.rows.len() as u64
    }

    /// The segment file bytes (segment 0).
    pub fn to_segment_bytes(&self) -> Vec<u8> {
        let content = SegmentContent {
            columns: self.columns.clone(),
            rows: self.rows.clone(),
            delete: self.delete.clone(),
        };
        serde_json::to_vec(&content).unwrap_or_default()
    }

    /// The rowset meta bytes.
    pub fn meta(&self) -> RowsetMeta {
        RowsetMeta {
            rowset_id: self.rowset_id.clone(),
            tablet_id: self.tablet_id,
            version: self.version,
            txn_id: self.txn_id,
            num_segments: self.served_segments(),
            num_rows: self.num_rows(),
            data_disk_size: self.to_segment_bytes().len() as u64,
            has_delete_predicate: self.delete.is_some(),
        }
    }

    /// The serialized `RowsetMetaPB` (protobuf) of [`Rowset::meta`].
    pub fn to_meta_bytes(&self) -> Vec<u8> {
        RowsetMetaPb::from_meta(&self.meta()).encode_to_vec()
    }

    /// Rebuilds a rowset from downloaded segment bytes, for a local tablet/txn/version.
    /// Columns keep the remote names; call [`Rowset::remap_columns`] against the local table.
    pub fn from_segment_bytes(
        bytes: &[u8],
        tablet_id: i64,
        version: i64,
        txn_id: i64,
    ) -> Result<Rowset, RowsetDecodeError> {
        let c: SegmentContent = serde_json::from_slice(bytes)?;
        Ok(Rowset {
            rowset_id: Self::make_id(txn_id, tablet_id),
            tablet_id,
            version,
            txn_id,
            num_segments: 1,
            columns: c.columns,
            rows: c.rows,
            delete: c.delete,
        })
    }

    /// Parses serialized `RowsetMetaPB` bytes (unknown fields are skipped).
    pub fn meta_from_bytes(bytes: &[u8]) -> Result<RowsetMeta, RowsetDecodeError> {
        RowsetMetaPb::decode(bytes)
            .map_err(|e| RowsetDecodeError::Meta(e.to_string()))?
            .into_meta()
            .map_err(RowsetDecodeError::Meta)
    }

    /// Maps column unique ids to the local table's ids by column name (columns unknown
    /// locally are kept with their remote id and ignored on read, like a dropped column).
    pub fn remap_columns(&mut self, table: &super::catalog::Table) {
        let lookup = |name: &str| table.column(name).map(|c| c.unique_id);
        for col in &mut self.columns {
            if col.uid == DELETE_SIGN_UID {
                continue;
            }
            col.uid = lookup(&col.name).unwrap_or(u32::MAX - 1);
        }
        for cond in self.delete.iter_mut().flatten() {
            cond.column_uid = lookup(&cond.column).unwrap_or(u32::MAX - 1);
        }
    }
}

/// A tablet's location in the catalog and its rowsets in version order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TabletData {
    /// Db id.
    pub db_id: i64,
    /// Table id.
    pub table_id: i64,
    /// Partition id.
    pub partition_id: i64,
    /// Index id.
    pub index_id: i64,
    /// Rowsets ordered by version (version 1, the empty initial rowset, is implicit).
    pub rowsets: Vec<Rowset>,
}

impl TabletData {
    /// The rowset written at `version`, if retained.
    pub fn rowset_at(&self, version: i64) -> Option<&Rowset> {
        self.rowsets
            .binary_search_by_key(&version, |r| r.version)
            .ok()
            .map(|i| &self.rowsets[i])
    }

    /// Appends (or replaces) the rowset of its version, keeping version order.
    pub fn put_rowset(&mut self, rowset: Rowset) {
        match self
            .rowsets
            .binary_search_by_key(&rowset.version, |r| r.version)
        {
            Ok(i) => self.rowsets[i] = rowset,
            Err(i) => self.rowsets.insert(i, rowset),
        }
    }

    /// The highest version present (1 when only the initial rowset exists).
    pub fn max_version(&self) -> i64 {
        self.rowsets.last().map_or(1, |r| r.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_bytes_round_trip() {
        let mut r = Rowset::empty(7, 3, 99);
        r.columns = vec![RowsetColumn {
            uid: 0,
            name: "id".into(),
        }];
        r.rows = vec![vec![Value::Int(1)], vec![Value::Null]];
        r.num_segments = 1;
        let back = Rowset::from_segment_bytes(&r.to_segment_bytes(), 8, 4, 100).unwrap();
        assert_eq!(back.rows, r.rows);
        assert_eq!(back.tablet_id, 8);
        let meta = Rowset::meta_from_bytes(&r.to_meta_bytes()).unwrap();
        assert_eq!(meta.num_rows, 2);
        assert_eq!(meta, r.meta());
    }

    #[test]
    fn meta_is_a_rowset_meta_pb_with_doris_field_numbers() {
        let mut r = Rowset::empty(7, 3, 99);
        r.rows = vec![vec![Value::Int(1)]; 4];
        let bytes = r.to_meta_bytes();
        // Tag bytes (field << 3 | wire type 0): rowset_id=1, tablet_id=3, end_version=9,
        // num_rows=11, data_disk_size=13.
        for (tag, value) in [(0x08, 0), (0x18, 7), (0x48, 3), (0x58, 4)] {
            let found = bytes.windows(2).any(|w| w == [tag, value]);
            assert!(found, "field tag {tag:#x} = {value} in {bytes:x?}");
        }
        let pb = RowsetMetaPb::decode(bytes.as_slice()).unwrap();
        let seg = i64::try_from(r.to_segment_bytes().len()).unwrap();
        assert_eq!(pb.data_disk_size, Some(seg));
        assert_eq!(pb.total_disk_size, Some(seg));
        assert_eq!(pb.rowset_id_v2.as_deref(), Some(r.rowset_id.as_str()));
    }

    #[test]
    fn meta_skips_unknown_fields_and_rejects_garbage() {
        let r = Rowset::empty(7, 3, 99);
        let mut bytes = r.to_meta_bytes();
        // Field 1005 (has_variant_type_in_schema), varint 1: unknown to the emulator.
        bytes.extend_from_slice(&[0xe8, 0x3e, 0x01]);
        assert_eq!(Rowset::meta_from_bytes(&bytes).unwrap(), r.meta());
        assert!(Rowset::meta_from_bytes(br#"{"rowset_id":"x"}"#).is_err());
        let full = r.to_meta_bytes();
        assert!(Rowset::meta_from_bytes(&full[..full.len() - 1]).is_err());
        assert!(
            Rowset::meta_from_bytes(&[]).is_err(),
            "required fields missing"
        );
    }
}
