//! Scalar functions (NOW, DATABASE, CONCAT, ...) and date helpers.

use super::err;
use super::eval::{eval, text, truthy, Ctx};
use crate::cluster::types::Value;
use crate::result::SqlError;
use crate::sql::ast::Expr;

pub(super) fn function(name: &str, args: &[Expr], cx: &Ctx<'_>) -> Result<Value, SqlError> {
    let vals = || {
        args.iter()
            .map(|a| eval(a, cx))
            .collect::<Result<Vec<_>, _>>()
    };
    let lname = name.to_ascii_lowercase();
    Ok(match lname.as_str() {
        "now" | "current_timestamp" | "localtime" | "localtimestamp" => Value::Str(now_text()),
        "curdate" | "current_date" => Value::Str(now_text()[..10].to_string()),
        "database" | "schema" => cx.session.db.clone().map_or(Value::Null, Value::Str),
        "version" => Value::Str(super::admin::MYSQL_VERSION.into()),
        "connection_id" => Value::Int(cx.session.connection_id as i128),
        "user" | "current_user" | "session_user" => {
            Value::Str(format!("'{}'@'%'", cx.session.user))
        }
        "concat" => {
            let v = vals()?;
            if v.iter().any(Value::is_null) {
                Value::Null
            } else {
                Value::Str(v.iter().filter_map(text).collect())
            }
        }
        "upper" | "ucase" => map_text(vals()?, |s| s.to_uppercase()),
        "lower" | "lcase" => map_text(vals()?, |s| s.to_lowercase()),
        "length" | "char_length" => vals()?
            .first()
            .and_then(text)
            .map_or(Value::Null, |s| Value::Int(s.len() as i128)),
        "ifnull" | "coalesce" | "nvl" => vals()?
            .into_iter()
            .find(|v| !v.is_null())
            .unwrap_or(Value::Null),
        "abs" => match vals()?.first() {
            Some(Value::Int(i)) => Value::Int(i.abs()),
            Some(v) => v.as_f64().map_or(Value::Null, |f| Value::Float(f.abs())),
            None => Value::Null,
        },
        "if" => {
            let v = vals()?;
            let pick = if truthy(v.first().unwrap_or(&Value::Null)) == Some(true) {
                1
            } else {
                2
            };
            v.get(pick).cloned().unwrap_or(Value::Null)
        }
        _ => {
            return Err(err(format!(
                "Can not found function '{}'",
                name.to_ascii_uppercase()
            )))
        }
    })
}

pub(super) fn map_text(v: Vec<Value>, f: impl Fn(&str) -> String) -> Value {
    v.first()
        .and_then(text)
        .map_or(Value::Null, |s| Value::Str(f(&s)))
}

/// Current local time as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn now_text() -> String {
    let secs = crate::cluster::now_ms().div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) (proleptic Gregorian).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
