//! Quoting of identifiers and string literals for SQL built as text.

use crate::doris::DorisError;

/// Back-quotes an identifier (`` a`b `` → `` `a``b` ``). Empty names and NUL are rejected.
pub fn quote_ident(name: &str) -> Result<String, DorisError> {
    if name.is_empty() {
        return Err(DorisError::InvalidName("empty identifier".into()));
    }
    if name.contains('\0') {
        return Err(DorisError::InvalidName(format!(
            "identifier {name:?} contains NUL"
        )));
    }
    Ok(format!("`{}`", name.replace('`', "``")))
}

/// Single-quotes a string literal, backslash-escaping `\ ' "`, NUL, newline, CR, ^Z.
pub fn quote_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(quote_ident("t1").unwrap(), "`t1`");
        assert_eq!(quote_ident("select").unwrap(), "`select`");
        assert_eq!(quote_ident("my-db").unwrap(), "`my-db`");
        assert_eq!(quote_ident("a`b").unwrap(), "`a``b`");
        assert_eq!(quote_ident("``").unwrap(), "``````");
        assert_eq!(quote_ident("名字 x").unwrap(), "`名字 x`");
        assert!(quote_ident("a\0b").is_err());
        assert!(quote_ident("").is_err());
    }

    #[test]
    fn strings() {
        assert_eq!(quote_str("abc"), "'abc'");
        assert_eq!(quote_str("it's"), r"'it\'s'");
        assert_eq!(quote_str(r#"say "hi""#), r#"'say \"hi\"'"#);
        assert_eq!(quote_str(r"a\b"), r"'a\\b'");
        assert_eq!(quote_str("l1\nl2\r\0\u{1a}"), r"'l1\nl2\r\0\Z'");
        assert_eq!(
            quote_str(r"\'; DROP TABLE t; --"),
            r"'\\\'; DROP TABLE t; --'"
        );
    }
}
