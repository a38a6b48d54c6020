//! [`Lease`]: may this node run job runners right now?
//!
//! A node may run runners only while (a) it had confirmed contact with a quorum less than
//! `lease` ago — an acknowledged heartbeat from a leader that itself confirmed its
//! leadership recently, counted from when the heartbeat was *sent* — and (b) its state
//! machine has caught up with the leader's applied index as of the first acknowledgement
//! after the lease was (re)acquired. When the lease runs out, a watchdog flips
//! [`Lease::subscribe`] to `false` and the reconciler stops every runner: the node
//! self-fences without hearing from anyone (TiCDC #5202, KAFKA-9184).
//!
//! Monotonic clocks only; nothing here compares clocks of different hosts.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The result of [`Lease::renew`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renewal {
    /// The lease was valid and is extended.
    Extended,
    /// The lease had run out (or never existed): runners stay stopped until
    /// [`Lease::set_caught_up`] is called with this generation.
    Reacquired {
        /// Generation of this acquisition.
        generation: u64,
    },
}

#[derive(Debug, Default)]
struct Inner {
    last_contact: Option<Instant>,
    generation: u64,
    caught_up: bool,
}

/// Quorum-contact lease of this node.
pub struct Lease {
    lease: Duration,
    inner: Mutex<Inner>,
    may_run: watch::Sender<bool>,
}

impl Lease {
    /// A lease of length `lease`, initially not held.
    pub fn new(lease: Duration) -> Arc<Self> {
        let (may_run, _) = watch::channel(false);
        Arc::new(Self {
            lease,
            inner: Mutex::new(Inner::default()),
            may_run,
        })
    }

    /// The lease length.
    pub fn length(&self) -> Duration {
        self.lease
    }

    /// Records a quorum contact confirmed for a request sent at `sent_at`.
    pub fn renew(&self, sent_at: Instant) -> Renewal {
        let now = Instant::now();
        let mut g = self.inner.lock();
        let valid = g.last_contact.is_some_and(|t| now < t + self.lease);
        let renewal = if valid {
            Renewal::Extended
        } else {
            g.generation += 1;
            g.caught_up = false;
            Renewal::Reacquired {
                generation: g.generation,
            }
        };
        g.last_contact = Some(g.last_contact.map_or(sent_at, |t| t.max(sent_at)));
        self.publish(&g, now);
        renewal
    }

    /// Marks the state machine caught up for acquisition `generation` (ignored if the lease
    /// was lost and re-acquired meanwhile).
    pub fn set_caught_up(&self, generation: u64) {
        let mut g = self.inner.lock();
        if g.generation == generation {
            g.caught_up = true;
            self.publish(&g, Instant::now());
        }
    }

    /// `true` if runners may run now.
    pub fn may_run(&self) -> bool {
        let g = self.inner.lock();
        Self::compute(&g, self.lease, Instant::now())
    }

    /// The current acquisition generation (incremented every time the lease is
    /// re-acquired after running out); runners started under an older one are stale.
    pub fn generation(&self) -> u64 {
        self.inner.lock().generation
    }

    /// Time since the last confirmed quorum contact.
    pub fn last_contact_age(&self) -> Option<Duration> {
        self.inner.lock().last_contact.map(|t| t.elapsed())
    }

    /// Watch of [`Lease::may_run`], updated on renewals and by the watchdog on expiry.
    pub fn subscribe(&self) -> watch::Receiver<bool> {
        self.may_run.subscribe()
    }

    fn compute(g: &Inner, lease: Duration, now: Instant) -> bool {
        g.caught_up && g.last_contact.is_some_and(|t| now < t + lease)
    }

    fn publish(&self, g: &Inner, now: Instant) {
        let value = Self::compute(g, self.lease, now);
        self.may_run.send_if_modified(|v| {
            let changed = *v != value;
            *v = value;
            changed
        });
    }

    /// Re-evaluates expiry now (the watchdog calls this).
    pub fn check(&self) {
        let g = self.inner.lock();
        let was = *self.may_run.borrow();
        self.publish(&g, Instant::now());
        if was && !*self.may_run.borrow() {
            tracing::warn!(lease = ?self.lease, "Lease lost: no quorum contact; stopping all runners.");
        }
    }

    /// Checks expiry every `lease / 20` until `cancel` fires, so runners stop promptly.
    pub async fn watchdog(self: Arc<Self>, cancel: CancellationToken) {
        let mut tick = tokio::time::interval(self.lease / 20);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tick.tick() => self.check(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn runs_only_when_fresh_and_caught_up() {
        let lease = Lease::new(Duration::from_secs(1));
        assert!(!lease.may_run());
        let Renewal::Reacquired { generation } = lease.renew(Instant::now()) else {
            panic!("first renewal must reacquire");
        };
        assert!(!lease.may_run(), "not caught up yet");
        lease.set_caught_up(generation);
        assert!(lease.may_run());
        assert_eq!(lease.renew(Instant::now()), Renewal::Extended);
        tokio::time::advance(Duration::from_millis(1100)).await;
        lease.check();
        assert!(!lease.may_run());
        assert!(!*lease.subscribe().borrow());
        // A renewal after expiry needs a new catch-up; the old generation is ignored.
        let again = lease.renew(Instant::now());
        assert_eq!(again, Renewal::Reacquired { generation: 2 });
        lease.set_caught_up(generation);
        assert!(!lease.may_run());
        lease.set_caught_up(2);
        assert!(lease.may_run());
    }

    #[tokio::test(start_paused = true)]
    async fn lease_counts_from_the_send_time() {
        let lease = Lease::new(Duration::from_secs(1));
        let sent = Instant::now();
        tokio::time::advance(Duration::from_millis(900)).await;
        let Renewal::Reacquired { generation } = lease.renew(sent) else {
            panic!("must reacquire");
        };
        lease.set_caught_up(generation);
        assert!(lease.may_run());
        tokio::time::advance(Duration::from_millis(150)).await;
        assert!(!lease.may_run(), "expires 1 s after the send, not the ack");
    }
}
