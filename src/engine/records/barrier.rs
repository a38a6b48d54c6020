//! BARRIER (10) payload, including the master envelope (`binlogType` + `binlog`).

use super::{decode, BinlogType, RecordError};
use serde::{Deserialize, Serialize};

/// A snapshot barrier; on master FEs may wrap a newer binlog type for old readers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BarrierRecord {
    /// Source db id.
    pub db_id: i64,
    /// Source db name.
    pub db_name: String,
    /// Source table id.
    pub table_id: i64,
    /// Source table name.
    pub table_name: String,
    /// Wrapped binlog type (master).
    pub binlog_type: Option<i32>,
    /// Wrapped payload: a JSON string (or, tolerated, an inline object).
    pub binlog: Option<serde_json::Value>,
}

impl BarrierRecord {
    /// Decodes a BARRIER payload (an empty payload is a plain barrier).
    pub fn parse(data: &str) -> Result<Self, RecordError> {
        if data.trim().is_empty() {
            return Ok(Self::default());
        }
        decode(BinlogType::Barrier, data)
    }

    /// `(type, payload)` of the wrapped binlog, if this is an envelope.
    pub fn wrapped(&self) -> Option<(i32, String)> {
        let ty = self.binlog_type.filter(|t| *t >= 0 && *t != 10)?;
        let data = match self.binlog.as_ref()? {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => return None,
            v => v.to_string(),
        };
        Some((ty, data))
    }
}
