//! Free loopback ports for the node processes the tests start.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// A port that is free now, chosen below the kernel's ephemeral range (32768+) so that
/// no outgoing connection or `bind(:0)` (e.g. a test proxy) can take it before the node
/// process binds it; random so parallel tests rarely pick the same one.
pub fn free_port() -> u16 {
    static SEED: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        let nanos = now.map(|d| d.subsec_nanos()).unwrap_or(0) as u64;
        nanos ^ u64::from(std::process::id()).wrapping_mul(7919)
    });
    for _ in 0..12_000 {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let port = 20_000 + (seed.wrapping_add(n) % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in 20000..32000");
}
