//! The cluster connection spec, in the JSON shape the original syncer uses.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DorisError;

/// A password or token: `Debug`/`Display` print `***`, serde keeps the real value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value, for putting on the wire only (never into logs).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

/// One FE as listed in `spec.frontends` (filled from `frontends()`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frontend {
    /// FE host.
    pub host: String,
    /// MySQL query port, decimal text.
    pub port: String,
    /// Thrift rpc_port, decimal text.
    pub thrift_port: String,
    /// Whether the FE was master when listed.
    #[serde(default)]
    pub is_master: bool,
}

/// How to reach one Doris cluster and which database/table a job replicates.
/// Ports are strings, as in the original syncer's JSON (numbers are rejected).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterSpec {
    /// FE host for SQL and Thrift.
    pub host: String,
    /// FE MySQL query port.
    pub port: String,
    /// FE Thrift rpc_port.
    pub thrift_port: String,
    /// Whether `host` was master when recorded.
    #[serde(default)]
    pub is_master: bool,
    /// Other FEs of the cluster, for Thrift failover.
    #[serde(default)]
    pub frontends: Vec<Frontend>,
    /// Doris user.
    pub user: String,
    /// Doris password.
    #[serde(default)]
    pub password: Secret,
    /// Cluster name passed to some Thrift calls (usually empty).
    #[serde(default)]
    pub cluster: String,
    /// Database name.
    pub database: String,
    /// Database id (filled at job creation).
    #[serde(default)]
    pub db_id: i64,
    /// Table name; empty = whole-database sync.
    #[serde(default)]
    pub table: String,
    /// Table id (filled at job creation).
    #[serde(default)]
    pub table_id: i64,
}

impl ClusterSpec {
    /// Checks the fields the clients rely on; the message names the bad field.
    pub fn validate(&self) -> Result<(), DorisError> {
        let bad = |m: String| Err(DorisError::InvalidSpec(m));
        if self.host.trim().is_empty() {
            return bad("host is empty".into());
        }
        if self.user.trim().is_empty() {
            return bad("user is empty".into());
        }
        if self.database.trim().is_empty() {
            return bad("database is empty".into());
        }
        parse_port("port", &self.port)?;
        parse_port("thrift_port", &self.thrift_port)?;
        for (i, fe) in self.frontends.iter().enumerate() {
            if fe.host.trim().is_empty() {
                return bad(format!("frontends[{i}].host is empty"));
            }
            parse_port(&format!("frontends[{i}].thrift_port"), &fe.thrift_port)?;
        }
        Ok(())
    }

    /// True for a table-level job.
    pub fn is_table_sync(&self) -> bool {
        !self.table.is_empty()
    }

    /// `host:port` of the MySQL query port.
    pub fn sql_addr(&self) -> Result<(String, u16), DorisError> {
        Ok((self.host.clone(), parse_port("port", &self.port)?))
    }

    /// Thrift addresses to try: the spec host first, then every listed FE, deduplicated.
    pub fn thrift_addrs(&self) -> Result<Vec<String>, DorisError> {
        let mut addrs = vec![join_host_port(
            &self.host,
            parse_port("thrift_port", &self.thrift_port)?,
        )];
        for fe in &self.frontends {
            let addr = join_host_port(
                &fe.host,
                parse_port("frontends.thrift_port", &fe.thrift_port)?,
            );
            if !addrs.contains(&addr) {
                addrs.push(addr);
            }
        }
        Ok(addrs)
    }
}

/// Parses a decimal port string, naming `field` in the error.
pub fn parse_port(field: &str, value: &str) -> Result<u16, DorisError> {
    match value.trim().parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(DorisError::InvalidSpec(format!(
            "{field} {value:?} is not a port number (1-65535)"
        ))),
    }
}

/// `host:port`, bracketing IPv6 literals.
pub fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ClusterSpec {
        serde_json::from_str(
            r#"{"host":"fe1","port":"9030","thrift_port":"9020","user":"root",
                "password":"s3cret","cluster":"","database":"db","table":"",
                "frontends":[{"host":"fe2","port":"9030","thrift_port":"9021","is_master":true},
                             {"host":"fe1","port":"9030","thrift_port":"9020"}]}"#,
        )
        .expect("parse spec")
    }

    #[test]
    fn password_is_hidden_but_round_trips() {
        let s = spec();
        assert!(!format!("{s:?}").contains("s3cret"));
        assert_eq!(s.password.to_string(), "***");
        let json = serde_json::to_string(&s).expect("serialize");
        assert!(json.contains(r#""password":"s3cret""#));
        let back: ClusterSpec = serde_json::from_str(&json).expect("reparse");
        assert_eq!(back, s);
    }

    #[test]
    fn thrift_addrs_list_spec_host_first_without_duplicates() {
        assert_eq!(
            spec().thrift_addrs().expect("addrs"),
            vec!["fe1:9020", "fe2:9021"]
        );
    }

    #[test]
    fn validation_names_the_bad_field() {
        assert!(spec().validate().is_ok());
        let mut s = spec();
        s.thrift_port = "70000".into();
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("thrift_port"));
        let mut s = spec();
        s.host = " ".into();
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("host is empty"));
        let mut s = spec();
        s.database.clear();
        assert!(s.validate().unwrap_err().to_string().contains("database"));
    }

    #[test]
    fn numeric_ports_are_rejected_like_the_original() {
        let got = serde_json::from_str::<ClusterSpec>(
            r#"{"host":"h","port":9030,"thrift_port":"9020","user":"u","database":"d"}"#,
        );
        assert!(got.is_err());
    }

    #[test]
    fn ipv6_hosts_are_bracketed() {
        assert_eq!(join_host_port("::1", 9020), "[::1]:9020");
        assert_eq!(join_host_port("fe", 9020), "fe:9020");
    }
}
