//! Human-readable durations (`"300ms"`, `"2s"`, `"1h"`; also Go's `"1.5s"`), for serde and clap.

use std::time::Duration;

/// What a duration value must look like; used in every error message about one.
pub const DURATION_FORM: &str = "a duration such as \"300ms\", \"2s\", \"1m 30s\" or \"1.5s\"";

/// Parses a humantime duration, falling back to one decimal number with a unit (`"1.5s"`)
/// because the original syncer's Go flags accept that form.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if let Ok(d) = humantime::parse_duration(text) {
        return Ok(d);
    }
    parse_decimal(text)
        .ok_or_else(|| format!("invalid duration `{text}`: expected {DURATION_FORM}"))
}

/// `"<float><unit>"` with unit one of ns, us, µs, ms, s, m, h.
fn parse_decimal(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds_per_unit = match unit.trim() {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    Duration::try_from_secs_f64(value * seconds_per_unit).ok()
}

/// Formats a duration the way the config file writes it (`"1s 500ms"`).
pub fn format_duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// `#[serde(with = "crate::config::duration::serde_human")]` for `Duration` fields.
pub mod serde_human {
    use std::time::Duration;

    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    /// Writes the humantime form.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_duration(*d))
    }

    /// Reads a string in any form [`super::parse_duration`] accepts.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d).map_err(|_| {
            D::Error::custom(format!(
                "expected a string holding {}",
                super::DURATION_FORM
            ))
        })?;
        super::parse_duration(&text).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_humantime_and_go_forms() {
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("1s 500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("soon").unwrap_err().contains("300ms"));
        assert!(parse_duration("1.5x").is_err());
    }

    #[test]
    fn format_round_trips() {
        let d = Duration::from_millis(1500);
        assert_eq!(parse_duration(&format_duration(d)), Ok(d));
    }
}
