//! Layering: defaults < config file < environment < flags, then validation.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::keys::{Kind, KEYS};
use super::{Args, ConfigError, NodeConfig};

/// Environment variable naming the config file when `--config` is not given.
pub const CONFIG_ENV: &str = "CCR_SYNCER_CONFIG";

/// A loaded configuration plus what the caller should log once logging is up.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The effective, validated configuration.
    pub config: NodeConfig,
    /// The parsed command line (for `--print-config` and the like).
    pub args: Args,
    /// Human-readable notes, e.g. legacy flags that were ignored.
    pub warnings: Vec<String>,
}

/// Loads from the process's command line and environment.
pub fn load() -> Result<Loaded, ConfigError> {
    load_from(std::env::args_os(), |name| std::env::var(name).ok())
}

/// Loads from `argv` (program name first) and an environment lookup, so tests need not
/// touch the process environment.
pub fn load_from<I, T>(argv: I, env: impl Fn(&str) -> Option<String>) -> Result<Loaded, ConfigError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let args = Args::parse_normalized(argv)?;
    let config = build(&args, &env)?;
    let warnings = args
        .ignored_legacy_flags()
        .into_iter()
        .map(|f| format!("Flag `--{f}` is only for the original's metadata store; ignored."))
        .collect();
    Ok(Loaded {
        config,
        args,
        warnings,
    })
}

/// Builds the config for already parsed flags.
pub fn build(args: &Args, env: &dyn Fn(&str) -> Option<String>) -> Result<NodeConfig, ConfigError> {
    let mut origins = HashMap::new();
    let file = args
        .config
        .clone()
        .or_else(|| env(CONFIG_ENV).filter(|s| !s.is_empty()).map(PathBuf::from));
    let mut table = match &file {
        Some(path) => read_file(path, &mut origins)?,
        None => Table::new(),
    };
    overlay_env(&mut table, env, &mut origins)?;
    let mut config = deserialize(table, &origins)?;
    for key in args.apply(&mut config)? {
        origins.insert(key.to_string(), "command line".to_string());
    }
    config
        .validate()
        .map_err(|(key, message)| ConfigError::InvalidValue {
            origin: origins
                .get(key)
                .cloned()
                .unwrap_or_else(|| "defaults".into()),
            key: key.to_string(),
            message,
        })?;
    Ok(config)
}

/// Parses a config file into a TOML table, remembering which keys it set.
fn read_file(path: &Path, origins: &mut HashMap<String, String>) -> Result<Table, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
        path: path.to_path_buf(),
        source,
    })?;
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    let origin = format!("config file `{}`", path.display());
    for (section, value) in &table {
        origins.insert(section.clone(), origin.clone());
        if let Some(keys) = value.as_table() {
            for key in keys.keys() {
                origins.insert(format!("{section}.{key}"), origin.clone());
            }
        }
    }
    Ok(table)
}

/// Sets `section.key` from `CCR_SYNCER_<SECTION>_<KEY>` for every key whose variable is
/// set and non-empty.
fn overlay_env(
    table: &mut Table,
    env: &dyn Fn(&str) -> Option<String>,
    origins: &mut HashMap<String, String>,
) -> Result<(), ConfigError> {
    for key in KEYS {
        let var = key.env_var();
        let Some(text) = env(&var).filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let value =
            env_value(key.kind, text.trim()).map_err(|expected| ConfigError::InvalidValue {
                key: key.dotted(),
                origin: format!("environment variable {var}"),
                message: format!("`{text}` is not {expected}"),
            })?;
        let section = table
            .entry(key.section)
            .or_insert_with(|| Value::Table(Table::new()));
        if let Some(section) = section.as_table_mut() {
            section.insert(key.name.to_string(), value);
        }
        origins.insert(key.dotted(), format!("environment variable {var}"));
    }
    Ok(())
}

/// Converts an environment variable's text; on failure returns the expected form.
fn env_value(kind: Kind, text: &str) -> Result<Value, &'static str> {
    match kind {
        Kind::Int => text
            .parse::<i64>()
            .map(Value::Integer)
            .map_err(|_| "an integer"),
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(Value::Boolean(false)),
            _ => Err("a boolean (true or false)"),
        },
        Kind::Str => Ok(Value::String(text.to_string())),
        Kind::List => Ok(Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
    }
}

/// Deserializes the merged table; errors name the `section.key` and its origin.
fn deserialize(table: Table, origins: &HashMap<String, String>) -> Result<NodeConfig, ConfigError> {
    serde_path_to_error::deserialize(Value::Table(table)).map_err(|err| {
        let path = err.path().to_string();
        let message = err.inner().message().to_string();
        let origin = origins
            .get(&path)
            .or_else(|| path.split('.').next().and_then(|s| origins.get(s)))
            .cloned()
            .unwrap_or_else(|| "defaults".into());
        match message.strip_prefix("unknown field `") {
            Some(rest) => ConfigError::UnknownKey {
                key: unknown_key(&path, rest),
                origin,
            },
            None => ConfigError::InvalidValue {
                key: path,
                origin,
                message,
            },
        }
    })
}

/// `section.field` for an "unknown field `field`, expected ..." message at `path`.
fn unknown_key(path: &str, rest: &str) -> String {
    let field = rest.split('`').next().unwrap_or(rest);
    if path.is_empty() || path == "." {
        field.to_string()
    } else if path == field || path.ends_with(&format!(".{field}")) {
        path.to_string()
    } else {
        format!("{path}.{field}")
    }
}
