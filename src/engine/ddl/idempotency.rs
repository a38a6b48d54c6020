//! Idempotent DDL replay: a crash between applying a DDL and checkpointing it replays the
//! binlog; the target then refuses with "already exists" / "does not exist" style errors
//! that really mean "already applied".

const EXISTS: &[&str] = &[
    "already exists",
    "already exist",
    "already used",
    "duplicate",
];
const GONE: &[&str] = &[
    "does not exist",
    "does not exists",
    "not exist",
    "unknown table",
    "unknown column",
    "unknown partition",
];

fn any(haystack: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| haystack.contains(n))
}

/// Kinds of replayable DDL, from the statement text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Create,
    Drop,
    AddColumn,
    DropColumn,
    Rename,
    AddPartition,
    DropPartition,
    DropRollup,
    Other,
}

fn kind_of(stmt: &str) -> Kind {
    let s = stmt.to_ascii_uppercase();
    let s = s.trim_start();
    if s.starts_with("CREATE ") {
        Kind::Create
    } else if s.starts_with("DROP TABLE") || s.starts_with("DROP VIEW") {
        Kind::Drop
    } else if s.contains(" RENAME ") {
        Kind::Rename
    } else if s.contains("ADD PARTITION") {
        Kind::AddPartition
    } else if s.contains("DROP PARTITION") {
        Kind::DropPartition
    } else if s.contains("DROP ROLLUP") {
        Kind::DropRollup
    } else if s.contains("ADD COLUMN") {
        Kind::AddColumn
    } else if s.contains("DROP COLUMN") {
        Kind::DropColumn
    } else {
        Kind::Other
    }
}

/// True when `err`, returned by the target for `stmt`, means the statement's effect is
/// already there (so a replay can be treated as done).
///
/// Examples: `ADD COLUMN` ⇒ "Can not add column which already exists"; `DROP COLUMN` ⇒
/// "Column does not exists" / "Unknown column"; `ADD PARTITION` ⇒ "Duplicate partition
/// name" / "partition ... already exists"; `CREATE TABLE` ⇒ "Table 't' already exists";
/// `DROP TABLE` ⇒ "Unknown table"; renames ⇒ the old name is gone or the new one exists.
pub fn is_already_applied(stmt: &str, err: &str) -> bool {
    let e = err.to_ascii_lowercase();
    match kind_of(stmt) {
        Kind::Create | Kind::AddColumn | Kind::AddPartition => any(&e, EXISTS),
        Kind::Drop | Kind::DropColumn | Kind::DropPartition | Kind::DropRollup => any(&e, GONE),
        Kind::Rename => any(&e, GONE) || any(&e, EXISTS) || e.contains("same name"),
        Kind::Other => false,
    }
}

/// True when the target says a DROP TABLE hit a view (retry as `DROP VIEW IF EXISTS`).
pub fn is_not_table_error(err: &str) -> bool {
    err.to_ascii_lowercase().contains("is not table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_replays() {
        let yes = [
            ("ALTER TABLE `d`.`t` ADD COLUMN `c` INT", "errCode = 2, detailMessage = Can not add column which already exists in base table: c"),
            ("ALTER TABLE `d`.`t` DROP COLUMN `c`", "errCode = 2, detailMessage = Column does not exists: c"),
            ("ALTER TABLE `d`.`t` DROP COLUMN `c`", "Unknown column 'c'"),
            ("ALTER TABLE `d`.`t` ADD PARTITION `p1` VALUES LESS THAN (\"10\")", "Duplicate partition name p1"),
            ("ALTER TABLE `d`.`t` ADD PARTITION p1", "partition p1 already exists"),
            ("CREATE TABLE `d`.`t` (k INT)", "errCode = 2, detailMessage = Table 't' already exists"),
            ("DROP TABLE IF EXISTS `d`.`t` FORCE", "Unknown table 't'"),
            ("ALTER TABLE `d`.`old` RENAME `new`", "Unknown table 'old'"),
            ("ALTER TABLE `d`.`t` RENAME COLUMN `a` `b`", "Column[a] does not exists"),
            ("ALTER TABLE `d`.`t` RENAME PARTITION `a` `b`", "Partition name[b] is already used"),
            ("ALTER TABLE `d`.`t` DROP ROLLUP `r`", "Rollup index[r] does not exist in table[t]"),
        ];
        for (stmt, err) in yes {
            assert!(is_already_applied(stmt, err), "{stmt} / {err}");
        }
        let no = [
            (
                "ALTER TABLE `d`.`t` ADD COLUMN `c` INT",
                "Unknown table 't'",
            ),
            ("CREATE TABLE `d`.`t` (k INT)", "Syntax error"),
            ("TRUNCATE TABLE `d`.`t`", "Unknown table 't'"),
            ("ALTER TABLE `d`.`t` MODIFY COMMENT 'x'", "already exists"),
            ("DROP TABLE IF EXISTS `d`.`t` FORCE", "Access denied"),
        ];
        for (stmt, err) in no {
            assert!(!is_already_applied(stmt, err), "{stmt} / {err}");
        }
    }

    #[test]
    fn not_table() {
        assert!(is_not_table_error(
            "errCode = 2, detailMessage = v is not TABLE"
        ));
        assert!(!is_not_table_error("Unknown table"));
    }
}
