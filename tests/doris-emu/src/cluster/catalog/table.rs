//! [`Table`]: a table or view and its lookups.

use super::{
    Column, Distribution, IndexMeta, KeysType, Partition, PartitionScheme, Props, SecondaryIndex,
    ViewDef,
};
use serde::{Deserialize, Serialize};

/// A table or view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Table id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Table comment.
    pub comment: String,
    /// Set for views (then the OLAP fields are empty).
    pub view: Option<ViewDef>,
    /// Base schema columns in order.
    pub columns: Vec<Column>,
    /// Key model.
    pub keys_type: KeysType,
    /// Partitioning.
    pub scheme: PartitionScheme,
    /// Default distribution for new partitions.
    pub distribution: Distribution,
    /// Partitions (regular and temporary) in creation order.
    pub partitions: Vec<Partition>,
    /// Materialized indexes; `indexes[0]` is the base index.
    pub indexes: Vec<IndexMeta>,
    /// Secondary indexes.
    pub secondary_indexes: Vec<SecondaryIndex>,
    /// Properties (`binlog.*`, `light_schema_change`, `is_being_synced`, ...).
    pub properties: Props,
    /// Next column unique id.
    pub next_col_uid: u32,
    /// Creation time (ms).
    pub create_time_ms: i64,
    /// Next AUTO_INCREMENT value (kept above every loaded value).
    #[serde(default)]
    pub auto_inc_next: i64,
}

impl Table {
    /// True for views.
    pub fn is_view(&self) -> bool {
        self.view.is_some()
    }

    /// The base index.
    pub fn base_index(&self) -> &IndexMeta {
        &self.indexes[0]
    }

    /// A column by name (case-insensitive, as Doris).
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Column position by name.
    pub fn column_pos(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// Key columns in order.
    pub fn key_columns(&self) -> impl Iterator<Item = &Column> {
        self.columns.iter().filter(|c| c.is_key)
    }

    /// A partition (regular or temp, by flag) by name.
    pub fn partition(&self, name: &str, temp: bool) -> Option<&Partition> {
        self.partitions
            .iter()
            .find(|p| p.is_temp == temp && p.name.eq_ignore_ascii_case(name))
    }

    /// A partition by id.
    pub fn partition_by_id(&self, id: i64) -> Option<&Partition> {
        self.partitions.iter().find(|p| p.id == id)
    }

    /// Mutable partition by id.
    pub fn partition_by_id_mut(&mut self, id: i64) -> Option<&mut Partition> {
        self.partitions.iter_mut().find(|p| p.id == id)
    }

    /// Regular (non-temporary) partitions.
    pub fn regular_partitions(&self) -> impl Iterator<Item = &Partition> {
        self.partitions.iter().filter(|p| !p.is_temp)
    }

    /// A materialized index by name.
    pub fn index_by_name(&self, name: &str) -> Option<&IndexMeta> {
        self.indexes
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    }

    /// True when `binlog.enable` is "true" on the table.
    pub fn binlog_enabled(&self) -> bool {
        self.properties.get("binlog.enable").map(String::as_str) == Some("true")
    }

    /// Replication number for new partitions.
    pub fn replication_num(&self) -> u32 {
        self.properties
            .get("replication_allocation")
            .and_then(|v| parse_replication_allocation(v))
            .unwrap_or(3)
    }

    /// Every tablet id of the table.
    pub fn tablet_ids(&self) -> Vec<i64> {
        self.partitions
            .iter()
            .flat_map(|p| p.indexes.iter())
            .flat_map(|i| i.tablets.iter().map(|t| t.id))
            .collect()
    }
}

/// Parses `tag.location.default: N` into N.
pub fn parse_replication_allocation(v: &str) -> Option<u32> {
    v.split(',').find_map(|part| {
        let (tag, n) = part.split_once(':')?;
        (tag.trim() == "tag.location.default")
            .then(|| n.trim().parse().ok())
            .flatten()
    })
}
