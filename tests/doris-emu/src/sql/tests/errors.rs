use crate::sql::{parse, parse_many, parse_many_with_text, ParseError, Statement};

fn err(sql: &str) -> String {
    match parse(sql) {
        Ok(s) => panic!("{sql:?} parsed as {s:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn syntax_errors_name_token_and_position() {
    // As in MySQL, `FORM` is an alias of `b`, so the error is at `t`.
    assert_eq!(
        err("SELECT a, b FORM t"),
        "Syntax error at 1:18 near 't': expected end of statement"
    );
    assert_eq!(
        err("DELETE FORM t"),
        "Syntax error at 1:8 near 'FORM': expected FROM"
    );
    assert_eq!(
        err("SHOW CREATE TABLE"),
        "Syntax error at 1:18 at end of input: expected an identifier"
    );
    assert_eq!(
        err("CREATE TABLE t (a INTT)"),
        "Syntax error at 1:19 near 'INTT': unknown column type"
    );
    assert_eq!(
        err("ALTER TABLE t\n  ADD PARTITION p VALUES LESS (1)"),
        "Syntax error at 2:31 near '(': expected THAN"
    );
    assert_eq!(
        err("ALTER TABLE t ADD PARTITION p VALUES (1)"),
        "Syntax error at 1:38 near '(': expected LESS THAN, '[' or IN"
    );
    assert!(err("SELECT 'unterminated").contains("unterminated string literal"));
    assert!(err("INSERT INTO t VALUES (1").contains("expected ',' or ')'"));
}

#[test]
fn unsupported_and_empty() {
    assert_eq!(
        parse("GRANT ALL ON *.* TO u"),
        Err(ParseError::Unsupported("GRANT".into()))
    );
    assert_eq!(
        err("grant select on db.* to u"),
        "statement not supported: GRANT"
    );
    assert_eq!(
        parse("ADMIN CHECK TABLET (1)"),
        Err(ParseError::Unsupported("ADMIN CHECK TABLET".into()))
    );
    assert_eq!(
        parse("CREATE CATALOG hive"),
        Err(ParseError::Unsupported("CREATE CATALOG".into()))
    );
    assert_eq!(
        parse("SHOW PROCESSLIST"),
        Err(ParseError::Unsupported("SHOW PROCESSLIST".into()))
    );
    assert_eq!(parse("  -- nothing\n ; "), Err(ParseError::Empty));
    assert_eq!(parse(""), Err(ParseError::Empty));
}

#[test]
fn batches_split_on_top_level_semicolons() {
    let stmts = parse_many("USE db; SELECT ';' ;; -- c\n SHOW TABLES;").expect("parse");
    assert_eq!(stmts.len(), 3);
    assert!(matches!(stmts[2], Statement::Show(_)));
    let with_text = parse_many_with_text("ALTER TABLE `db`.`t` ADD COLUMN c INT ;\nDROP TABLE t")
        .expect("parse");
    assert_eq!(with_text[0].text, "ALTER TABLE `db`.`t` ADD COLUMN c INT");
    assert_eq!(with_text[1].text, "DROP TABLE t");
    assert_eq!(parse_many("").expect("empty"), vec![]);
    assert!(parse_many("SELECT 1; SELEC 2").is_err());
    // A single-statement parse rejects a second statement.
    assert!(err("SELECT 1; SELECT 2").contains("expected end of statement"));
}

/// A tiny deterministic PRNG (xorshift) so the fuzz test needs no extra dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const CORPUS: &[&str] = &[
    "CREATE TABLE `t` (`id` INT NOT NULL COMMENT \"\", INDEX i (`id`) USING INVERTED) ENGINE=OLAP UNIQUE KEY(`id`) PARTITION BY RANGE(`id`) (PARTITION p1 VALUES [(\"1\"), (\"10\"))) DISTRIBUTED BY HASH(`id`) BUCKETS 3 PROPERTIES (\"a\" = \"b\");",
    "ALTER TABLE `t` ADD PARTITION `p2` VALUES [(\"10\"), (\"20\")) (\"version_info\" = \"1\") DISTRIBUTED BY HASH(`id`) BUCKETS 3",
    "ALTER TABLE `t` MODIFY COLUMN `c` COMMENT 'it\\'s', RENAME COLUMN a b",
    "SELECT a, COUNT(*) FROM db.t WHERE a BETWEEN 1 AND 2 AND b NOT IN ('x') OR c IS NOT NULL GROUP BY a ORDER BY a DESC LIMIT 1, 2",
    "INSERT INTO t PARTITION (p1) WITH LABEL l (a, b) VALUES (1, -2.5e3), (DEFAULT, CAST('x' AS DATE))",
    "BACKUP SNAPSHOT `db`.name TO `__keep_on_local__` ON (`t` PARTITION (`p1`,`p2`)) PROPERTIES (\"type\" = \"full\")",
    "SHOW BACKUP FROM `db` WHERE SnapshotName = \"x\"; CREATE VIEW v AS SELECT CASE WHEN a THEN (b) END FROM t",
    "PARTITION BY LIST(a) (PARTITION p VALUES IN (((\"1\"), (\"2\"))))",
];

#[test]
fn never_panics_on_truncations_and_mutations() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for sql in CORPUS {
        let chars: Vec<char> = sql.chars().collect();
        for cut in 0..=chars.len() {
            let s: String = chars[..cut].iter().collect();
            let _ = parse_many(&s);
            let _ = parse(&s);
        }
        for _ in 0..300 {
            let mut c = chars.clone();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() as usize) % c.len().max(1);
                let pick = b"()[],;'\"`-.=<>*@ \\/#x1"[(rng.next() % 22) as usize] as char;
                match rng.next() % 3 {
                    0 if !c.is_empty() => {
                        c.remove(i.min(c.len() - 1));
                    }
                    1 => c.insert(i.min(c.len()), pick),
                    _ if !c.is_empty() => {
                        let j = i.min(c.len() - 1);
                        c[j] = pick;
                    }
                    _ => {}
                }
            }
            let s: String = c.into_iter().collect();
            let _ = parse_many(&s);
        }
    }
}

#[test]
fn never_panics_on_random_bytes() {
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let len = (rng.next() % 64) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
        let _ = parse_many(&String::from_utf8_lossy(&bytes));
        let words = [
            "SELECT",
            "FROM",
            "(",
            ")",
            "`a`",
            "'s'",
            "1",
            ",",
            "ALTER",
            "TABLE",
            "ADD",
            "PARTITION",
            "VALUES",
            "[",
            "IN",
            "NOT",
            "-",
            "CREATE",
            "SHOW",
            ";",
        ];
        let s: Vec<&str> = (0..len)
            .map(|_| words[(rng.next() % words.len() as u64) as usize])
            .collect();
        let _ = parse_many(&s.join(" "));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(err(&deep).contains("nested too deeply"));
    let nots = format!("SELECT {}1", "NOT ".repeat(5000));
    assert!(err(&nots).contains("nested too deeply"));
    let negs = format!("SELECT {}a", "- ".repeat(5000));
    assert!(err(&negs).contains("nested too deeply"));
    let list = format!(
        "CREATE TABLE t (a INT) PARTITION BY LIST(a) (PARTITION p VALUES IN ({}1{}))",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert!(err(&list).contains("nested too deeply"));
}
