//! Text output: aligned tables, key/value blocks, durations and sizes.

use serde_json::Value;

/// An aligned table: a header row and data rows, columns separated by two spaces.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let head: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    let mut out = String::new();
    for row in std::iter::once(&head).chain(rows) {
        out.push_str(&line(row, &widths));
        out.push('\n');
    }
    out
}

fn line(cells: &[String], widths: &[usize]) -> String {
    let mut s = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let last = i + 1 == cells.len();
        if last {
            s.push_str(cell);
        } else {
            let w = widths.get(i).copied().unwrap_or(0);
            s.push_str(&format!("{cell:<w$}  "));
        }
    }
    s.trim_end().to_string()
}

/// `KEY  value` lines with the keys padded to one width.
pub fn key_values(pairs: &[(&str, String)]) -> String {
    let w = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        out.push_str(format!("{k:<w$}  {v}").trim_end());
        out.push('\n');
    }
    out
}

/// Milliseconds as `850ms`, `1.2s`, `3m05s`; `-` when unknown.
pub fn millis(ms: Option<u64>) -> String {
    match ms {
        None => "-".to_string(),
        Some(ms) if ms < 1000 => format!("{ms}ms"),
        Some(ms) if ms < 60_000 => format!("{:.1}s", ms as f64 / 1000.0),
        Some(ms) => format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000),
    }
}

/// Bytes as `512 B`, `1.5 KiB`, `3.2 MiB`, `1.0 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `yes` / `no`.
pub fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// A JSON value as a cell: strings unquoted, null/missing as `-`.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "-".to_string(),
        Some(Value::String(s)) if s.is_empty() => "-".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let rows = vec![
            vec![
                "1".to_string(),
                "127.0.0.1:9191".to_string(),
                "voter".to_string(),
            ],
            vec!["22".to_string(), "h:1".to_string(), "learner".to_string()],
        ];
        let t = table(&["ID", "RAFT ADDR", "ROLE"], &rows);
        let want =
            "ID  RAFT ADDR       ROLE\n1   127.0.0.1:9191  voter\n22  h:1             learner\n";
        assert_eq!(t, want);
    }

    #[test]
    fn formats_durations_and_sizes() {
        assert_eq!(millis(None), "-");
        assert_eq!(millis(Some(850)), "850ms");
        assert_eq!(millis(Some(1200)), "1.2s");
        assert_eq!(millis(Some(185_000)), "3m05s");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
    }

    #[test]
    fn key_values_pad_keys() {
        let kv = key_values(&[("ID", "1".into()), ("ROLE", "leader".into())]);
        assert_eq!(kv, "ID    1\nROLE  leader\n");
    }
}
