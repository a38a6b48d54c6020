use super::ok;
use crate::sql::ast::*;

fn show(sql: &str) -> Show {
    match ok(sql) {
        Statement::Show(s) => s,
        other => panic!("{other:?}"),
    }
}

fn db_t(db: &str, t: &str) -> ObjectName {
    ObjectName {
        catalog: None,
        db: Some(db.into()),
        name: t.into(),
    }
}

#[test]
fn syncer_show_statements() {
    assert_eq!(show("show proc '/dbs/'"), Show::Proc("/dbs/".into()));
    assert_eq!(
        show("show proc '/dbs/10002/10005/partitions/10004/10006'"),
        Show::Proc("/dbs/10002/10005/partitions/10004/10006".into())
    );
    assert_eq!(show("show backends"), Show::Backends);
    assert_eq!(show("SHOW FRONTENDS"), Show::Frontends);
    assert_eq!(show("show table 10005"), Show::TableById(10005));
    assert_eq!(
        show("SHOW CREATE DATABASE `db`"),
        Show::CreateDatabase("db".into())
    );
    assert_eq!(
        show("SHOW CREATE TABLE `db`.`t`"),
        Show::CreateTable(db_t("db", "t"))
    );
    assert_eq!(
        show("SHOW CREATE VIEW v"),
        Show::CreateView(ObjectName::bare("v"))
    );
    assert_eq!(
        show("SHOW DATABASES LIKE 'db'"),
        Show::Databases {
            like: Some("db".into())
        }
    );
    assert_eq!(
        show("SHOW TABLES FROM `db` LIKE 't'"),
        Show::Tables {
            full: false,
            db: Some("db".into()),
            like: Some("t".into())
        }
    );
    assert_eq!(
        show("SHOW TABLES"),
        Show::Tables {
            full: false,
            db: None,
            like: None
        }
    );
    assert_eq!(
        show("SHOW FULL TABLES IN db"),
        Show::Tables {
            full: true,
            db: Some("db".into()),
            like: None
        }
    );
    let Show::Transaction { db, filter } = show("SHOW TRANSACTION FROM `db` WHERE id = 1234")
    else {
        panic!()
    };
    assert_eq!(db.as_deref(), Some("db"));
    assert_eq!(filter.expect("where").to_string(), "`id` = 1234");
    let Show::Transaction { filter, .. } = show("SHOW TRANSACTION WHERE label = \"l1\"") else {
        panic!()
    };
    assert_eq!(filter.expect("where").to_string(), "`label` = 'l1'");
}

#[test]
fn backup_restore_shows() {
    let Show::Backup { db, filter } =
        show("SHOW BACKUP FROM `db` WHERE SnapshotName = \"ccrs_db_t_1700000000\"")
    else {
        panic!()
    };
    assert_eq!(db.as_deref(), Some("db"));
    assert_eq!(
        filter,
        Some(Expr::Binary {
            left: Box::new(Expr::col("SnapshotName")),
            op: BinaryOp::Eq,
            right: Box::new(Expr::Literal(Literal::String(
                "ccrs_db_t_1700000000".into()
            ))),
        })
    );
    assert_eq!(
        show("SHOW BACKUP FROM `db`"),
        Show::Backup {
            db: Some("db".into()),
            filter: None
        }
    );
    let Show::Restore { filter, .. } = show("SHOW RESTORE FROM `db` WHERE Label = \"x_r_1\"")
    else {
        panic!()
    };
    assert!(filter.is_some());
    assert_eq!(
        show("SHOW SNAPSHOT ON `__keep_on_local__`"),
        Show::Snapshot {
            repo: "__keep_on_local__".into(),
            filter: None
        }
    );
}

#[test]
fn other_shows() {
    assert_eq!(
        show("SHOW PARTITIONS FROM db.t"),
        Show::Partitions {
            temporary: false,
            table: db_t("db", "t")
        }
    );
    assert_eq!(
        show("SHOW TEMPORARY PARTITIONS FROM t"),
        Show::Partitions {
            temporary: true,
            table: ObjectName::bare("t")
        }
    );
    assert_eq!(
        show("SHOW COLUMNS FROM t FROM db"),
        Show::Columns {
            full: false,
            table: db_t("db", "t"),
            all: false
        }
    );
    assert_eq!(
        show("SHOW FULL COLUMNS FROM t"),
        Show::Columns {
            full: true,
            table: ObjectName::bare("t"),
            all: false
        }
    );
    assert_eq!(
        show("DESC t"),
        Show::Columns {
            full: false,
            table: ObjectName::bare("t"),
            all: false
        }
    );
    assert_eq!(
        show("DESCRIBE db.t ALL"),
        Show::Columns {
            full: false,
            table: db_t("db", "t"),
            all: true
        }
    );
    assert_eq!(
        show("SHOW ALTER TABLE COLUMN FROM db"),
        Show::AlterJobs {
            kind: AlterJobKind::Column,
            db: Some("db".into()),
            filter: None
        }
    );
    assert_eq!(
        show("SHOW ALTER TABLE ROLLUP"),
        Show::AlterJobs {
            kind: AlterJobKind::Rollup,
            db: None,
            filter: None
        }
    );
    assert_eq!(
        show("SHOW VARIABLES LIKE 'lower%'"),
        Show::Variables {
            global: false,
            like: Some("lower%".into()),
            filter: None
        }
    );
    assert_eq!(
        show("SHOW GLOBAL VARIABLES"),
        Show::Variables {
            global: true,
            like: None,
            filter: None
        }
    );
    assert_eq!(
        show("SHOW DATA FROM db.t"),
        Show::Data {
            table: Some(db_t("db", "t"))
        }
    );
    assert_eq!(
        show("SHOW INDEX FROM t"),
        Show::Index {
            table: ObjectName::bare("t")
        }
    );
    assert_eq!(show("SHOW WARNINGS"), Show::Warnings);
}

#[test]
fn admin_statements() {
    assert_eq!(
        ok("ADMIN SHOW FRONTEND CONFIG LIKE \"%enable_feature_binlog%\""),
        Statement::AdminShowFrontendConfig {
            like: Some("%enable_feature_binlog%".into())
        }
    );
    assert_eq!(
        ok("ADMIN SET FRONTEND CONFIG (\"enable_feature_binlog\" = \"true\")"),
        Statement::AdminSetFrontendConfig(Properties(vec![(
            "enable_feature_binlog".into(),
            "true".into()
        )]))
    );
    assert_eq!(
        ok("ADMIN EMU GC BINLOG"),
        Statement::AdminEmu {
            command: "GC".into(),
            args: vec![EmuArg::Word("BINLOG".into())]
        }
    );
    assert_eq!(
        ok("admin emu inject error 'beginTxn' RATE 0.5"),
        Statement::AdminEmu {
            command: "INJECT".into(),
            args: vec![
                EmuArg::Word("error".into()),
                EmuArg::Literal(Literal::String("beginTxn".into())),
                EmuArg::Word("RATE".into()),
                EmuArg::Literal(Literal::Decimal("0.5".into())),
            ],
        }
    );
    assert_eq!(
        ok("ADMIN EMU DELAY -1"),
        Statement::AdminEmu {
            command: "DELAY".into(),
            args: vec![EmuArg::Literal(Literal::Int(-1))]
        }
    );
}

#[test]
fn backup_restore_statements() {
    let Statement::Backup(b) = ok("BACKUP SNAPSHOT `db`.`ccrs_db_1700000000` TO `__keep_on_local__` ON ( `t1`,`t2` ) PROPERTIES (\"type\" = \"full\")") else { panic!() };
    assert_eq!(
        (b.db.as_deref(), b.name.as_str(), b.repo.as_str()),
        (Some("db"), "ccrs_db_1700000000", "__keep_on_local__")
    );
    assert_eq!(
        b.on.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["t1", "t2"]
    );
    assert_eq!(b.properties.get("type"), Some("full"));
    let Statement::Backup(b) = ok("BACKUP SNAPSHOT `db`.ccrp_db_t_1700000000 TO `__keep_on_local__` ON (`t` PARTITION (`p1`,`p2`)) PROPERTIES (\"type\" = \"full\")") else { panic!() };
    assert_eq!(b.name, "ccrp_db_t_1700000000");
    assert_eq!(
        b.on[0],
        BackupTable {
            name: "t".into(),
            partitions: vec!["p1".into(), "p2".into()],
            alias: None
        }
    );
    let Statement::Backup(b) = ok("BACKUP SNAPSHOT snap TO repo EXCLUDE (t3)") else {
        panic!()
    };
    assert_eq!((b.db, b.on.len(), b.exclude.len()), (None, 0, 1));
    let Statement::Restore(r) = ok("RESTORE SNAPSHOT db.label1 FROM `repo` ON (t1 AS t2) PROPERTIES (\"backup_timestamp\" = \"2024-01-01-00-00-00\")") else { panic!() };
    assert_eq!(r.on[0].alias.as_deref(), Some("t2"));
    assert_eq!(
        ok("CANCEL BACKUP FROM db"),
        Statement::CancelBackup {
            db: Some("db".into())
        }
    );
    assert_eq!(
        ok("CANCEL RESTORE FROM `db`"),
        Statement::CancelRestore {
            db: Some("db".into())
        }
    );
}

#[test]
fn session_and_transactions() {
    assert_eq!(
        ok("SET NAMES utf8mb4 COLLATE utf8mb4_general_ci"),
        Statement::SetNames {
            charset: "utf8mb4".into(),
            collate: Some("utf8mb4_general_ci".into())
        }
    );
    let Statement::Set(a) =
        ok("SET GLOBAL enable_x = true, @@session.sql_mode = '', @u = 1, autocommit = ON, x := 2")
    else {
        panic!()
    };
    assert_eq!(a.len(), 5);
    assert_eq!(
        (a[0].scope, a[0].name.as_str()),
        (VarScope::Global, "enable_x")
    );
    assert_eq!(
        (a[1].scope, a[1].name.as_str()),
        (VarScope::Session, "sql_mode")
    );
    assert_eq!((a[2].scope, a[2].name.as_str()), (VarScope::User, "u"));
    assert_eq!(a[3].value, Expr::col("ON"));
    assert!(
        matches!(crate::sql::parse("SET PASSWORD = PASSWORD('x')"), Err(crate::sql::ParseError::Unsupported(s)) if s == "SET PASSWORD")
    );
    assert_eq!(ok("BEGIN"), Statement::Begin);
    assert_eq!(ok("start transaction"), Statement::Begin);
    assert_eq!(ok("COMMIT"), Statement::Commit);
    assert_eq!(ok("ROLLBACK WORK"), Statement::Rollback);
}

#[test]
fn admin_emu_passes_punctuation_through() {
    assert_eq!(
        ok("ADMIN EMU SET lag_ms = 100, `x`"),
        Statement::AdminEmu {
            command: "SET".into(),
            args: vec![
                EmuArg::Word("lag_ms".into()),
                EmuArg::Word("=".into()),
                EmuArg::Literal(Literal::Int(100)),
                EmuArg::Word(",".into()),
                EmuArg::Word("x".into()),
            ],
        }
    );
}
