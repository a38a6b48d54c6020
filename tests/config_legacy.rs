//! The original syncer's command lines keep working.

use std::time::Duration;

use ccr_syncer::config::{load_from, ConfigError};

#[test]
fn go_style_single_dash_flags() {
    let argv = [
        "ccr_syncer",
        "-host=10.0.0.5",
        "-port=9290",
        "-db_dir=/var/ccr/db",
        "-db_type=sqlite3",
        "-log_level=warning",
        "-log_filename=/tmp/ccr.log",
        "-connect_timeout=5s",
        "-rpc_timeout",
        "1m",
        "-commit_txn_timeout=40s",
        "-max_ingest_concurrency_per_backend=8",
        "-feature_atomic_restore=false",
        "-feature_clean_table_and_partitions",
    ];
    let loaded = load_from(argv, |_| None).unwrap();
    let cfg = loaded.config;
    assert_eq!(cfg.node.host, "10.0.0.5");
    assert_eq!(cfg.node.http_port, 9290);
    assert_eq!(cfg.node.data_dir.to_str(), Some("/var/ccr/db"));
    assert_eq!(cfg.log.level, "warning");
    assert_eq!(cfg.log.filter_directive(), "warn");
    assert_eq!(
        cfg.log.file.as_deref().and_then(|p| p.to_str()),
        Some("/tmp/ccr.log")
    );
    assert_eq!(cfg.doris.connect_timeout, Duration::from_secs(5));
    assert_eq!(cfg.doris.rpc_timeout, Duration::from_secs(60));
    assert_eq!(cfg.doris.commit_txn_timeout, Duration::from_secs(40));
    assert_eq!(cfg.doris.max_ingest_concurrency_per_backend, 8);
    assert!(!cfg.features.feature_atomic_restore);
    assert!(cfg.features.feature_clean_table_and_partitions);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn double_dash_underscore_flags() {
    let argv = [
        "x",
        "--db_dir",
        "d",
        "--log_level",
        "debug",
        "--db_type",
        "embedded",
    ];
    let cfg = load_from(argv, |_| None).unwrap().config;
    assert_eq!(cfg.node.data_dir.to_str(), Some("d"));
    assert_eq!(cfg.log.level, "debug");
}

#[test]
fn refusal_message_is_the_documented_one() {
    assert_eq!(
        ccr_syncer::config::DB_TYPE_REFUSAL,
        concat!(
            "the Raft-replicated embedded store replaces MySQL/PostgreSQL-based HA; ",
            "run several nodes instead"
        )
    );
}

#[test]
fn mysql_and_postgresql_stores_are_refused() {
    for db_type in ["mysql", "postgresql"] {
        let flag = format!("-db_type={db_type}");
        let err = load_from(["x", flag.as_str()], |_| None).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ConfigError::InvalidValue { .. }), "{text}");
        assert!(text.contains(ccr_syncer::config::DB_TYPE_REFUSAL), "{text}");
        assert!(text.contains(db_type), "{text}");
    }
}

#[test]
fn store_only_flags_are_accepted_and_reported() {
    let argv = [
        "x",
        "-db_host=h",
        "-db_port=3306",
        "-db_user=u",
        "-db_password=p",
        "-pprof",
    ];
    let loaded = load_from(argv, |_| None).unwrap();
    assert_eq!(loaded.warnings.len(), 5, "{:?}", loaded.warnings);
    assert!(loaded.warnings.iter().all(|w| !w.contains("=p")));
}

#[test]
fn help_and_version_are_clap_errors_with_exit_code_0() {
    for flag in ["--help", "-help", "--version", "-version"] {
        let err = load_from(["ccr-syncer", flag], |_| None).unwrap_err();
        assert_eq!(err.exit_code(), 0, "{flag}: {err}");
    }
}
