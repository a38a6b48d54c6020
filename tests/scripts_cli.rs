//! `--help` and bad options of the operator scripts.

use std::path::PathBuf;
use std::process::{Command, Output};

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(name)
}

fn run(name: &str, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(script(name))
        .args(args)
        .env_remove("SYNCER_HOME")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_describes_each_script() {
    let cases = [
        ("start_syncer.sh", "--help", "Starts a ccr-syncer node"),
        ("start_syncer.sh", "-h", "--daemon"),
        ("stop_syncer.sh", "--help", "SIGTERM"),
        ("enable_db_binlog.sh", "--help", "binlog.ttl_seconds"),
    ];
    for (name, flag, needle) in cases {
        let out = run(name, &[flag]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name} {flag}: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("Usage:") && stdout.contains(needle),
            "{name}: {stdout}"
        );
    }
    let stop = text(&run("stop_syncer.sh", &["--help"]).stdout);
    assert!(
        stop.contains("--force") && stop.contains("original"),
        "{stop}"
    );
}

#[test]
fn bad_options_exit_2_with_a_message() {
    let cases: [(&str, &[&str], &str); 9] = [
        ("start_syncer.sh", &["--bogus"], "unknown option '--bogus'"),
        ("start_syncer.sh", &["--port"], "--port needs a value"),
        ("start_syncer.sh", &["--daemon=yes"], "takes no value"),
        (
            "start_syncer.sh",
            &["--port", "abc"],
            "--port must be a number",
        ),
        ("stop_syncer.sh", &["--bogus"], "unknown option '--bogus'"),
        ("stop_syncer.sh", &["--timeout", "soon"], "--timeout"),
        ("enable_db_binlog.sh", &[], "-d DB is required"),
        ("enable_db_binlog.sh", &["-x"], "unknown option '-x'"),
        (
            "enable_db_binlog.sh",
            &["-d", "db", "--bogus"],
            "unknown option '--bogus'",
        ),
    ];
    for (name, args, needle) in cases {
        let out = run(name, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(stderr.contains(needle), "{name} {args:?}: {stderr}");
        assert!(stderr.contains("--help"), "{name} {args:?}: {stderr}");
    }
}

#[test]
fn start_refuses_external_metadata_stores() {
    for db_type in ["mysql", "--db_type=postgresql"] {
        let args: Vec<&str> = if db_type.starts_with("--") {
            vec![db_type]
        } else {
            vec!["--db_type", db_type]
        };
        let out = run("start_syncer.sh", &args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(ccr_syncer::config::DB_TYPE_REFUSAL),
            "{stderr}"
        );
    }
}

#[test]
fn stop_with_no_pid_files_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        "stop_syncer.sh",
        &["--pid_dir", dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("nothing to stop"));
}

#[test]
fn stop_of_a_missing_pid_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let pid_dir = dir.path().to_str().unwrap();
    let out = run("stop_syncer.sh", &["--pid_dir", pid_dir, "--port", "9190"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("127.0.0.1_9190.pid does not exist"));
}
