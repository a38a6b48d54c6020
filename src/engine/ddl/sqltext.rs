//! Text rewrites of SQL emitted by the source FE (no regex dependency: small scanners).

/// Case-insensitive find of ASCII `needle` in `hay`, starting at byte `from`.
pub(crate) fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || from > h.len() || h.len() - from < n.len() {
        return None;
    }
    (from..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Last case-insensitive occurrence.
pub(crate) fn rfind_ci(hay: &str, needle: &str) -> Option<usize> {
    let mut last = None;
    let mut from = 0;
    while let Some(i) = find_ci(hay, needle, from) {
        last = Some(i);
        from = i + 1;
    }
    last
}

/// End (exclusive byte index) of one identifier starting at `i`: either back-quoted with
/// doubled back-quotes inside, or a bare word. `None` if there is none.
fn ident_end(s: &str, i: usize) -> Option<usize> {
    let b = s.as_bytes();
    if i >= b.len() {
        return None;
    }
    if b[i] == b'`' {
        let mut j = i + 1;
        while j < b.len() {
            if b[j] == b'`' {
                if b.get(j + 1) == Some(&b'`') {
                    j += 2;
                    continue;
                }
                return Some(j + 1);
            }
            j += 1;
        }
        return None;
    }
    let bare = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'-' | b':');
    let mut j = i;
    while j < b.len() && (bare(b[j]) || b[j] >= 0x80) {
        j += 1;
    }
    (j > i).then_some(j)
}

/// Byte range of a possibly qualified name (`a`.`b`.`c`) starting at `i`.
pub(crate) fn qualified_name_range(s: &str, i: usize) -> Option<(usize, usize)> {
    let mut end = ident_end(s, i)?;
    while s.as_bytes().get(end) == Some(&b'.') {
        match ident_end(s, end + 1) {
            Some(e) => end = e,
            None => break,
        }
    }
    Some((i, end))
}

/// Position after keyword `kw` at `i` (whitespace skipped on both sides), if present as
/// a whole word.
pub(crate) fn expect_kw(s: &str, i: usize, kw: &str) -> Option<usize> {
    let i = skip_ws(s, i);
    if find_ci(s, kw, i) != Some(i) {
        return None;
    }
    let end = i + kw.len();
    let boundary = s
        .as_bytes()
        .get(end)
        .is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
    boundary.then(|| skip_ws(s, end))
}

/// Start of the object name in `CREATE [OR REPLACE] TABLE|VIEW [IF NOT EXISTS] name`.
pub(crate) fn create_name_start(sql: &str) -> Option<usize> {
    let mut i = expect_kw(sql, 0, "CREATE")?;
    if let Some(j) = expect_kw(sql, i, "OR") {
        i = expect_kw(sql, j, "REPLACE")?;
    }
    i = expect_kw(sql, i, "TABLE").or_else(|| expect_kw(sql, i, "VIEW"))?;
    if let Some(j) = expect_kw(sql, i, "IF") {
        i = expect_kw(sql, expect_kw(sql, j, "NOT")?, "EXISTS")?;
    }
    Some(i)
}

pub(crate) fn skip_ws(s: &str, mut i: usize) -> usize {
    while s.as_bytes().get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Replaces the table reference after a leading `ALTER TABLE` with `target`
/// (already quoted/qualified). `None` when the statement does not start that way.
pub(crate) fn replace_alter_table_target(sql: &str, target: &str) -> Option<String> {
    let start = skip_ws(sql, 0);
    let kw_end = start + "ALTER".len();
    if find_ci(sql, "ALTER", start) != Some(start) {
        return None;
    }
    let t = skip_ws(sql, kw_end);
    if t == kw_end || find_ci(sql, "TABLE", t) != Some(t) {
        return None;
    }
    let name_start = skip_ws(sql, t + "TABLE".len());
    let (a, b) = qualified_name_range(sql, name_start)?;
    Some(format!("{}{}{}", &sql[..a], target, &sql[b..]))
}

/// The last part of the table name after a leading `ALTER TABLE`, unquoted
/// (`` ALTER TABLE `db`.`t` ... `` → `t`).
pub(crate) fn alter_table_name(sql: &str) -> Option<String> {
    let i = expect_kw(sql, 0, "ALTER")?;
    let i = expect_kw(sql, i, "TABLE")?;
    let (a, b) = qualified_name_range(sql, i)?;
    let mut j = a;
    while let Some(e) = ident_end(sql, j) {
        if sql.as_bytes().get(e) != Some(&b'.') || e >= b {
            return Some(unquote(&sql[j..e]));
        }
        j = e + 1;
    }
    None
}

/// Removes back-quotes from one identifier (undoing doubled back-quotes).
pub(crate) fn unquote(ident: &str) -> String {
    match ident.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        Some(inner) => inner.replace("``", "`"),
        None => ident.to_string(),
    }
}

/// Strips trailing whitespace and semicolons.
pub(crate) fn trim_statement(sql: &str) -> &str {
    sql.trim().trim_end_matches(';').trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_case_insensitively() {
        assert_eq!(find_ci("add Buckets auto", "BUCKETS AUTO", 0), Some(4));
        assert_eq!(rfind_ci("a b A", "a"), Some(4));
        assert_eq!(find_ci("ab", "abc", 0), None);
    }

    #[test]
    fn replaces_alter_table_target() {
        let cases = [
            (
                "ALTER TABLE `db`.`t` ADD COLUMN `c` INT",
                "ALTER TABLE `x`.`y` ADD COLUMN `c` INT",
            ),
            (
                "alter table t drop column c",
                "alter table `x`.`y` drop column c",
            ),
            (
                "ALTER TABLE `default_cluster:db`.`we``ird` ADD COLUMN c INT",
                "ALTER TABLE `x`.`y` ADD COLUMN c INT",
            ),
            (
                "ALTER TABLE my-tbl ADD COLUMN c INT",
                "ALTER TABLE `x`.`y` ADD COLUMN c INT",
            ),
        ];
        for (sql, want) in cases {
            assert_eq!(
                replace_alter_table_target(sql, "`x`.`y`").as_deref(),
                Some(want)
            );
        }
        assert!(replace_alter_table_target("DROP TABLE t", "`x`").is_none());
        assert!(replace_alter_table_target("ALTER TABLE `unterminated", "`x`").is_none());
    }

    #[test]
    fn extracts_alter_table_name() {
        assert_eq!(
            alter_table_name("ALTER TABLE `db`.`we``ird` ADD COLUMN c INT").as_deref(),
            Some("we`ird")
        );
        assert_eq!(
            alter_table_name("alter table t1 drop column c").as_deref(),
            Some("t1")
        );
        assert_eq!(alter_table_name("DROP TABLE t"), None);
    }

    #[test]
    fn trims_statements() {
        assert_eq!(trim_statement(" ADD PARTITION p ;; \n"), "ADD PARTITION p");
    }
}
