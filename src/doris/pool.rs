//! A bounded pool of idle Thrift connections, keyed by `host:port`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use doris_thrift::thrift::protocol::TSerializable;
use doris_thrift::wire::{CallError, ThriftConnection};
use parking_lot::Mutex;

/// Idle connections older than this are closed rather than reused: a long-idle socket
/// is the likeliest to have been dropped by a middlebox, which would turn the next
/// write into an "outcome unknown" failure.
const MAX_IDLE_AGE: Duration = Duration::from_secs(60);

/// Keeps up to `max_idle_per_addr` healthy connections per address for reuse.
/// Connections that failed, or that the peer closed while idle, are dropped.
#[derive(Debug)]
pub struct ConnPool {
    idle: Mutex<HashMap<String, Vec<(ThriftConnection, Instant)>>>,
    max_idle_per_addr: usize,
    connect_timeout: Duration,
}

impl ConnPool {
    /// An empty pool.
    pub fn new(max_idle_per_addr: usize, connect_timeout: Duration) -> Self {
        ConnPool {
            idle: Mutex::new(HashMap::new()),
            max_idle_per_addr,
            connect_timeout,
        }
    }

    /// An idle healthy connection to `addr`, or a new one.
    pub async fn get(&self, addr: &str) -> Result<ThriftConnection, CallError> {
        loop {
            let candidate = self.idle.lock().get_mut(addr).and_then(Vec::pop);
            match candidate {
                Some((conn, since)) if since.elapsed() < MAX_IDLE_AGE && conn.is_reusable() => {
                    return Ok(conn);
                }
                Some(_) => continue, // closed by the peer while idle: drop it
                None => break,
            }
        }
        ThriftConnection::connect(addr, self.connect_timeout).await
    }

    /// Returns a connection after use; broken ones and those over the cap are closed.
    pub fn put(&self, conn: ThriftConnection) {
        if !conn.is_reusable() {
            return;
        }
        let mut idle = self.idle.lock();
        let slot = idle.entry(conn.addr().to_string()).or_default();
        if slot.len() < self.max_idle_per_addr {
            slot.push((conn, Instant::now()));
        }
    }

    /// Number of idle connections held for `addr`.
    pub fn idle_count(&self, addr: &str) -> usize {
        self.idle.lock().get(addr).map_or(0, Vec::len)
    }

    /// One call on a pooled connection.
    pub async fn call<Req, Resp>(
        &self,
        addr: &str,
        method: &str,
        req: &Req,
        timeout: Duration,
    ) -> Result<Resp, CallError>
    where
        Req: TSerializable,
        Resp: TSerializable,
    {
        let mut conn = self.get(addr).await?;
        let result = conn.call(method, req, timeout).await;
        self.put(conn);
        result
    }
}
