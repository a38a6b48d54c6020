//! The global `tracing` subscriber.
//!
//! Writes are synchronous (no background thread), so there is no guard to hold and
//! nothing is lost when the process exits.

use std::fs::OpenOptions;
use std::sync::Mutex;

use tracing::Subscriber;
use tracing_subscriber::fmt::format::JsonFields;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::EnvFilter;

use super::json_format::FlatJson;
use crate::config::{LogConfig, LogFormat};

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// `log.level` is not a valid filter.
    #[error("invalid log level `{level}`: {message}")]
    Level {
        /// The configured level.
        level: String,
        /// The parser's message.
        message: String,
    },
    /// The log file could not be opened for appending.
    #[error("cannot open log file `{path}`: {source}")]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A global subscriber is already installed.
    #[error("logging is already initialised: {0}")]
    AlreadySet(String),
}

/// Installs the global subscriber for `cfg`. Call once, early in `main`; a second call
/// fails with [`TelemetryError::AlreadySet`].
pub fn init_logging(cfg: &LogConfig) -> Result<(), TelemetryError> {
    let sub = subscriber(cfg)?;
    tracing::subscriber::set_global_default(sub)
        .map_err(|e| TelemetryError::AlreadySet(e.to_string()))
}

/// Builds the subscriber without installing it (tests use it with
/// `tracing::subscriber::with_default`).
pub fn subscriber(cfg: &LogConfig) -> Result<Box<dyn Subscriber + Send + Sync>, TelemetryError> {
    let filter = EnvFilter::try_new(cfg.filter_directive()).map_err(|e| TelemetryError::Level {
        level: cfg.level.clone(),
        message: e.to_string(),
    })?;
    let (writer, ansi) = match &cfg.file {
        Some(path) => {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| TelemetryError::File {
                    path: path.clone(),
                    source,
                })?;
            (BoxMakeWriter::new(Mutex::new(file)), false)
        }
        None => (BoxMakeWriter::new(std::io::stderr), false),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(ansi)
        .with_target(true);
    Ok(match cfg.format {
        // Span fields (a job's `job` and `node`) print as `job{job=.. node=..}:`.
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(
            builder
                .fmt_fields(JsonFields::new())
                .event_format(FlatJson)
                .finish(),
        ),
    })
}

/// Axum middleware: runs each request in a `node` span (state: the node id), so what the
/// API and the job manager log for a request carries `node` too.
pub async fn in_node_span(
    axum::extract::State(node): axum::extract::State<u64>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use tracing::Instrument;
    // ERROR level: stays enabled whatever the filter (like the runners' job span).
    let span = tracing::error_span!("node", node);
    next.run(req).instrument(span).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_go_to_the_file_and_respect_the_level() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.log");
        let cfg = LogConfig {
            level: "warn".into(),
            format: LogFormat::Json,
            file: Some(path.clone()),
        };
        let sub = subscriber(&cfg).unwrap();
        tracing::subscriber::with_default(sub, || {
            tracing::info!(job = "j1", "Hidden.");
            let span = tracing::error_span!("job", job = "j2", node = 7u64);
            span.in_scope(|| tracing::warn!(seq = 3, "Lagging."));
        });
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert_eq!(lines[0]["message"], "Lagging.");
        assert_eq!(lines[0]["job"], "j2", "span fields at the top level");
        assert_eq!(lines[0]["node"], 7);
        assert_eq!(lines[0]["seq"], 3);
        assert_eq!(lines[0]["level"], "WARN");
    }

    #[test]
    fn text_lines_show_the_job_span_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("node.log");
        let cfg = LogConfig {
            level: "info".into(),
            format: LogFormat::Text,
            file: Some(path.clone()),
        };
        let sub = subscriber(&cfg).unwrap();
        tracing::subscriber::with_default(sub, || {
            let span = tracing::error_span!("job", job = "j3", node = 5u64);
            span.in_scope(|| tracing::info!("Applied."));
        });
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("job{job=\"j3\" node=5}") || text.contains("job{job=j3 node=5}"),
            "{text}"
        );
        assert!(text.contains("Applied."), "{text}");
    }

    #[test]
    fn unwritable_file_is_an_error() {
        let cfg = LogConfig {
            file: Some("/nonexistent-dir/x/y.log".into()),
            ..LogConfig::default()
        };
        assert!(matches!(subscriber(&cfg), Err(TelemetryError::File { .. })));
    }
}
