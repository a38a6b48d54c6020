//! Exponential backoff with full jitter, capped and resettable, plus a bounded `retry`.
//!
//! Full jitter (a uniform delay in `[0, min(cap, base * 2^n)]`) spreads retries of many
//! runners hitting the same FE instead of having them retry in lock step.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

/// Backoff state: the next delay grows ×2 per attempt up to `cap`; `reset` after success.
#[derive(Clone, Debug)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempts: u32,
}

impl Backoff {
    /// A backoff starting at `base` and never exceeding `cap`.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Backoff {
            base,
            cap: cap.max(base),
            attempts: 0,
        }
    }

    /// The runner's error backoff: 100 ms doubling to 30 s.
    pub fn for_errors() -> Self {
        Backoff::new(Duration::from_millis(100), Duration::from_secs(30))
    }

    /// Attempts since the last reset.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The upper bound of the next delay (without jitter).
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempts.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// The next delay (full jitter: uniform in `[0, ceiling]`); counts an attempt.
    pub fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.attempts = self.attempts.saturating_add(1);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::thread_rng().gen_range(0..=nanos))
    }

    /// Back to the first delay (after a success).
    pub fn reset(&mut self) {
        self.attempts = 0;
    }
}

/// Runs `op` until it succeeds, `retryable(&err)` is false, or `max_attempts` attempts
/// were made; sleeps `backoff.next_delay()` between attempts. Returns the last error.
pub async fn retry<T, E, F, Fut>(
    backoff: &mut Backoff,
    max_attempts: u32,
    mut op: F,
    retryable: impl Fn(&E) -> bool,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match op().await {
            Ok(v) => {
                backoff.reset();
                return Ok(v);
            }
            Err(e) if attempt >= max_attempts.max(1) || !retryable(&e) => return Err(e),
            Err(_) => tokio::time::sleep(backoff.next_delay()).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn grows_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(30));
        assert_eq!(b.ceiling(), Duration::from_millis(100));
        for _ in 0..3 {
            assert!(b.next_delay() <= b.ceiling());
        }
        assert_eq!(b.ceiling(), Duration::from_millis(800));
        for _ in 0..100 {
            assert!(b.next_delay() <= Duration::from_secs(30));
        }
        assert_eq!(b.ceiling(), Duration::from_secs(30));
        b.reset();
        assert_eq!(b.attempts(), 0);
        assert_eq!(b.ceiling(), Duration::from_millis(100));
    }

    #[tokio::test]
    async fn retry_is_bounded_and_stops_on_fatal() {
        let mut b = Backoff::new(Duration::from_millis(1), Duration::from_millis(2));
        let calls = AtomicU32::new(0);
        let r: Result<(), &str> = retry(
            &mut b,
            4,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err("transient")
            },
            |_| true,
        )
        .await;
        assert_eq!(r, Err("transient"));
        assert_eq!(calls.load(Ordering::SeqCst), 4);

        calls.store(0, Ordering::SeqCst);
        let r: Result<(), &str> = retry(
            &mut b,
            4,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err("fatal")
            },
            |e| *e != "fatal",
        )
        .await;
        assert_eq!(r, Err("fatal"));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        let r: Result<u32, &str> = retry(
            &mut b,
            4,
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                    Err("again")
                } else {
                    Ok(7)
                }
            },
            |_| true,
        )
        .await;
        assert_eq!(r, Ok(7));
        assert_eq!(b.attempts(), 0);
    }
}
