use crate::sql::lexer::{tokenize, TokenKind};

fn kinds(sql: &str) -> Vec<TokenKind> {
    let mut toks: Vec<TokenKind> = tokenize(sql)
        .expect("lex")
        .into_iter()
        .map(|t| t.kind)
        .collect();
    assert_eq!(toks.pop(), Some(TokenKind::Eof));
    toks
}

fn word(s: &str) -> TokenKind {
    TokenKind::Word(s.into())
}

#[test]
fn quoted_identifiers_unescape_doubled_backquotes() {
    assert_eq!(kinds("`a``b`"), vec![TokenKind::QuotedIdent("a`b".into())]);
    assert_eq!(
        kinds("`my-db`.`it's`"),
        vec![
            TokenKind::QuotedIdent("my-db".into()),
            TokenKind::Punct("."),
            TokenKind::QuotedIdent("it's".into()),
        ]
    );
}

#[test]
fn string_escapes() {
    let s = |sql: &str| match kinds(sql).as_slice() {
        [TokenKind::Str(v)] => v.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(s(r"'it\'s'"), "it's");
    assert_eq!(s("'it''s'"), "it's");
    assert_eq!(s(r#""say \"hi\"""#), "say \"hi\"");
    assert_eq!(s(r#""a""b""#), "a\"b");
    assert_eq!(s(r"'a\\b\n\t\0\r'"), "a\\b\n\t\0\r");
    assert_eq!(s(r"'50\%\_'"), "50\\%\\_");
    assert_eq!(s(r"'\x'"), "x");
    assert_eq!(s("'héllo'"), "héllo");
}

#[test]
fn numbers_and_words_starting_with_digits() {
    assert_eq!(
        kinds("12 1.5 .5 1e10 2.5E-3"),
        vec![
            TokenKind::Number("12".into()),
            TokenKind::Number("1.5".into()),
            TokenKind::Number(".5".into()),
            TokenKind::Number("1e10".into()),
            TokenKind::Number("2.5E-3".into()),
        ]
    );
    assert_eq!(
        kinds("1abc 20240101_x"),
        vec![word("1abc"), word("20240101_x")]
    );
    assert_eq!(
        kinds("-5"),
        vec![TokenKind::Punct("-"), TokenKind::Number("5".into())]
    );
}

#[test]
fn comments_are_skipped() {
    let toks = kinds("SELECT -- c\n 1 # x\n /* multi\nline */ , 2");
    assert_eq!(
        toks,
        vec![
            word("SELECT"),
            TokenKind::Number("1".into()),
            TokenKind::Punct(","),
            TokenKind::Number("2".into()),
        ]
    );
}

#[test]
fn operators_take_the_longest_match() {
    assert_eq!(
        kinds("<=> <= <> != >= && || @@x @y :="),
        vec![
            TokenKind::Punct("<=>"),
            TokenKind::Punct("<="),
            TokenKind::Punct("<>"),
            TokenKind::Punct("!="),
            TokenKind::Punct(">="),
            TokenKind::Punct("&&"),
            TokenKind::Punct("||"),
            TokenKind::AtAt,
            word("x"),
            TokenKind::At,
            word("y"),
            TokenKind::Punct(":="),
        ]
    );
}

#[test]
fn spans_cover_source_bytes() {
    let toks = tokenize("a  `b`").expect("lex");
    assert_eq!((toks[0].start, toks[0].end), (0, 1));
    assert_eq!((toks[1].start, toks[1].end), (3, 6));
}

#[test]
fn lex_errors_report_position() {
    for (sql, want) in [
        (
            "SELECT 'abc",
            "Syntax error at 1:8 near ''abc': unterminated string literal",
        ),
        (
            "SELECT\n  `x",
            "Syntax error at 2:3 near '`': unterminated identifier",
        ),
        (
            "SELECT /* x",
            "Syntax error at 1:8 near '/*': unterminated comment",
        ),
        (
            "SELECT ?",
            "Syntax error at 1:8 near '?': unexpected character",
        ),
    ] {
        let err = tokenize(sql).expect_err(sql);
        assert_eq!(err.to_string(), want);
    }
}
