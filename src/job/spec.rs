//! Job specification: what to replicate from where to where.
//!
//! JSON compatible with the original's `/create_ccr` request and persisted job JSON
//! (§1.2, §2.1): `port`/`thrift_port` are strings; numeric JSON values are rejected.

mod validate;
mod wire;

pub use validate::{validate_name, SpecError, MAX_NAME_LEN};
pub use wire::{CreateCcrRequest, SpecJson};

pub use crate::doris::{ClusterSpec, Frontend, Secret};
use serde::{Deserialize, Serialize};

/// DB-level or table-level job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyncType {
    /// Whole database (`src.table` empty).
    Db,
    /// One table (`src.table` set).
    Table,
}

impl SyncType {
    /// Original's name (`db_sync` / `table_sync`).
    pub fn name(self) -> &'static str {
        match self {
            SyncType::Db => "db_sync",
            SyncType::Table => "table_sync",
        }
    }

    /// Original's number (0 db, 1 table).
    pub fn code(self) -> i32 {
        match self {
            SyncType::Db => 0,
            SyncType::Table => 1,
        }
    }
}

/// A replication job as created by `/create_ccr`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    /// Unique job name (validated: see [`validate_name`]).
    pub name: String,
    /// Source cluster, database and optional table.
    pub src: ClusterSpec,
    /// Target cluster, database and optional table (alias when names differ).
    pub dest: ClusterSpec,
    /// Skip binlogs that fail to apply instead of retrying.
    #[serde(default)]
    pub skip_error: bool,
    /// Table jobs: accept an existing target table.
    #[serde(default)]
    pub allow_table_exists: bool,
}

impl JobSpec {
    /// Table job iff the source table is set.
    pub fn sync_type(&self) -> SyncType {
        if self.src.table.is_empty() {
            SyncType::Db
        } else {
            SyncType::Table
        }
    }

    /// Checks a spec built in code (requests are checked by
    /// [`CreateCcrRequest::into_spec`]).
    pub fn validate(&self) -> Result<(), SpecError> {
        validate::validate_spec(self)
    }

    /// Persisted JSON (password in clear: for the store only).
    pub fn to_store_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Parses [`JobSpec::to_store_json`] output.
    pub fn from_store_json(s: &str) -> Result<Self, SpecError> {
        serde_json::from_str(s).map_err(|e| SpecError::Json(e.to_string()))
    }

    /// JSON for `/job_detail`: the original's job JSON shape (`sync_type`, `name`,
    /// `src`, `dest`, `skip_error`, `state`) with passwords masked as `****`.
    pub fn to_masked_json(&self, state_code: Option<i32>) -> String {
        let mut src = self.src.clone();
        let mut dest = self.dest.clone();
        src.password = Secret::new("****");
        dest.password = Secret::new("****");
        let mut v = serde_json::json!({
            "sync_type": self.sync_type().code(),
            "name": self.name,
            "src": src,
            "dest": dest,
            "skip_error": self.skip_error,
            "allow_table_exists": self.allow_table_exists,
        });
        if let (Some(code), Some(obj)) = (state_code, v.as_object_mut()) {
            obj.insert("state".into(), code.into());
        }
        v.to_string()
    }
}

#[cfg(test)]
mod tests;
