//! `[log]`: log level, format and destination.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines with millisecond timestamps.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!(
                "invalid log format `{other}`: expected `text` or `json`"
            )),
        }
    }
}

/// The `[log]` section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A level (`trace`, `debug`, `info`, `warn`, `error`; the original's `warning`,
    /// `fatal` and `panic` are accepted) or a full `tracing` env-filter directive such as
    /// `info,ccr_syncer::job=debug`. Default: `info`.
    pub level: String,
    /// `text` or `json`. Default: `text`.
    pub format: LogFormat,
    /// Append logs to this file (the original's `-log_filename`). Default: unset = stderr.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".to_string(),
            format: LogFormat::Text,
            file: None,
        }
    }
}

impl LogConfig {
    /// The env-filter directive for `level`, mapping the original's logrus level names.
    pub fn filter_directive(&self) -> String {
        match self.level.trim().to_ascii_lowercase().as_str() {
            "warning" => "warn".to_string(),
            "fatal" | "panic" => "error".to_string(),
            "" => "info".to_string(),
            _ => self.level.trim().to_string(),
        }
    }

    /// The level must parse as an env-filter directive.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];
        let directive = self.filter_directive();
        let bad = |why: String| {
            let form = "a level (trace|debug|info|warn|error) or an env-filter directive";
            Err((
                "log.level",
                format!("invalid `{}`: expected {form}{why}", self.level),
            ))
        };
        // A bare word would parse as a target name; require a known level instead.
        let is_directive = directive.contains('=') || directive.contains(',');
        if !is_directive && !LEVELS.contains(&directive.to_ascii_lowercase().as_str()) {
            return bad(String::new());
        }
        match tracing_subscriber::EnvFilter::try_new(&directive) {
            Ok(_) => Ok(()),
            Err(e) => bad(format!(" ({e})")),
        }
    }
}
