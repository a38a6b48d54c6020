//! Clients for the Doris wire protocols: FE/BE Thrift, MySQL-protocol SQL, BE HTTP.

pub mod be;
pub mod error;
pub mod fe;
pub mod http;
mod pool;
pub mod spec;
pub mod sql;

pub use be::{BeClient, BeOptions};
pub use error::{status_class, status_name, DorisError, ErrorClass};
pub use fe::{FeClient, FeOptions};
pub use http::BeHttpClient;
pub use spec::{ClusterSpec, Frontend, Secret};
pub use sql::{quote_ident, quote_str, SqlClient, SqlOptions, SqlRow};
