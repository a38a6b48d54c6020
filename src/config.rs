//! Node configuration: one TOML file, `CCR_SYNCER_<SECTION>_<KEY>` environment variables
//! and command-line flags; flags win over the environment, which wins over the file,
//! which wins over the defaults.
//!
//! Layout:
//! - outer layer (parsing only): [`Args`] (clap, with the original syncer's flags and
//!   Go-style `-name=value` via [`argv`]), the file and environment overlay in
//!   [`loader`];
//! - inner layer (typed, validated, no clap): [`NodeConfig`] and its sections
//!   [`NodeSection`], [`RaftConfig`], [`ApiConfig`], [`DorisConfig`], [`FeatureFlags`],
//!   [`LogConfig`]; durations are humantime strings (`"300ms"`) via [`duration`].
//!
//! When you add a key: add the field (doc comment with meaning, unit, default), its entry
//! in `keys.rs`, a flag in `args.rs` + `args_apply.rs`, and the key in
//! `deploy/syncer.example.toml` (a test compares that file with the defaults).

mod api;
mod args;
mod args_apply;
pub mod argv;
mod doris;
pub mod duration;
mod error;
mod features;
pub mod keys;
pub mod loader;
mod log;
mod node;
mod node_config;
mod raft;
mod security;
mod tls;

pub use api::ApiConfig;
pub use args::{Args, LegacyArgs};
pub use args_apply::{ACCEPTED_DB_TYPES, DB_TYPE_REFUSAL};
pub use doris::DorisConfig;
pub use error::ConfigError;
pub use features::FeatureFlags;
pub use keys::{env_var_for, ENV_PREFIX};
pub use loader::{build, load, load_from, Loaded, CONFIG_ENV};
pub use log::{LogConfig, LogFormat};
pub use node::NodeSection;
pub use node_config::{NodeConfig, REDACTED};
pub use raft::RaftConfig;
pub use security::SecurityConfig;
pub use tls::TlsConfig;
