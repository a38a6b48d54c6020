//! The command line (outer layer): one flag per key, plus the original syncer's flags.
//!
//! Old command lines keep working: `-host=x -port=9190` (Go style, see [`super::argv`]),
//! `--db_dir`, `--log_level`, `--log_filename`, `--connect_timeout`, the `--feature_*`
//! switches; flags that only made sense for the MySQL/PostgreSQL metadata store are
//! accepted and ignored (see [`Args::ignored_legacy_flags`]).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use super::duration::parse_duration;
use super::LogFormat;
use crate::doris::Secret;

/// `ccr-syncer` flags. Precedence: flags > `CCR_SYNCER_<SECTION>_<KEY>` environment
/// variables > the `--config` file > defaults.
#[derive(Clone, Debug, Default, Parser)]
#[command(name = "ccr-syncer", version, about, long_about = None)]
pub struct Args {
    /// TOML config file (also `$CCR_SYNCER_CONFIG`).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the effective configuration (secrets as ***) and exit.
    #[arg(long)]
    pub print_config: bool,

    /// [node] id: Raft node id (> 0).
    #[arg(long, alias = "node_id", value_name = "ID")]
    pub node_id: Option<u64>,
    /// [node] host: advertised host.
    #[arg(long, value_name = "HOST")]
    pub host: Option<String>,
    /// [node] listen_host: bind address of the servers.
    #[arg(long, alias = "listen_host", value_name = "HOST")]
    pub listen_host: Option<String>,
    /// [node] http_port: HTTP API port.
    #[arg(long, visible_alias = "port", alias = "http_port", value_name = "PORT")]
    pub http_port: Option<u16>,
    /// [node] raft_port: Raft gRPC port.
    #[arg(long, alias = "raft_port", value_name = "PORT")]
    pub raft_port: Option<u16>,
    /// [node] data_dir: data directory (the original's --db_dir).
    #[arg(long, visible_alias = "db_dir", alias = "data_dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// [node] join: HTTP addresses of members to join (repeat or comma-separate).
    #[arg(long, value_name = "HOST:PORT", value_delimiter = ',')]
    pub join: Option<Vec<String>>,
    /// Metadata store type, for old command lines: only `sqlite3`/`embedded`.
    #[arg(long = "db_type", alias = "db-type", value_name = "TYPE")]
    pub db_type: Option<String>,

    /// [raft] heartbeat_interval.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub heartbeat_interval: Option<Duration>,
    /// [raft] election_timeout_min.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub election_timeout_min: Option<Duration>,
    /// [raft] election_timeout_max.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub election_timeout_max: Option<Duration>,
    /// [raft] lease.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub lease: Option<Duration>,
    /// [raft] reassign_after (> lease).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub reassign_after: Option<Duration>,
    /// [raft] snapshot_logs_since_last.
    #[arg(long, value_name = "N")]
    pub snapshot_logs_since_last: Option<u64>,

    /// [api] token: bearer token (prefer $CCR_SYNCER_API_TOKEN: flags show in `ps`).
    #[arg(long, value_name = "TOKEN", value_parser = parse_secret)]
    pub api_token: Option<Secret>,
    /// [api] max_body_bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// [api] tls_cert: PEM certificate file.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// [api] tls_key: PEM key file.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// [security] secrets_key_file: base64 32-byte key sealing job passwords at rest.
    #[arg(long, value_name = "FILE")]
    pub secrets_key_file: Option<PathBuf>,

    /// [doris] connect_timeout.
    #[arg(long, alias = "connect_timeout", value_parser = parse_duration, value_name = "DURATION")]
    pub connect_timeout: Option<Duration>,
    /// [doris] rpc_timeout.
    #[arg(long, alias = "rpc_timeout", value_parser = parse_duration, value_name = "DURATION")]
    pub rpc_timeout: Option<Duration>,
    /// [doris] commit_txn_timeout.
    #[arg(
        long,
        alias = "commit_txn_timeout",
        value_parser = parse_duration,
        value_name = "DURATION",
    )]
    pub commit_txn_timeout: Option<Duration>,
    /// [doris] max_ingest_concurrency_per_backend.
    #[arg(long, alias = "max_ingest_concurrency_per_backend", value_name = "N")]
    pub max_ingest_concurrency_per_backend: Option<usize>,
    /// [doris] backup_poll_timeout.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub backup_poll_timeout: Option<Duration>,
    /// [doris] restore_poll_timeout.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub restore_poll_timeout: Option<Duration>,

    /// [features] feature_schema_change_partial_sync.
    #[arg(
        long = "feature_schema_change_partial_sync",
        alias = "feature-schema-change-partial-sync",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_schema_change_partial_sync: Option<bool>,
    /// [features] feature_clean_table_and_partitions.
    #[arg(
        long = "feature_clean_table_and_partitions",
        alias = "feature-clean-table-and-partitions",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_clean_table_and_partitions: Option<bool>,
    /// [features] feature_atomic_restore.
    #[arg(
        long = "feature_atomic_restore",
        alias = "feature-atomic-restore",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_atomic_restore: Option<bool>,
    /// [features] feature_create_view_drop_exists.
    #[arg(
        long = "feature_create_view_drop_exists",
        alias = "feature-create-view-drop-exists",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_create_view_drop_exists: Option<bool>,
    /// [features] feature_replace_not_matched_with_alias.
    #[arg(
        long = "feature_replace_not_matched_with_alias",
        alias = "feature-replace-not-matched-with-alias",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_replace_not_matched_with_alias: Option<bool>,
    /// [features] feature_filter_shadow_indexes_upsert.
    #[arg(
        long = "feature_filter_shadow_indexes_upsert",
        alias = "feature-filter-shadow-indexes-upsert",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_filter_shadow_indexes_upsert: Option<bool>,
    /// [features] feature_cancel_conflict_backup_restore_job.
    #[arg(
        long = "feature_cancel_conflict_backup_restore_job",
        alias = "feature-cancel-conflict-backup-restore-job",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL",
    )]
    pub feature_cancel_conflict_backup_restore_job: Option<bool>,

    /// [log] level (the original's --log_level).
    #[arg(long, visible_alias = "log_level", value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// [log] format: text or json.
    #[arg(long, alias = "log_format", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// [log] file (the original's --log_filename); default stderr.
    #[arg(
        long,
        visible_alias = "log_filename",
        alias = "log_file",
        value_name = "FILE"
    )]
    pub log_file: Option<PathBuf>,

    /// Legacy flags of the MySQL/PostgreSQL store and pprof: accepted, ignored.
    #[command(flatten)]
    pub legacy: LegacyArgs,
}

/// The original syncer's flags that have no meaning here; kept so old command lines
/// still parse. Hidden from `--help`.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LegacyArgs {
    #[arg(long = "db_host", hide = true)]
    db_host: Option<String>,
    #[arg(long = "db_port", hide = true)]
    db_port: Option<String>,
    #[arg(long = "db_user", hide = true)]
    db_user: Option<String>,
    #[arg(long = "db_password", hide = true, value_parser = parse_secret)]
    db_password: Option<Secret>,
    #[arg(long = "mysql_max_allowed_packet", hide = true)]
    mysql_max_allowed_packet: Option<String>,
    #[arg(
        long = "pprof",
        hide = true,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
    )]
    pprof: Option<String>,
    #[arg(long = "pprof_port", hide = true)]
    pprof_port: Option<String>,
    #[arg(
        long = "log_also_to_stderr",
        hide = true,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
    )]
    log_also_to_stderr: Option<String>,
    #[arg(long = "local_repo_name", hide = true)]
    local_repo_name: Option<String>,
}

/// Wraps secrets at parse time so `Debug` of [`Args`] never shows them.
fn parse_secret(text: &str) -> Result<Secret, String> {
    Ok(Secret::new(text))
}

impl Args {
    /// Parses `argv` (program name first) after [`super::argv::normalize`].
    pub fn parse_normalized<I, T>(argv: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString>,
    {
        Args::try_parse_from(super::argv::normalize(argv))
    }

    /// The legacy flags given on this command line (they were ignored); for a startup
    /// warning once logging is up.
    pub fn ignored_legacy_flags(&self) -> Vec<&'static str> {
        let l = &self.legacy;
        let given = [
            ("db_host", l.db_host.is_some()),
            ("db_port", l.db_port.is_some()),
            ("db_user", l.db_user.is_some()),
            ("db_password", l.db_password.is_some()),
            (
                "mysql_max_allowed_packet",
                l.mysql_max_allowed_packet.is_some(),
            ),
            ("pprof", l.pprof.is_some()),
            ("pprof_port", l.pprof_port.is_some()),
            ("log_also_to_stderr", l.log_also_to_stderr.is_some()),
            ("local_repo_name", l.local_repo_name.is_some()),
        ];
        given.iter().filter(|(_, g)| *g).map(|(n, _)| *n).collect()
    }
}
