//! `/create_ccr` request body: lenient about missing fields (validation reports them
//! clearly) but strict about types (numeric ports fail decoding, like the original).

use super::validate::{validate_spec, SpecError};
use super::{ClusterSpec, JobSpec, Secret};
use serde::Deserialize;

/// `src`/`dest` object of `/create_ccr`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SpecJson {
    /// FE host.
    #[serde(default)]
    pub host: String,
    /// MySQL port as a string (`"9030"`).
    #[serde(default)]
    pub port: String,
    /// Thrift port as a string (`"9020"`).
    #[serde(default)]
    pub thrift_port: String,
    /// User name.
    #[serde(default)]
    pub user: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Legacy cluster name.
    #[serde(default)]
    pub cluster: String,
    /// Database name.
    #[serde(default)]
    pub database: String,
    /// Table name ("" for db jobs).
    #[serde(default)]
    pub table: String,
}

/// Body of `/create_ccr`. Unknown fields are ignored.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CreateCcrRequest {
    /// Job name.
    #[serde(default)]
    pub name: String,
    /// Source.
    #[serde(default)]
    pub src: SpecJson,
    /// Target.
    #[serde(default)]
    pub dest: SpecJson,
    /// Skip failing binlogs.
    #[serde(default)]
    pub skip_error: bool,
    /// Accept an existing target table (table jobs).
    #[serde(default)]
    pub allow_table_exists: bool,
}

impl CreateCcrRequest {
    /// Validates and converts into a [`JobSpec`].
    pub fn into_spec(self) -> Result<JobSpec, SpecError> {
        super::validate_name(&self.name)?;
        let spec = JobSpec {
            name: self.name,
            src: self.src.into_cluster(),
            dest: self.dest.into_cluster(),
            skip_error: self.skip_error,
            allow_table_exists: self.allow_table_exists,
        };
        validate_spec(&spec)?;
        Ok(spec)
    }
}

impl SpecJson {
    fn into_cluster(self) -> ClusterSpec {
        ClusterSpec {
            host: self.host.trim().to_string(),
            port: self.port.trim().to_string(),
            thrift_port: self.thrift_port.trim().to_string(),
            user: self.user,
            password: Secret::new(self.password),
            cluster: self.cluster,
            database: self.database,
            table: self.table,
            ..ClusterSpec::default()
        }
    }
}
