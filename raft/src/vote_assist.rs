//! Campaign at once when a candidate with a shorter log asks for our vote after the leader
//! died.
//!
//! Why: when a leader crashes, its followers' logs often differ by the entries it had in
//! flight. If the follower with the *shorter* log times out first, it votes for itself in
//! term `T+1` and is refused by the other (log check). openraft 0.9 does not make the refusing
//! node adopt `T+1`, so that node later campaigns in `T+1` too, is refused (the first one
//! already voted for itself in `T+1`), and only wins one more election timeout later, in
//! `T+2`. That second round is what made ~1 in 4 elections take over a second.
//!
//! The refusing node knows at once that it is the better candidate, so it campaigns right
//! away in a term above the requester's: that vote is granted (its log is not shorter) and
//! the election ends one round trip after the first candidate asked. Campaigning is always
//! safe in Raft; only liveness is at stake, so the assist is careful not to disturb a live
//! leader: it acts only when this node has not heard from a leader for longer than the
//! leader lease (openraft's `election_timeout_max`), which is also the condition under which
//! openraft itself would accept a vote request.

use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;

use parking_lot::Mutex;

use crate::typ::Raft;
use crate::typ::VoteRequest;
use crate::typ::VoteResponse;

/// Most campaigns one assist starts; a requester far ahead in term (restarted node, or a
/// confused peer) is left to the ordinary timers instead of causing a burst of elections.
const MAX_CAMPAIGNS: u64 = 3;

/// Tracks leader contact and decides whether a refused vote request should make this node
/// campaign. Cheap to clone.
#[derive(Clone)]
pub struct VoteAssist {
    last_leader_contact: Arc<Mutex<Option<Instant>>>,
}

impl Default for VoteAssist {
    fn default() -> Self {
        Self::new()
    }
}

impl VoteAssist {
    /// A tracker that has not heard from any leader yet.
    pub fn new() -> Self {
        Self {
            last_leader_contact: Arc::new(Mutex::new(None)),
        }
    }

    /// Records that the current leader reached us (an accepted or conflicting append).
    pub fn leader_contact(&self) {
        *self.last_leader_contact.lock() = Some(Instant::now());
    }

    /// How many campaigns to start after answering `req` with `resp`, given the leader
    /// lease; 0 = none.
    pub fn campaigns_needed(&self, req: &VoteRequest, resp: &VoteResponse, lease: Duration) -> u64 {
        let heard_recently = self
            .last_leader_contact
            .lock()
            .is_some_and(|t| t.elapsed() <= lease);
        if heard_recently {
            return 0;
        }
        campaigns_for(req, resp)
    }

    /// Applies [`Self::campaigns_needed`]: triggers that many elections in the background.
    pub fn after_vote(&self, raft: &Raft, req: &VoteRequest, resp: &VoteResponse) {
        let lease = Duration::from_millis(raft.config().election_timeout_max);
        let n = self.campaigns_needed(req, resp, lease);
        if n == 0 {
            return;
        }
        tracing::info!(
            candidate = %req.vote,
            our_vote = %resp.vote,
            campaigns = n,
            "Refused a candidate with a shorter log; campaigning at once."
        );
        let raft = raft.clone();
        tokio::spawn(async move {
            for _ in 0..n {
                if raft.trigger().elect().await.is_err() {
                    return;
                }
            }
        });
    }
}

/// Campaigns needed to reach a term above the requester's, if the refusal was on log
/// grounds alone; 0 otherwise.
fn campaigns_for(req: &VoteRequest, resp: &VoteResponse) -> u64 {
    let ours_longer = resp.last_log_id.as_ref() > req.last_log_id.as_ref();
    if resp.vote_granted || !ours_longer {
        return 0;
    }
    let (req_term, our_term) = (req.vote.leader_id().term, resp.vote.leader_id().term);
    if req_term < our_term {
        return 0;
    }
    let n = req_term - our_term + 1;
    if n > MAX_CAMPAIGNS {
        0
    } else {
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typ::LogId;
    use crate::typ::Vote;

    fn log(term: u64, index: u64) -> Option<LogId> {
        Some(LogId::new(openraft::CommittedLeaderId::new(term, 1), index))
    }

    fn req(term: u64, last: Option<LogId>) -> VoteRequest {
        VoteRequest::new(Vote::new(term, 2), last)
    }

    fn resp(term: u64, last: Option<LogId>, granted: bool) -> VoteResponse {
        VoteResponse::new(Vote::new_committed(term, 1), last, granted)
    }

    #[test]
    fn shorter_candidate_in_next_term_needs_two_campaigns() {
        // We are in term 5; the candidate asks in 6 with a shorter log: we must reach 7.
        assert_eq!(
            campaigns_for(&req(6, log(5, 10)), &resp(5, log(5, 12), false)),
            2
        );
    }

    #[test]
    fn granted_or_equal_log_needs_none() {
        assert_eq!(
            campaigns_for(&req(6, log(5, 12)), &resp(6, log(5, 12), true)),
            0
        );
        assert_eq!(
            campaigns_for(&req(6, log(5, 12)), &resp(5, log(5, 12), false)),
            0
        );
        assert_eq!(
            campaigns_for(&req(6, log(5, 13)), &resp(5, log(5, 12), false)),
            0
        );
    }

    #[test]
    fn far_or_stale_terms_are_left_to_timers() {
        assert_eq!(
            campaigns_for(&req(60, log(5, 1)), &resp(5, log(5, 12), false)),
            0
        );
        assert_eq!(
            campaigns_for(&req(4, log(4, 1)), &resp(5, log(5, 12), false)),
            0
        );
    }

    #[test]
    fn live_leader_suppresses_the_assist() {
        let a = VoteAssist::new();
        let (q, r) = (req(6, log(5, 10)), resp(5, log(5, 12), false));
        assert_eq!(a.campaigns_needed(&q, &r, Duration::from_secs(60)), 2);
        a.leader_contact();
        assert_eq!(a.campaigns_needed(&q, &r, Duration::from_secs(60)), 0);
        assert_eq!(a.campaigns_needed(&q, &r, Duration::ZERO), 2);
    }
}
