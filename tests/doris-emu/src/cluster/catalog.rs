//! Catalog objects: databases, tables, columns, partitions, indexes, tablets, replicas.
//!
//! Plain serde data; the data itself (rowsets) lives in `State::tablets`.

mod table;

pub use table::{parse_replication_allocation, Table};

use super::types::{SqlType, Value};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Ordered property map (SHOW CREATE prints in key order, which keeps output stable).
pub type Props = BTreeMap<String, String>;

/// A database.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Database {
    /// Db id.
    pub id: i64,
    /// Db name (no `default_cluster:` prefix).
    pub name: String,
    /// `binlog.*`, `replication_allocation`, ...
    pub properties: Props,
    /// Tables and views by id.
    pub tables: BTreeMap<i64, Table>,
    /// Name → table id.
    pub table_names: HashMap<String, i64>,
}

impl Database {
    /// The table named `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.table_names
            .get(name)
            .and_then(|id| self.tables.get(id))
    }

    /// The table named `name`, mutably.
    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        let id = *self.table_names.get(name)?;
        self.tables.get_mut(&id)
    }

    /// Inserts or replaces a table (by id), keeping the name index in sync.
    pub fn put_table(&mut self, table: Table) {
        if let Some(old) = self.tables.get(&table.id) {
            // Only drop the old name if it still points at this table (swaps rename two
            // tables in sequence).
            if old.name != table.name && self.table_names.get(&old.name) == Some(&table.id) {
                self.table_names.remove(&old.name);
            }
        }
        self.table_names.insert(table.name.clone(), table.id);
        self.tables.insert(table.id, table);
    }

    /// Removes a table by id.
    pub fn remove_table(&mut self, id: i64) -> Option<Table> {
        let t = self.tables.remove(&id)?;
        if self.table_names.get(&t.name) == Some(&id) {
            self.table_names.remove(&t.name);
        }
        Some(t)
    }

    /// True when `binlog.enable` is "true".
    pub fn binlog_enabled(&self) -> bool {
        self.properties.get("binlog.enable").map(String::as_str) == Some("true")
    }
}

/// Key model of an OLAP table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeysType {
    /// DUPLICATE KEY.
    Dup,
    /// UNIQUE KEY.
    Unique,
    /// AGGREGATE KEY.
    Agg,
}

impl KeysType {
    /// SQL keyword (`DUPLICATE`, `UNIQUE`, `AGGREGATE`).
    pub fn sql(self) -> &'static str {
        match self {
            KeysType::Dup => "DUPLICATE",
            KeysType::Unique => "UNIQUE",
            KeysType::Agg => "AGGREGATE",
        }
    }

    /// Doris internal name (`DUP_KEYS`, ...), shown by DESC ALL / SHOW PROC.
    pub fn internal(self) -> &'static str {
        match self {
            KeysType::Dup => "DUP_KEYS",
            KeysType::Unique => "UNIQUE_KEYS",
            KeysType::Agg => "AGG_KEYS",
        }
    }
}

/// Aggregation of a value column in an AGGREGATE (or UNIQUE: REPLACE) table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AggType {
    /// SUM.
    Sum,
    /// MAX.
    Max,
    /// MIN.
    Min,
    /// REPLACE.
    Replace,
    /// REPLACE_IF_NOT_NULL.
    ReplaceIfNotNull,
    /// Anything else (HLL_UNION, BITMAP_UNION, ...), kept by name.
    Other(String),
}

impl AggType {
    /// SQL keyword.
    pub fn sql(&self) -> String {
        match self {
            AggType::Sum => "SUM".into(),
            AggType::Max => "MAX".into(),
            AggType::Min => "MIN".into(),
            AggType::Replace => "REPLACE".into(),
            AggType::ReplaceIfNotNull => "REPLACE_IF_NOT_NULL".into(),
            AggType::Other(s) => s.to_uppercase(),
        }
    }
}

/// A column default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DefaultValue {
    /// `DEFAULT NULL`.
    Null,
    /// `DEFAULT "x"`.
    Literal(String),
    /// `DEFAULT CURRENT_TIMESTAMP` (or another function, by its SQL text).
    Expr(String),
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: SqlType,
    /// Part of the key.
    pub is_key: bool,
    /// Aggregation (value columns of AGGREGATE tables; REPLACE for UNIQUE values).
    pub agg: Option<AggType>,
    /// NULL allowed.
    pub nullable: bool,
    /// Default.
    pub default: Option<DefaultValue>,
    /// AUTO_INCREMENT.
    pub auto_increment: bool,
    /// Comment ("" when none).
    pub comment: String,
    /// Doris `col_unique_id`, sequential per table from 0.
    pub unique_id: u32,
}

/// Distribution of a partition's rows into buckets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// HASH columns; empty = RANDOM.
    pub hash_columns: Vec<String>,
    /// Bucket count (resolved when AUTO).
    pub buckets: u32,
    /// Declared `BUCKETS AUTO`.
    pub auto: bool,
}

impl Distribution {
    /// `HASH` or `RANDOM`.
    pub fn type_name(&self) -> &'static str {
        if self.hash_columns.is_empty() {
            "RANDOM"
        } else {
            "HASH"
        }
    }
}

/// How a table is partitioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionScheme {
    /// One partition named like the table.
    Unpartitioned,
    /// `PARTITION BY RANGE(cols)`.
    Range(Vec<String>),
    /// `PARTITION BY LIST(cols)`.
    List(Vec<String>),
}

/// One bound value of a range partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Bound {
    /// A concrete key value.
    V(Value),
    /// MAXVALUE.
    Max,
}

/// The key range/list of a partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PartitionItem {
    /// Unpartitioned table.
    All,
    /// `[lower, upper)`, one bound per partition column.
    Range {
        /// Inclusive lower bound.
        lower: Vec<Bound>,
        /// Exclusive upper bound.
        upper: Vec<Bound>,
    },
    /// `VALUES IN (...)`: tuples of the partition columns.
    List(Vec<Vec<Value>>),
}

/// A replica of a tablet on a BE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replica {
    /// Replica id.
    pub id: i64,
    /// Backend id.
    pub backend_id: i64,
}

/// A tablet (bucket) of one index of one partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tablet {
    /// Tablet id.
    pub id: i64,
    /// Replicas.
    pub replicas: Vec<Replica>,
}

/// The tablets of one index within one partition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionIndex {
    /// Index id (same id in every partition).
    pub index_id: i64,
    /// Tablets in bucket order (ascending ids).
    pub tablets: Vec<Tablet>,
}

/// A partition (regular or temporary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partition {
    /// Partition id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Key range / list.
    pub item: PartitionItem,
    /// Visible version (new partition = 1).
    pub visible_version: i64,
    /// Time of the last version bump (ms).
    pub visible_version_time: i64,
    /// Temporary partition.
    pub is_temp: bool,
    /// Distribution of this partition.
    pub distribution: Distribution,
    /// Replicas per tablet.
    pub replication_num: u32,
    /// Per-index tablets (base index first).
    pub indexes: Vec<PartitionIndex>,
}

impl Partition {
    /// The tablets of index `index_id`.
    pub fn index(&self, index_id: i64) -> Option<&PartitionIndex> {
        self.indexes.iter().find(|i| i.index_id == index_id)
    }
}

/// Schema of one materialized index (base index or rollup / sync MV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexMeta {
    /// Index id.
    pub id: i64,
    /// Name (the base index is named like the table).
    pub name: String,
    /// Column unique ids in schema order.
    pub columns: Vec<u32>,
    /// Schema version (bumped by schema changes).
    pub schema_version: i32,
    /// Original `CREATE MATERIALIZED VIEW` query text, if any.
    pub define_sql: Option<String>,
}

/// A secondary index (inverted, bloom filter, ngram) as a schema object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondaryIndex {
    /// Index id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Indexed columns.
    pub columns: Vec<String>,
    /// `INVERTED`, `BLOOMFILTER`, `NGRAM_BF`, `BITMAP`.
    pub kind: String,
    /// Index properties.
    pub properties: Vec<(String, String)>,
    /// Comment.
    pub comment: String,
}

/// A view definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewDef {
    /// The query text (as written after `AS`).
    pub query: String,
    /// Explicit column list with comments.
    pub columns: Vec<(String, String)>,
}
