//! In-flight step data (`data`) and partial sync target.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Step data. The original stores "JSON inside a string"; we keep it typed in memory
/// (`Text` for snapshot names / restore labels, `Json` for structured data) and render
/// it as the same string on the wire.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PersistData {
    /// Nothing in flight.
    #[default]
    Empty,
    /// A plain string (snapshot name, restore label).
    Text(String),
    /// Structured data (e.g. the in-flight UPSERT txn).
    Json(serde_json::Value),
}

impl PersistData {
    /// Stores any serializable value as structured data.
    pub fn from_value<T: Serialize>(v: &T) -> Result<Self, serde_json::Error> {
        Ok(PersistData::Json(serde_json::to_value(v)?))
    }

    /// Reads structured data back as `T`; `None` when empty or not of that shape.
    pub fn to_value<T: DeserializeOwned>(&self) -> Option<T> {
        match self {
            PersistData::Json(v) => serde_json::from_value(v.clone()).ok(),
            PersistData::Text(s) => serde_json::from_str(s).ok(),
            PersistData::Empty => None,
        }
    }

    /// The plain text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            PersistData::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The original's string rendering.
    pub fn render(&self) -> String {
        match self {
            PersistData::Empty => String::new(),
            PersistData::Text(s) => s.clone(),
            PersistData::Json(v) => v.to_string(),
        }
    }

    fn parse(s: String) -> Self {
        if s.is_empty() {
            return PersistData::Empty;
        }
        let looks_json = s.starts_with('{') || s.starts_with('[');
        match serde_json::from_str::<serde_json::Value>(&s) {
            Ok(v) if looks_json => PersistData::Json(v),
            _ => PersistData::Text(s),
        }
    }
}

impl Serialize for PersistData {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.render())
    }
}

impl<'de> Deserialize<'de> for PersistData {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        Ok(PersistData::parse(s.unwrap_or_default()))
    }
}

/// Target of a partial sync (only `table` and `partitions` are meaningful).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialSyncData {
    /// Source table id (0 when unknown).
    #[serde(default)]
    pub table_id: i64,
    /// Source table name.
    #[serde(default)]
    pub table: String,
    /// Partition ids (unused, kept for format compatibility).
    #[serde(default)]
    pub partition_ids: Option<Vec<i64>>,
    /// Partition names; empty = whole table.
    #[serde(default)]
    pub partitions: Vec<String>,
}
