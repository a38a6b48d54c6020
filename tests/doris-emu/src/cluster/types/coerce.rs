//! Coercion of SQL literals to column types, with Doris-like validation errors.

use super::{Lit, SqlType, Value};

/// Coerces a literal to `ty`, with Doris-like errors. `col` names the column in messages.
pub fn coerce(lit: &Lit, ty: &SqlType, col: &str) -> Result<Value, String> {
    let text = match lit {
        Lit::Null => return Ok(Value::Null),
        Lit::Bool(b) => return coerce_bool(*b, ty, col),
        Lit::Number(s) | Lit::Str(s) => s.as_str(),
    };
    let bad = || {
        format!(
            "Invalid value '{text}' for column '{col}' of type {}",
            ty.to_sql()
        )
    };
    match ty {
        SqlType::Boolean => match text.to_ascii_lowercase().as_str() {
            "1" | "true" => Ok(Value::Bool(true)),
            "0" | "false" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        },
        // Non-finite values are rejected (they also could not be journaled as JSON).
        SqlType::Float | SqlType::Double => match text.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(bad()),
        },
        SqlType::Decimal(p, s) => parse_decimal(text.trim(), *p, *s).ok_or_else(bad),
        SqlType::Date => normalize_date(text).map(Value::Str).ok_or_else(bad),
        SqlType::DateTime(_) => normalize_datetime(text).map(Value::Str).ok_or_else(bad),
        SqlType::Char(n) | SqlType::Varchar(n) => {
            if text.len() > *n as usize {
                Err(format!(
                    "Insert has filtered data in strict mode. The length of input value '{text}' \
                     exceeds the column '{col}' length {n}"
                ))
            } else {
                Ok(Value::Str(text.to_string()))
            }
        }
        SqlType::String | SqlType::Other(_) => Ok(Value::Str(text.to_string())),
        _ => coerce_int(text, ty, col),
    }
}

pub(super) fn coerce_bool(b: bool, ty: &SqlType, col: &str) -> Result<Value, String> {
    match ty {
        SqlType::Boolean => Ok(Value::Bool(b)),
        t if t.is_integer() => Ok(Value::Int(b as i128)),
        _ => coerce(&Lit::Str(b.to_string()), ty, col),
    }
}

pub(super) fn coerce_int(text: &str, ty: &SqlType, col: &str) -> Result<Value, String> {
    let t = text.trim();
    let parsed = t.parse::<i128>().ok().or_else(|| {
        // Doris truncates numeric strings like "1.0" into integer columns.
        t.parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0)
            .map(|f| f as i128)
    });
    let (lo, hi) = ty.int_range().unwrap_or((i128::MIN, i128::MAX));
    match parsed {
        Some(v) if v >= lo && v <= hi => Ok(Value::Int(v)),
        Some(_) => Err(format!(
            "Insert has filtered data in strict mode. Number out of range[{text}]. \
             type: {}, column: {col}",
            ty.primitive_name()
        )),
        None => Err(format!("Invalid number format: {text} for column '{col}'")),
    }
}

pub(super) fn parse_decimal(text: &str, precision: u8, scale: u8) -> Option<Value> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut frac: String = frac.chars().take(scale as usize).collect();
    while frac.len() < scale as usize {
        frac.push('0');
    }
    let int = int.trim_start_matches('0');
    if int.len() > (precision.saturating_sub(scale)) as usize {
        return None;
    }
    let digits = format!("{int}{frac}");
    let v: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    Some(Value::Decimal(if neg { -v } else { v }))
}

/// Normalizes `YYYY-M-D` (optionally with a time part, which DATE drops) to `YYYY-MM-DD`.
pub fn normalize_date(text: &str) -> Option<String> {
    let t = text.trim();
    let date_part = t.split([' ', 'T']).next()?;
    let (y, m, d) = split_ymd(date_part)?;
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Normalizes a datetime to `YYYY-MM-DD HH:MM:SS` (a bare date gets `00:00:00`).
pub fn normalize_datetime(text: &str) -> Option<String> {
    let t = text.trim();
    let (date_part, time_part) = match t.split_once([' ', 'T']) {
        Some((d, tm)) => (d, tm.trim()),
        None => (t, "00:00:00"),
    };
    let (y, m, d) = split_ymd(date_part)?;
    let time_main = time_part.split('.').next()?;
    let mut hms = time_main.split(':').map(|p| p.parse::<u32>().ok());
    let h = hms.next().flatten()?;
    let mi = hms.next().flatten().unwrap_or(0);
    let s = hms.next().flatten().unwrap_or(0);
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:02}"))
}

pub(super) fn split_ymd(text: &str) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = if text.contains('-') {
        text.split('-').collect()
    } else if text.len() == 8 {
        vec![text.get(..4)?, text.get(4..6)?, text.get(6..)?]
    } else {
        return None;
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse::<u32>().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d == 0 || d > days[(m - 1) as usize] {
        return None;
    }
    Some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::super::*;

    #[test]
    fn decimals_round_trip() {
        let v = coerce(&Lit::Number("-1.5".into()), &SqlType::Decimal(10, 2), "c").unwrap();
        assert_eq!(v, Value::Decimal(-150));
        assert_eq!(v.render(&SqlType::Decimal(10, 2)).unwrap(), "-1.50");
        assert_eq!(render_decimal(5, 3), "0.005");
    }

    #[test]
    fn int_range_and_varchar_length_are_checked() {
        assert!(coerce(&Lit::Number("128".into()), &SqlType::TinyInt, "c").is_err());
        assert!(coerce(&Lit::Str("abcd".into()), &SqlType::Varchar(3), "c").is_err());
        assert!(coerce(&Lit::Str("x".into()), &SqlType::Int, "c").is_err());
        assert_eq!(
            coerce(&Lit::Str("2024-1-2".into()), &SqlType::DateTime(0), "c").unwrap(),
            Value::Str("2024-01-02 00:00:00".into())
        );
        assert!(coerce(&Lit::Str("2023-02-29".into()), &SqlType::Date, "c").is_err());
    }
}
