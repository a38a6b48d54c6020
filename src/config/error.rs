//! Why a configuration could not be loaded.

use std::path::PathBuf;

/// A configuration error; every variant names the key or file at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Bad command line (also `--help`/`--version`, which clap reports as errors:
    /// call [`clap::Error::exit`] to print them with the right exit code).
    #[error("{0}")]
    Cli(#[from] clap::Error),
    /// The config file could not be read.
    #[error("cannot read config file `{path}`: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The config file is not valid TOML.
    #[error("config file `{path}` is not valid TOML: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (line and column included).
        message: String,
    },
    /// A key that no section has.
    #[error("unknown config key `{key}` (from {origin})")]
    UnknownKey {
        /// `section.key` (or just `section`).
        key: String,
        /// Where it came from: the file or an environment variable.
        origin: String,
    },
    /// A value of the wrong type or out of range.
    #[error("invalid value for `{key}` (from {origin}): {message}")]
    InvalidValue {
        /// `section.key`, or the flag name.
        key: String,
        /// Where it came from: default, file, environment variable or flag.
        origin: String,
        /// What was wrong and the expected form.
        message: String,
    },
}

impl ConfigError {
    /// Process exit code for this error: clap's own for `--help`/`--version`/usage,
    /// 2 (usage) for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            ConfigError::Cli(e) => e.exit_code(),
            _ => 2,
        }
    }
}
