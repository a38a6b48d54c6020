//! The emulator's configuration ([`ServerConfig`]) and the ports it reports ([`Ports`]).

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Everything [`super::run`] needs. Port 0 = pick a free port.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to bind and to advertise (SHOW BACKENDS, getBackendMeta, ...).
    pub host: String,
    /// MySQL port.
    pub query_port: u16,
    /// FE Thrift port.
    pub rpc_port: u16,
    /// FE http port.
    pub fe_http_port: u16,
    /// Admin HTTP port (fault injection, forced GC).
    pub admin_port: u16,
    /// Number of BEs (1–3).
    pub be_count: usize,
    /// BE i's Thrift port is `be_ports[i]` (missing or 0 = a free port).
    pub be_ports: Vec<u16>,
    /// BE i's HTTP port is `be_http_ports[i]` (missing or 0 = a free port).
    pub be_http_ports: Vec<u16>,
    /// BE i's brpc port is `brpc_ports[i]` (missing or 0 = a free port).
    pub brpc_ports: Vec<u16>,
    /// Journal directory (`None` = in memory).
    pub data_dir: Option<PathBuf>,
    /// First id of the catalog id allocator (make it differ between clusters).
    pub id_base: i64,
    /// Id of the first BE on first start (ids are persisted in the data dir).
    pub be_id_base: i64,
    /// Password of `root`.
    pub root_password: String,
    /// Cluster token; persisted (or generated) when absent.
    pub cluster_token: Option<String>,
    /// Period of the background binlog GC (`None` = disabled).
    pub binlog_gc_interval: Option<Duration>,
    /// Seed of the fault-injection RNG.
    pub fault_seed: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: "127.0.0.1".into(),
            query_port: 0,
            rpc_port: 0,
            fe_http_port: 0,
            admin_port: 0,
            be_count: 1,
            be_ports: Vec::new(),
            be_http_ports: Vec::new(),
            brpc_ports: Vec::new(),
            data_dir: None,
            id_base: 100_000,
            be_id_base: 10001,
            root_password: String::new(),
            cluster_token: None,
            binlog_gc_interval: Some(Duration::from_secs(15)),
            fault_seed: 0,
        }
    }
}

/// The ports of one BE, as printed in the startup JSON line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendPorts {
    /// Backend id.
    pub id: i64,
    /// Thrift BackendService port.
    pub be_port: u16,
    /// BE webserver port.
    pub http_port: u16,
    /// brpc port (a placeholder listener that accepts and closes).
    pub brpc_port: u16,
}

/// Every bound port: the single JSON line `doris-emu` prints on stdout once ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    /// Advertised host.
    pub host: String,
    /// MySQL port.
    pub query_port: u16,
    /// FE Thrift port.
    pub rpc_port: u16,
    /// FE http port.
    pub fe_http_port: u16,
    /// Admin HTTP port.
    pub admin_port: u16,
    /// The BEs, in order.
    pub backends: Vec<BackendPorts>,
}
