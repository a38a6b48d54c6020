//! Periodic DDL on the source: add/drop a value column, add/drop a partition, truncate,
//! create/drop a table (db-level jobs only).
//!
//! Each change toggles a flag whatever the outcome: a statement that failed while the
//! source restarted makes the opposite statement fail later, which toggles it back, so the
//! model never drifts for long and never needs to query the source.

use rand::rngs::StdRng;
use rand::Rng;

use crate::schema::{Kind, DB_JOBS, PROPS};

/// Per-database DDL state.
#[derive(Default, Clone)]
struct DbDdl {
    column: Option<u32>,
    partition: Option<u32>,
    table: Option<u32>,
}

/// The DDL model of every database.
pub struct DdlState {
    dbs: Vec<(&'static str, DbDdl)>,
    n: u32,
}

impl DdlState {
    /// No DDL done yet on `dbs`.
    pub fn new(dbs: Vec<&'static str>) -> Self {
        DdlState {
            dbs: dbs.into_iter().map(|d| (d, DbDdl::default())).collect(),
            n: 0,
        }
    }

    /// Extra tables that exist now (`db`, `table`): the stream also writes to them.
    pub fn extra_tables(&self) -> Vec<(&'static str, String)> {
        self.dbs
            .iter()
            .filter_map(|(db, s)| s.table.map(|n| (*db, format!("extra{n}"))))
            .collect()
    }

    /// The statements of the next DDL change, chosen by `rng`.
    pub fn next(&mut self, rng: &mut StdRng) -> Vec<String> {
        self.n += 1;
        let n = self.n;
        let i = rng.gen_range(0..self.dbs.len());
        let (db, st) = &mut self.dbs[i];
        let db = *db;
        let db_job = DB_JOBS.contains(&db);
        match rng.gen_range(0..if db_job { 4 } else { 3 }) {
            0 => column(db, &mut st.column, n),
            1 => partition(db, &mut st.partition, n),
            2 => {
                let t = [Kind::Unique, Kind::Duplicate][rng.gen_range(0..2)].table();
                vec![format!("TRUNCATE TABLE `{db}`.`{t}`")]
            }
            _ => table(db, &mut st.table, n),
        }
    }
}

fn column(db: &str, state: &mut Option<u32>, n: u32) -> Vec<String> {
    let t = Kind::Unique.table();
    match state.take() {
        Some(c) => vec![format!("ALTER TABLE `{db}`.`{t}` DROP COLUMN `c{c}`")],
        None => {
            *state = Some(n);
            vec![format!(
                "ALTER TABLE `{db}`.`{t}` ADD COLUMN `c{n}` INT NULL DEFAULT \"7\""
            )]
        }
    }
}

fn partition(db: &str, state: &mut Option<u32>, n: u32) -> Vec<String> {
    let t = Kind::Duplicate.table();
    match state.take() {
        Some(p) => vec![format!("ALTER TABLE `{db}`.`{t}` DROP PARTITION `px{p}`")],
        None => {
            *state = Some(n);
            let lo = 10_000 + i64::from(n) * 100;
            vec![
                format!(
                    "ALTER TABLE `{db}`.`{t}` ADD PARTITION `px{n}` VALUES [(\"{lo}\"), (\"{}\"))",
                    lo + 100
                ),
                format!("INSERT INTO `{db}`.`{t}` (id, v) VALUES ({lo}, {n})"),
            ]
        }
    }
}

fn table(db: &str, state: &mut Option<u32>, n: u32) -> Vec<String> {
    match state.take() {
        Some(t) => vec![format!("DROP TABLE IF EXISTS `{db}`.`extra{t}`")],
        None => {
            *state = Some(n);
            vec![
                format!(
                    "CREATE TABLE IF NOT EXISTS `{db}`.`extra{n}` (id INT NOT NULL, v BIGINT NULL) \
                     DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 {PROPS}"
                ),
                format!("INSERT INTO `{db}`.`extra{n}` (id, v) VALUES (1, {n})"),
            ]
        }
    }
}
