//! Per job, the checkpointed commit seq never goes back: every node's answers to
//! `/job_progress`, sampled throughout the run, are non-decreasing per job.

use std::collections::BTreeMap;

use super::Violation;
use crate::sampler::Sample;

const NAME: &str = "progress_monotonic";

/// Checks the samples of the whole run.
pub fn check(samples: &[Sample]) -> Vec<Violation> {
    let mut last: BTreeMap<(u64, &str), i64> = BTreeMap::new();
    let mut out = Vec::new();
    for s in samples {
        let key = (s.node, s.job.as_str());
        if let Some(prev) = last.get(&key) {
            if s.commit_seq < *prev {
                out.push(Violation::new(
                    NAME,
                    format!(
                        "job {} on node {}: commit_seq {} after {}",
                        s.job, s.node, s.commit_seq, prev
                    ),
                ));
            }
        }
        last.insert(key, s.commit_seq);
    }
    out
}
