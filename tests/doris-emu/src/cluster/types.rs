//! Column types and typed values, with Doris-like validation of inserted literals.

mod coerce;

pub use coerce::{coerce, normalize_date, normalize_datetime};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt::Write as _;

/// A column type. Types the emulator does not model (ARRAY, MAP, HLL, ...) are kept as
/// [`SqlType::Other`] with their SQL text and hold string values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SqlType {
    /// BOOLEAN.
    Boolean,
    /// TINYINT.
    TinyInt,
    /// SMALLINT.
    SmallInt,
    /// INT.
    Int,
    /// BIGINT.
    BigInt,
    /// LARGEINT (128 bit).
    LargeInt,
    /// FLOAT.
    Float,
    /// DOUBLE.
    Double,
    /// DECIMAL(precision, scale).
    Decimal(u8, u8),
    /// DATE.
    Date,
    /// DATETIME(scale).
    DateTime(u8),
    /// CHAR(n).
    Char(u32),
    /// VARCHAR(n).
    Varchar(u32),
    /// STRING / TEXT.
    String,
    /// Anything else, by its SQL text (e.g. `ARRAY<INT>`, `JSON`, `BITMAP`).
    Other(String),
}

impl SqlType {
    /// The type as Doris 2.1 prints it in SHOW CREATE TABLE / DESC (lower case).
    pub fn to_sql(&self) -> String {
        match self {
            SqlType::Boolean => "boolean".into(),
            SqlType::TinyInt => "tinyint".into(),
            SqlType::SmallInt => "smallint".into(),
            SqlType::Int => "int".into(),
            SqlType::BigInt => "bigint".into(),
            SqlType::LargeInt => "largeint".into(),
            SqlType::Float => "float".into(),
            SqlType::Double => "double".into(),
            SqlType::Decimal(p, s) => format!("decimal({p},{s})"),
            SqlType::Date => "date".into(),
            SqlType::DateTime(0) => "datetime".into(),
            SqlType::DateTime(s) => format!("datetime({s})"),
            SqlType::Char(n) => format!("char({n})"),
            SqlType::Varchar(n) => format!("varchar({n})"),
            SqlType::String => "text".into(),
            SqlType::Other(s) => s.to_lowercase(),
        }
    }

    /// The primitive type name used in partition key strings (`types: [INT]`).
    pub fn primitive_name(&self) -> String {
        match self {
            SqlType::Boolean => "BOOLEAN".into(),
            SqlType::TinyInt => "TINYINT".into(),
            SqlType::SmallInt => "SMALLINT".into(),
            SqlType::Int => "INT".into(),
            SqlType::BigInt => "BIGINT".into(),
            SqlType::LargeInt => "LARGEINT".into(),
            SqlType::Float => "FLOAT".into(),
            SqlType::Double => "DOUBLE".into(),
            SqlType::Decimal(..) => "DECIMAL128".into(),
            SqlType::Date => "DATEV2".into(),
            SqlType::DateTime(_) => "DATETIMEV2".into(),
            SqlType::Char(_) => "CHAR".into(),
            SqlType::Varchar(_) => "VARCHAR".into(),
            SqlType::String => "STRING".into(),
            SqlType::Other(s) => s.to_uppercase(),
        }
    }

    /// True for integer types.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            SqlType::TinyInt
                | SqlType::SmallInt
                | SqlType::Int
                | SqlType::BigInt
                | SqlType::LargeInt
        )
    }

    /// The smallest value of the type, used as the implicit lower bound of the first
    /// range partition (Doris prints e.g. `-2147483648` for INT).
    pub fn min_value(&self) -> Value {
        match self {
            SqlType::TinyInt => Value::Int(i8::MIN as i128),
            SqlType::SmallInt => Value::Int(i16::MIN as i128),
            SqlType::Int => Value::Int(i32::MIN as i128),
            SqlType::BigInt => Value::Int(i64::MIN as i128),
            SqlType::LargeInt => Value::Int(i128::MIN),
            SqlType::Date => Value::Str("0000-01-01".into()),
            SqlType::DateTime(_) => Value::Str("0000-01-01 00:00:00".into()),
            _ => Value::Str(String::new()),
        }
    }

    /// Integer range of the type, if it is an integer type.
    fn int_range(&self) -> Option<(i128, i128)> {
        Some(match self {
            SqlType::TinyInt => (i8::MIN as i128, i8::MAX as i128),
            SqlType::SmallInt => (i16::MIN as i128, i16::MAX as i128),
            SqlType::Int => (i32::MIN as i128, i32::MAX as i128),
            SqlType::BigInt => (i64::MIN as i128, i64::MAX as i128),
            SqlType::LargeInt => (i128::MIN, i128::MAX),
            _ => return None,
        })
    }
}

/// A stored value. DATE/DATETIME are normalized strings (so they order correctly as text);
/// DECIMAL is the unscaled integer (the scale comes from the column type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ValueRepr", into = "ValueRepr")]
pub enum Value {
    /// SQL NULL.
    Null,
    /// BOOLEAN.
    Bool(bool),
    /// Any integer type.
    Int(i128),
    /// FLOAT / DOUBLE.
    Float(f64),
    /// DECIMAL, unscaled.
    Decimal(i128),
    /// Strings, dates, datetimes and unmodelled types.
    Str(String),
}

/// Serialized form of [`Value`]: compact tags, and 128-bit integers as text when they do
/// not fit an i64 (serde's buffering of tagged enums cannot carry i128).
#[derive(Serialize, Deserialize)]
enum ValueRepr {
    N,
    B(bool),
    I(i64),
    L(String),
    F(f64),
    D(i64),
    DL(String),
    S(String),
}

impl From<Value> for ValueRepr {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => ValueRepr::N,
            Value::Bool(b) => ValueRepr::B(b),
            Value::Int(i) => {
                i64::try_from(i).map_or_else(|_| ValueRepr::L(i.to_string()), ValueRepr::I)
            }
            Value::Float(f) => ValueRepr::F(f),
            Value::Decimal(d) => {
                i64::try_from(d).map_or_else(|_| ValueRepr::DL(d.to_string()), ValueRepr::D)
            }
            Value::Str(s) => ValueRepr::S(s),
        }
    }
}

impl From<ValueRepr> for Value {
    fn from(r: ValueRepr) -> Self {
        match r {
            ValueRepr::N => Value::Null,
            ValueRepr::B(b) => Value::Bool(b),
            ValueRepr::I(i) => Value::Int(i as i128),
            ValueRepr::L(s) => s.parse().map_or(Value::Null, Value::Int),
            ValueRepr::F(f) => Value::Float(f),
            ValueRepr::D(d) => Value::Decimal(d as i128),
            ValueRepr::DL(s) => s.parse().map_or(Value::Null, Value::Decimal),
            ValueRepr::S(s) => Value::Str(s),
        }
    }
}

/// An untyped literal as written in SQL, before coercion to a column type.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// NULL.
    Null,
    /// TRUE / FALSE.
    Bool(bool),
    /// A numeric literal, by its text.
    Number(String),
    /// A string literal.
    Str(String),
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Text form as Doris returns it on the MySQL text protocol; `None` for NULL.
    pub fn render(&self, ty: &SqlType) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => render_float(*f),
            Value::Decimal(d) => match ty {
                SqlType::Decimal(_, s) => render_decimal(*d, *s),
                _ => d.to_string(),
            },
            Value::Str(s) => s.clone(),
        })
    }

    /// Text form used inside partition keys and binlog SQL (`NULL` for null).
    pub fn key_text(&self, ty: &SqlType) -> String {
        self.render(ty).unwrap_or_else(|| "NULL".into())
    }

    /// Numeric view, for SUM/arithmetics; decimals are returned unscaled.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) | Value::Decimal(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Bool(b) => Some(*b as i32 as f64),
            Value::Str(s) => s.parse().ok(),
            Value::Null => None,
        }
    }
}

fn render_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Renders an unscaled decimal with `scale` fraction digits.
pub fn render_decimal(unscaled: i128, scale: u8) -> String {
    if scale == 0 {
        return unscaled.to_string();
    }
    let neg = unscaled < 0;
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let _ = write!(out, "{int}.{frac}");
    out
}

/// Total order used for keys, sorting and comparisons (NULL first).
pub fn cmp_values(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Null, Null) => Ordering::Equal,
        (Null, _) => Ordering::Less,
        (_, Null) => Ordering::Greater,
        (Int(x), Int(y)) | (Decimal(x), Decimal(y)) => x.cmp(y),
        (Bool(x), Bool(y)) => x.cmp(y),
        (Str(x), Str(y)) => x.cmp(y),
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => format!("{a:?}").cmp(&format!("{b:?}")),
        },
    }
}

/// Lexicographic comparison of value tuples.
pub fn cmp_rows(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = cmp_values(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

/// Stable FNV-1a hash of values, for bucketing rows (identical on every emulator).
pub fn hash_values<'a>(values: impl Iterator<Item = &'a Value>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        let text = format!("{v:?}");
        for b in text.bytes().chain(std::iter::once(0xff)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}
