//! Polling a condition with a timeout (tests never sleep to wait for a condition).

use std::future::Future;
use std::time::{Duration, Instant};

/// Polls `f` every 50 ms until it yields `Some`, or panics after `timeout` naming `what`.
pub async fn poll<T, F, Fut>(what: &str, timeout: Duration, f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    match poll_until(timeout, f).await {
        Some(v) => v,
        None => panic!("timed out after {timeout:?} waiting for {what}"),
    }
}

/// Polls `f` every 50 ms until it yields `Some`; `None` once `timeout` has passed (for
/// callers that add their own context to the failure).
pub async fn poll_until<T, F, Fut>(timeout: Duration, mut f: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return Some(v);
        }
        if start.elapsed() >= timeout {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
