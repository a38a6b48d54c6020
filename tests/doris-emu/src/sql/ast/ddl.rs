//! `CREATE TABLE` and its parts (columns, types, keys, partitions, distribution, rollups,
//! indexes), shared with `ALTER TABLE`.

use super::{Literal, ObjectName, Properties};
use std::fmt;

/// `CREATE TABLE [IF NOT EXISTS] [db.]t (...) ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    /// `IF NOT EXISTS`.
    pub if_not_exists: bool,
    /// Table name.
    pub name: ObjectName,
    /// Columns in declaration order.
    pub columns: Vec<ColumnDef>,
    /// `INDEX ...` clauses inside the column list.
    pub indexes: Vec<IndexDef>,
    /// `ENGINE=x` (e.g. `OLAP`), as written.
    pub engine: Option<String>,
    /// `DUPLICATE|UNIQUE|AGGREGATE KEY(...)`.
    pub keys: Option<KeysDesc>,
    /// Table `COMMENT '...'`.
    pub comment: Option<String>,
    /// `PARTITION BY ...`.
    pub partition: Option<PartitionDesc>,
    /// `DISTRIBUTED BY ...`.
    pub distribution: Option<DistributionDesc>,
    /// `ROLLUP (...)`.
    pub rollups: Vec<RollupDef>,
    /// `PROPERTIES (...)`.
    pub properties: Properties,
}

/// A column type: the parsed kind and the type text exactly as written (e.g. `varchar(20)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataType {
    /// Parsed kind.
    pub kind: TypeKind,
    /// Source text of the type, as written (whitespace inside kept as written).
    pub text: String,
}

impl fmt::Display for DataType {
    /// The canonical upper-case rendering of [`TypeKind`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)
    }
}

/// Parsed column type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeKind {
    /// TINYINT
    TinyInt,
    /// SMALLINT
    SmallInt,
    /// INT / INTEGER
    Int,
    /// BIGINT
    BigInt,
    /// LARGEINT
    LargeInt,
    /// BOOLEAN / BOOL
    Boolean,
    /// FLOAT
    Float,
    /// DOUBLE
    Double,
    /// DECIMAL[(p[,s])]; `v3` for DECIMALV3 spelled explicitly.
    Decimal {
        precision: Option<u32>,
        scale: Option<u32>,
        v3: bool,
    },
    /// DATE; `v2` for DATEV2.
    Date { v2: bool },
    /// DATETIME[(n)]; `v2` for DATETIMEV2.
    DateTime { precision: Option<u32>, v2: bool },
    /// CHAR[(n)]
    Char(Option<u32>),
    /// VARCHAR[(n)]
    Varchar(Option<u32>),
    /// STRING / TEXT
    String,
    /// JSON / JSONB
    Json,
    /// Anything else (HLL, BITMAP, ARRAY<..>, MAP<..>, VARIANT, IPV4 ...): upper-cased
    /// source text.
    Other(String),
}

fn opt_len(f: &mut fmt::Formatter<'_>, name: &str, n: &Option<u32>) -> fmt::Result {
    match n {
        Some(n) => write!(f, "{name}({n})"),
        None => f.write_str(name),
    }
}

impl fmt::Display for TypeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeKind::TinyInt => f.write_str("TINYINT"),
            TypeKind::SmallInt => f.write_str("SMALLINT"),
            TypeKind::Int => f.write_str("INT"),
            TypeKind::BigInt => f.write_str("BIGINT"),
            TypeKind::LargeInt => f.write_str("LARGEINT"),
            TypeKind::Boolean => f.write_str("BOOLEAN"),
            TypeKind::Float => f.write_str("FLOAT"),
            TypeKind::Double => f.write_str("DOUBLE"),
            TypeKind::Decimal {
                precision,
                scale,
                v3,
            } => {
                f.write_str(if *v3 { "DECIMALV3" } else { "DECIMAL" })?;
                match (precision, scale) {
                    (Some(p), Some(s)) => write!(f, "({p}, {s})"),
                    (Some(p), None) => write!(f, "({p})"),
                    _ => Ok(()),
                }
            }
            TypeKind::Date { v2 } => f.write_str(if *v2 { "DATEV2" } else { "DATE" }),
            TypeKind::DateTime { precision, v2 } => {
                opt_len(f, if *v2 { "DATETIMEV2" } else { "DATETIME" }, precision)
            }
            TypeKind::Char(n) => opt_len(f, "CHAR", n),
            TypeKind::Varchar(n) => opt_len(f, "VARCHAR", n),
            TypeKind::String => f.write_str("STRING"),
            TypeKind::Json => f.write_str("JSON"),
            TypeKind::Other(s) => f.write_str(s),
        }
    }
}

/// Aggregation type of a value column in an AGGREGATE KEY table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AggType {
    /// SUM
    Sum,
    /// MAX
    Max,
    /// MIN
    Min,
    /// REPLACE
    Replace,
    /// REPLACE_IF_NOT_NULL
    ReplaceIfNotNull,
    /// HLL_UNION
    HllUnion,
    /// BITMAP_UNION
    BitmapUnion,
    /// QUANTILE_UNION
    QuantileUnion,
    /// GENERIC (Doris 2.1 agg_state)
    Generic,
}

impl AggType {
    /// Upper-case SQL spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            AggType::Sum => "SUM",
            AggType::Max => "MAX",
            AggType::Min => "MIN",
            AggType::Replace => "REPLACE",
            AggType::ReplaceIfNotNull => "REPLACE_IF_NOT_NULL",
            AggType::HllUnion => "HLL_UNION",
            AggType::BitmapUnion => "BITMAP_UNION",
            AggType::QuantileUnion => "QUANTILE_UNION",
            AggType::Generic => "GENERIC",
        }
    }
}

/// A column's `DEFAULT`.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnDefault {
    /// `DEFAULT NULL`.
    Null,
    /// `DEFAULT 'x'` / `DEFAULT "x"` / `DEFAULT 1` (a string `"null"` stays a string).
    Literal(Literal),
    /// `DEFAULT CURRENT_TIMESTAMP[(n)]` (also `NOW()`).
    CurrentTimestamp(Option<u32>),
    /// Any other keyword default (`CURRENT_DATE`, `BITMAP_EMPTY`, `PI`, `E`), upper-cased.
    Keyword(String),
}

/// One column definition.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    /// Column name.
    pub name: String,
    /// Column type.
    pub data_type: DataType,
    /// The `KEY` marker (used by `ALTER TABLE ADD COLUMN c INT KEY`).
    pub is_key: bool,
    /// Aggregation type (aggregate tables).
    pub agg_type: Option<AggType>,
    /// `NULL` → `Some(true)`, `NOT NULL` → `Some(false)`, unspecified → `None`.
    pub nullable: Option<bool>,
    /// `DEFAULT ...`.
    pub default: Option<ColumnDefault>,
    /// `AUTO_INCREMENT[(start)]`: `Some(start)` (start 1 when not given).
    pub auto_increment: Option<i64>,
    /// `ON UPDATE CURRENT_TIMESTAMP[(n)]`.
    pub on_update_current_timestamp: bool,
    /// `COMMENT '...'`.
    pub comment: Option<String>,
}

/// Inverted/bloom-filter/ngram index definition (CREATE TABLE, ALTER ADD INDEX,
/// CREATE INDEX).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    /// Index name.
    pub name: String,
    /// Indexed columns.
    pub columns: Vec<String>,
    /// `USING ...`; `None` when omitted.
    pub index_type: Option<IndexType>,
    /// `PROPERTIES (...)` (e.g. `"parser" = "english"`).
    pub properties: Properties,
    /// `COMMENT '...'`.
    pub comment: Option<String>,
}

/// Index kind after `USING`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexType {
    /// INVERTED
    Inverted,
    /// BLOOM_FILTER
    BloomFilter,
    /// NGRAM_BF
    NgramBf,
    /// BITMAP
    Bitmap,
}

impl IndexType {
    /// Upper-case SQL spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexType::Inverted => "INVERTED",
            IndexType::BloomFilter => "BLOOM_FILTER",
            IndexType::NgramBf => "NGRAM_BF",
            IndexType::Bitmap => "BITMAP",
        }
    }
}

/// Table data model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysType {
    /// DUPLICATE KEY
    Duplicate,
    /// UNIQUE KEY
    Unique,
    /// AGGREGATE KEY
    Aggregate,
}

impl KeysType {
    /// SQL spelling without `KEY` (`DUPLICATE`, `UNIQUE`, `AGGREGATE`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeysType::Duplicate => "DUPLICATE",
            KeysType::Unique => "UNIQUE",
            KeysType::Aggregate => "AGGREGATE",
        }
    }
}

/// `DUPLICATE|UNIQUE|AGGREGATE KEY(c1, c2)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysDesc {
    /// The model.
    pub keys_type: KeysType,
    /// Key columns.
    pub columns: Vec<String>,
}

/// `PARTITION BY RANGE|LIST (cols) (partitions)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionDesc {
    /// `PARTITION BY RANGE(...)`.
    Range {
        columns: Vec<String>,
        partitions: Vec<PartitionDef>,
    },
    /// `PARTITION BY LIST(...)`.
    List {
        columns: Vec<String>,
        partitions: Vec<PartitionDef>,
    },
}

/// One partition: `PARTITION [IF NOT EXISTS] p VALUES ... [("k" = "v")]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionDef {
    /// Partition name.
    pub name: String,
    /// `IF NOT EXISTS` (ALTER ADD PARTITION).
    pub if_not_exists: bool,
    /// The bounds.
    pub values: PartitionValues,
    /// Raw source text of the `VALUES ...` clause, e.g. `VALUES [("10"), ("20"))`;
    /// "" when there is no VALUES clause.
    pub values_text: String,
    /// Per-partition properties (e.g. `("version_info" = "1")`).
    pub properties: Properties,
}

/// Partition bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionValues {
    /// No `VALUES` clause (unpartitioned tables' single partition).
    Unspecified,
    /// `VALUES LESS THAN (v, ...)` or `VALUES LESS THAN MAXVALUE` (→ one `MaxValue`).
    LessThan(Vec<PartitionValue>),
    /// `VALUES [(lower...), (upper...))`; either tuple may be empty (`[(), ())`).
    Fixed {
        lower: Vec<PartitionValue>,
        upper: Vec<PartitionValue>,
    },
    /// `VALUES IN ("a", "b")` (one 1-tuple each) or `IN (("a", "1"), ...)`.
    In(Vec<Vec<PartitionValue>>),
}

/// One partition bound value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionValue {
    /// A value as text (`"10"`, `10` and `-5` all arrive as their text).
    Value(String),
    /// `MAXVALUE`.
    MaxValue,
    /// `NULL` (list partitions).
    Null,
}

/// Bucket count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buckets {
    /// `BUCKETS n`.
    Num(u32),
    /// `BUCKETS AUTO`.
    Auto,
}

/// `DISTRIBUTED BY HASH(cols) | RANDOM [BUCKETS n|AUTO]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DistributionDesc {
    /// `HASH(cols)`.
    Hash {
        columns: Vec<String>,
        buckets: Option<Buckets>,
    },
    /// `RANDOM`.
    Random { buckets: Option<Buckets> },
}

impl DistributionDesc {
    /// The bucket clause, if any.
    pub fn buckets(&self) -> Option<Buckets> {
        match self {
            DistributionDesc::Hash { buckets, .. } | DistributionDesc::Random { buckets } => {
                *buckets
            }
        }
    }
}

/// A rollup: `r (c1, c2) [DUPLICATE KEY (c1)] [PROPERTIES (...)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupDef {
    /// Rollup name.
    pub name: String,
    /// Columns of the rollup.
    pub columns: Vec<String>,
    /// `DUPLICATE KEY (...)`, if given.
    pub dup_keys: Vec<String>,
    /// `FROM base` (ALTER ADD ROLLUP).
    pub from_index: Option<String>,
    /// `PROPERTIES (...)`.
    pub properties: Properties,
}
