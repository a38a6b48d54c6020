//! `RowsetMetaPB` (apache/doris `gensrc/proto/olap_file.proto`, proto2): the subset of
//! fields the emulator serves on `get_rowset_meta`, with Doris' field numbers so a real
//! protobuf reader (or the syncer) decodes it. Unknown fields are skipped on decode.

/// `RowsetTypePB::BETA_ROWSET`.
pub const BETA_ROWSET: i32 = 1;
/// `RowsetStatePB::VISIBLE`.
pub const VISIBLE: i32 = 2;
/// `SegmentsOverlapPB::NONOVERLAPPING` (one segment never overlaps itself).
pub const NONOVERLAPPING: i32 = 2;

/// `message RowsetMetaPB` (subset). Enums are carried as their `int32` wire values.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RowsetMetaPb {
    /// `required int64 rowset_id = 1` (deprecated in Doris; always 0, but required).
    #[prost(int64, required, tag = "1")]
    pub rowset_id: i64,
    /// `optional int64 partition_id = 2`.
    #[prost(int64, optional, tag = "2")]
    pub partition_id: Option<i64>,
    /// `optional int64 tablet_id = 3`.
    #[prost(int64, optional, tag = "3")]
    pub tablet_id: Option<i64>,
    /// `optional int64 txn_id = 4`.
    #[prost(int64, optional, tag = "4")]
    pub txn_id: Option<i64>,
    /// `optional RowsetTypePB rowset_type = 6`.
    #[prost(int32, optional, tag = "6")]
    pub rowset_type: Option<i32>,
    /// `optional RowsetStatePB rowset_state = 7`.
    #[prost(int32, optional, tag = "7")]
    pub rowset_state: Option<i32>,
    /// `optional int64 start_version = 8`.
    #[prost(int64, optional, tag = "8")]
    pub start_version: Option<i64>,
    /// `optional int64 end_version = 9`.
    #[prost(int64, optional, tag = "9")]
    pub end_version: Option<i64>,
    /// `optional int64 num_rows = 11`.
    #[prost(int64, optional, tag = "11")]
    pub num_rows: Option<i64>,
    /// `optional int64 total_disk_size = 12` (data + index).
    #[prost(int64, optional, tag = "12")]
    pub total_disk_size: Option<i64>,
    /// `optional int64 data_disk_size = 13`.
    #[prost(int64, optional, tag = "13")]
    pub data_disk_size: Option<i64>,
    /// `optional int64 index_disk_size = 14`.
    #[prost(int64, optional, tag = "14")]
    pub index_disk_size: Option<i64>,
    /// `optional DeletePredicatePB delete_predicate = 16`.
    #[prost(message, optional, tag = "16")]
    pub delete_predicate: Option<DeletePredicatePb>,
    /// `optional bool empty = 17`.
    #[prost(bool, optional, tag = "17")]
    pub empty: Option<bool>,
    /// `optional int64 num_segments = 22`.
    #[prost(int64, optional, tag = "22")]
    pub num_segments: Option<i64>,
    /// `optional string rowset_id_v2 = 23`.
    #[prost(string, optional, tag = "23")]
    pub rowset_id_v2: Option<String>,
    /// `optional SegmentsOverlapPB segments_overlap_pb = 51`.
    #[prost(int32, optional, tag = "51")]
    pub segments_overlap_pb: Option<i32>,
}

/// `message DeletePredicatePB` (subset): the emulator carries the predicate itself in
/// the segment file, so only the marker travels here.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DeletePredicatePb {
    /// `required int32 version = 1` (unused by Doris, but required).
    #[prost(int32, required, tag = "1")]
    pub version: i32,
    /// `repeated string sub_predicates = 2` (`column op value`, informational).
    #[prost(string, repeated, tag = "2")]
    pub sub_predicates: Vec<String>,
}

impl RowsetMetaPb {
    /// The message the emulator serves for `m`.
    pub fn from_meta(m: &super::RowsetMeta) -> Self {
        let size = i64::try_from(m.data_disk_size).unwrap_or(i64::MAX);
        RowsetMetaPb {
            rowset_id: 0,
            partition_id: None,
            tablet_id: Some(m.tablet_id),
            txn_id: Some(m.txn_id),
            rowset_type: Some(BETA_ROWSET),
            rowset_state: Some(VISIBLE),
            start_version: Some(m.version),
            end_version: Some(m.version),
            num_rows: Some(i64::try_from(m.num_rows).unwrap_or(i64::MAX)),
            // The emulator has no index files: total = data.
            total_disk_size: Some(size),
            data_disk_size: Some(size),
            index_disk_size: Some(0),
            delete_predicate: m.has_delete_predicate.then(|| DeletePredicatePb {
                version: i32::try_from(m.version).unwrap_or(i32::MAX),
                sub_predicates: Vec::new(),
            }),
            empty: Some(m.num_segments == 0),
            num_segments: Some(i64::from(m.num_segments)),
            rowset_id_v2: Some(m.rowset_id.clone()),
            segments_overlap_pb: Some(NONOVERLAPPING),
        }
    }

    /// Back to the emulator's view; `Err` names the missing or invalid field.
    pub fn into_meta(self) -> Result<super::RowsetMeta, String> {
        let need = |v: Option<i64>, f: &str| v.ok_or_else(|| format!("{f} missing"));
        let unsigned = |v: Option<i64>, f: &str| {
            need(v, f).and_then(|n| u64::try_from(n).map_err(|_| format!("{f} = {n} < 0")))
        };
        let num_segments = unsigned(self.num_segments, "num_segments")?;
        Ok(super::RowsetMeta {
            rowset_id: self.rowset_id_v2.ok_or("rowset_id_v2 missing")?,
            tablet_id: need(self.tablet_id, "tablet_id")?,
            version: need(self.end_version, "end_version")?,
            txn_id: self.txn_id.unwrap_or_default(),
            num_segments: u32::try_from(num_segments).map_err(|e| e.to_string())?,
            num_rows: unsigned(self.num_rows, "num_rows")?,
            data_disk_size: unsigned(self.data_disk_size, "data_disk_size")?,
            has_delete_predicate: self.delete_predicate.is_some(),
        })
    }
}
