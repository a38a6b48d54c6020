//! enable_db_binlog.sh: the statements it sends (through a fake `mysql` on PATH) and its
//! effect on a real `doris-emu` FE (needs the `mysql` client).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use doris_emu::testing::{EmuOptions, EmuProcess};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/enable_db_binlog.sh")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fake `mysql` that records argv and MYSQL_PWD and answers from canned output.
const FAKE_MYSQL: &str = r#"#!/bin/bash
log=$(dirname "$0")/calls.log
printf 'ARGV %s\n' "$*" >>"$log"
printf 'PWD %s\n' "${MYSQL_PWD:-<unset>}" >>"$log"
sql=${@: -1}
case $sql in
    "SHOW CREATE DATABASE"*) printf 'db1\tCREATE DATABASE `db1`\n' ;;
    "SELECT table_name FROM information_schema.tables"*) printf 'v1\n' ;;
    "SHOW TABLES"*) printf 't1\nv1\nt2\n' ;;
    "SHOW CREATE TABLE \`db1\`.\`t2\`")
        printf 't2\tPROPERTIES (\\n"binlog.enable" = "true"\\n)\n' ;;
    "SHOW CREATE TABLE"*) printf 't1\tPROPERTIES (\\n"replication_num" = "1"\\n)\n' ;;
esac
"#;

fn fake_mysql_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("mysql");
    fs::write(&exe, FAKE_MYSQL).unwrap();
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn run_with_path(path_dir: &Path, args: &[&str]) -> Output {
    let path = format!(
        "{}:{}",
        path_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg(script())
        .args(args)
        .env("PATH", path)
        .env_remove("MYSQL_PWD")
        .output()
        .unwrap()
}

#[test]
fn alters_each_table_without_binlog_then_the_database() {
    let dir = fake_mysql_dir();
    let out = run_with_path(
        dir.path(),
        &[
            "-h", "fe1", "-p", "9031", "-u", "admin", "-P", "pa ss", "-d", "db1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let calls = fs::read_to_string(dir.path().join("calls.log")).unwrap();
    let argv: Vec<&str> = calls
        .lines()
        .filter_map(|l| l.strip_prefix("ARGV "))
        .collect();
    assert!(
        argv.iter()
            .all(|a| a.starts_with("-h fe1 -P 9031 -u admin ")),
        "{calls}"
    );
    assert!(
        !argv.iter().any(|a| a.contains("pa ss")),
        "password on a command line: {calls}"
    );
    assert!(
        calls
            .lines()
            .filter(|l| l.starts_with("PWD"))
            .all(|l| l == "PWD pa ss"),
        "{calls}"
    );
    let alters: Vec<&&str> = argv.iter().filter(|a| a.contains("ALTER")).collect();
    let props = r#"("binlog.enable" = "true", "binlog.ttl_seconds" = "86400")"#;
    assert_eq!(alters.len(), 2, "{calls}");
    assert!(
        alters[0].ends_with(&format!("ALTER TABLE `db1`.`t1` SET {props}")),
        "{calls}"
    );
    assert!(
        alters[1].ends_with(&format!("ALTER DATABASE `db1` SET properties {props}")),
        "{calls}"
    );
    assert!(text(&out.stdout).contains("Enabled binlog on database db1."));
}

#[test]
fn empty_password_leaves_mysql_pwd_unset() {
    let dir = fake_mysql_dir();
    let out = run_with_path(dir.path(), &["-d", "db1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let calls = fs::read_to_string(dir.path().join("calls.log")).unwrap();
    assert!(
        calls.contains("ARGV -h 127.0.0.1 -P 9030 -u root "),
        "{calls}"
    );
    assert!(
        calls
            .lines()
            .filter(|l| l.starts_with("PWD"))
            .all(|l| l == "PWD <unset>"),
        "{calls}"
    );
}

fn mysql(emu: &EmuProcess, sql: &str) -> String {
    let out = Command::new("mysql")
        .args([
            "-h",
            emu.host(),
            "-P",
            &emu.query_port().to_string(),
            "-u",
            "root",
        ])
        .args(["--batch", "--skip-column-names", "-e", sql])
        .env_remove("MYSQL_PWD")
        .output()
        .unwrap();
    assert!(out.status.success(), "{sql}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn enables_binlog_on_a_doris_emu_database() {
    if Command::new("mysql").arg("--version").output().is_err() {
        eprintln!("SKIPPED: the `mysql` client is not installed (apt-get install mariadb-client)");
        return;
    }
    let emu = EmuProcess::start(EmuOptions::default()).expect("doris-emu starts");
    let ddl = "PROPERTIES (\"replication_num\" = \"1\")";
    mysql(&emu, "CREATE DATABASE d1");
    for t in ["t1", "`t 2`"] {
        let columns = "(k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1";
        mysql(&emu, &format!("CREATE TABLE d1.{t} {columns} {ddl}"));
    }
    mysql(&emu, "CREATE VIEW d1.v1 AS SELECT k FROM d1.t1");
    let port = emu.query_port().to_string();
    let args = ["-h", emu.host(), "-p", port.as_str(), "-d", "d1"];
    let out = Command::new("bash")
        .arg(script())
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let has_binlog = |s: &str| s.contains(r#""binlog.enable" = "true""#);
    assert!(has_binlog(&mysql(&emu, "SHOW CREATE DATABASE d1")));
    assert!(has_binlog(&mysql(&emu, "SHOW CREATE TABLE d1.t1")));
    assert!(has_binlog(&mysql(&emu, "SHOW CREATE TABLE d1.`t 2`")));

    let again = Command::new("bash")
        .arg(script())
        .args(args)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(text(&again.stdout).contains("already enabled on database d1"));
}
