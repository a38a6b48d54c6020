//! What is replicated: the source databases, their tables and the jobs over them.
//!
//! Two db-level jobs (`cdb1`, `cdb2`) and three table-level jobs over `ctb`; every database
//! holds a UNIQUE, a DUPLICATE and an AGGREGATE-SUM table, range-partitioned on `id`.

/// Kinds of base tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `UNIQUE KEY(id)`.
    Unique,
    /// `DUPLICATE KEY(id)`.
    Duplicate,
    /// `AGGREGATE KEY(id)` with `v BIGINT SUM`.
    AggSum,
}

impl Kind {
    /// All kinds.
    pub const ALL: [Kind; 3] = [Kind::Unique, Kind::Duplicate, Kind::AggSum];

    /// Table name of this kind.
    pub fn table(self) -> &'static str {
        match self {
            Kind::Unique => "uniq",
            Kind::Duplicate => "dup",
            Kind::AggSum => "agg",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Unique => "UNIQUE KEY(id)",
            Kind::Duplicate => "DUPLICATE KEY(id)",
            Kind::AggSum => "AGGREGATE KEY(id)",
        }
    }
}

/// Databases of the db-level jobs.
pub const DB_JOBS: [&str; 2] = ["cdb1", "cdb2"];
/// Database of the table-level jobs.
pub const TABLE_DB: &str = "ctb";
/// Keys of the steady workload are below this (partition `p0`).
pub const KEY_SPACE: i64 = 200;

/// Properties of every source table.
pub const PROPS: &str = "PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")";

/// One replication job.
#[derive(Clone, Debug)]
pub struct JobDef {
    /// Job name.
    pub name: String,
    /// Database (same name on both sides).
    pub db: &'static str,
    /// Table for a table-level job, `""` for a db-level job.
    pub table: &'static str,
}

/// Every job of the run.
pub fn jobs() -> Vec<JobDef> {
    let mut out: Vec<JobDef> = DB_JOBS
        .iter()
        .map(|db| JobDef {
            name: format!("db_{db}"),
            db,
            table: "",
        })
        .collect();
    for k in Kind::ALL {
        out.push(JobDef {
            name: format!("tb_{}", k.table()),
            db: TABLE_DB,
            table: k.table(),
        });
    }
    out
}

/// Every database of the run.
pub fn dbs() -> Vec<&'static str> {
    let mut v = DB_JOBS.to_vec();
    v.push(TABLE_DB);
    v
}

/// `CREATE TABLE` of base table `kind` in `db`.
pub fn create_table(db: &str, kind: Kind) -> String {
    let v = if kind == Kind::AggSum {
        "v BIGINT SUM NOT NULL DEFAULT \"0\""
    } else {
        "v BIGINT NULL"
    };
    format!(
        "CREATE TABLE `{db}`.`{}` (id INT NOT NULL, {v}) {} \
         PARTITION BY RANGE(id) (PARTITION p0 VALUES LESS THAN (\"1000\")) \
         DISTRIBUTED BY HASH(id) BUCKETS 2 {PROPS}",
        kind.table(),
        kind.key()
    )
}

/// Statements creating the whole source side.
pub fn setup_statements() -> Vec<String> {
    let mut out = Vec::new();
    for db in dbs() {
        out.push(format!("CREATE DATABASE `{db}`"));
        out.push(format!(
            "ALTER DATABASE `{db}` SET PROPERTIES (\"binlog.enable\" = \"true\")"
        ));
        for k in Kind::ALL {
            out.push(create_table(db, k));
            out.push(format!(
                "INSERT INTO `{db}`.`{}` (id, v) VALUES (0, 1)",
                k.table()
            ));
        }
    }
    out
}
