//! `ADMIN EMU FAULT ...` statements, handled by the server because the fault table lives
//! here (every other `ADMIN EMU` command goes to the executor):
//!
//! - `ADMIN EMU FAULT SET '<json>'` — same JSON as `POST /fault`.
//! - `ADMIN EMU FAULT SET <target> [<key> <value> | <key>=<value>]...` — e.g.
//!   `ADMIN EMU FAULT SET commitTxn error_rate 0.5 times 3 message 'boom'`.
//! - `ADMIN EMU FAULT CLEAR [<target>]`
//! - `ADMIN EMU FAULT SHOW` — one row per rule: `Target`, `Spec` (JSON).

use serde_json::{Map, Value};

use crate::result::{Column, QueryResult, SqlError};
use crate::server::fault::FaultSpec;
use crate::server::Shared;

/// Handles `sql` if it is an `ADMIN EMU FAULT` statement.
pub fn try_handle(shared: &Shared, sql: &str) -> Option<Result<QueryResult, SqlError>> {
    let words = tokenize(sql.trim().trim_end_matches(';')).ok()?;
    let is_fault = words.len() >= 3
        && words[..3]
            .iter()
            .zip(["ADMIN", "EMU", "FAULT"])
            .all(|(w, k)| w.is_word(k));
    if !is_fault {
        return None;
    }
    Some(fault_command(shared, &words[3..]))
}

fn fault_command(shared: &Shared, args: &[Tok]) -> Result<QueryResult, SqlError> {
    let verb = args
        .first()
        .map(|t| t.text().to_ascii_uppercase())
        .unwrap_or_default();
    match verb.as_str() {
        "SET" => {
            let spec = parse_spec(&args[1..])?;
            shared.faults.set(spec).map_err(|e| SqlError::new(e.to_string()))?;
            Ok(QueryResult::ok())
        }
        "CLEAR" => {
            let n = shared.faults.clear(args.get(1).map(Tok::text));
            Ok(QueryResult::affected(n as u64))
        }
        "SHOW" => {
            let rows = shared
                .faults
                .list()
                .into_iter()
                .map(|s| vec![Some(s.target.clone()), serde_json::to_string(&s).ok()])
                .collect();
            Ok(QueryResult::Rows { columns: vec![Column::text("Target"), Column::text("Spec")], rows })
        }
        _ => Err(SqlError::with_code(
            SqlError::PARSE,
            "usage: ADMIN EMU FAULT SET '<json>' | SET <target> [key value]... | CLEAR [target] | SHOW",
        )),
    }
}

fn parse_spec(args: &[Tok]) -> Result<FaultSpec, SqlError> {
    let bad = |m: String| SqlError::with_code(SqlError::PARSE, m);
    let value = match args {
        [Tok::Quoted(json)] if json.trim_start().starts_with('{') => {
            serde_json::from_str::<Value>(json).map_err(|e| bad(format!("bad fault JSON: {e}")))?
        }
        [target, rest @ ..] => {
            let mut map = Map::new();
            map.insert("target".into(), Value::String(target.text().to_string()));
            let mut flat = Vec::new();
            for t in rest {
                match t {
                    Tok::Word(w) if w.contains('=') => {
                        let (k, v) = w.split_once('=').unwrap_or((w, ""));
                        flat.push(Tok::Word(k.to_string()));
                        if !v.is_empty() {
                            flat.push(Tok::Word(v.to_string()));
                        }
                    }
                    Tok::Word(w) if w == "=" => {}
                    other => flat.push(other.clone()),
                }
            }
            if flat.len() % 2 != 0 {
                return Err(bad("fault options come in <key> <value> pairs".into()));
            }
            for kv in flat.chunks(2) {
                map.insert(kv[0].text().to_ascii_lowercase(), kv[1].to_json());
            }
            Value::Object(map)
        }
        [] => return Err(bad("ADMIN EMU FAULT SET needs a target".into())),
    };
    serde_json::from_value(value).map_err(|e| bad(format!("bad fault spec: {e}")))
}

/// A token of an `ADMIN EMU` statement.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
}

impl Tok {
    fn text(&self) -> &str {
        match self {
            Tok::Word(s) | Tok::Quoted(s) => s,
        }
    }

    fn is_word(&self, kw: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn to_json(&self) -> Value {
        match self {
            Tok::Quoted(s) => Value::String(s.clone()),
            Tok::Word(w) => match w.to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => serde_json::from_str::<serde_json::Number>(w)
                    .map(Value::Number)
                    .unwrap_or_else(|_| Value::String(w.clone())),
            },
        }
    }
}

/// Splits on whitespace; `'..'`, `".."` and `` `..` `` group (backslash escapes inside).
fn tokenize(s: &str) -> Result<Vec<Tok>, ()> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if matches!(c, '\'' | '"' | '`') {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next().ok_or(())? {
                    '\\' => text.push(chars.next().ok_or(())?),
                    q if q == c => break,
                    ch => text.push(ch),
                }
            }
            out.push(if c == '`' {
                Tok::Word(text)
            } else {
                Tok::Quoted(text)
            });
        } else {
            let mut word = String::new();
            while let Some(&ch) = chars.peek().filter(|ch| !ch.is_whitespace()) {
                word.push(ch);
                chars.next();
            }
            out.push(Tok::Word(word));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(sql: &str) -> FaultSpec {
        let words = tokenize(sql).unwrap();
        parse_spec(&words).unwrap()
    }

    #[test]
    fn key_value_and_json_forms() {
        let s = spec("commitTxn error_rate 0.5 times=3 message 'boom' drop true");
        assert_eq!(s.target, "commitTxn");
        assert_eq!((s.error_rate, s.times, s.drop), (Some(0.5), Some(3), true));
        let j = spec(r#"'{"target":"sql:BACKUP","status_code":1105}'"#);
        assert_eq!(
            (j.target.as_str(), j.status_code),
            ("sql:BACKUP", Some(1105))
        );
        assert!(parse_spec(&tokenize("x bogus 1").unwrap()).is_err());
    }
}
