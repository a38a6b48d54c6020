//! Never two runners of one job committing at the same epoch: every node writes an audit
//! line per committed progress (`target: "audit"`, fields `job epoch node commit_seq`);
//! per `(job, epoch)` all lines must come from one node, with non-decreasing commit seqs.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Violation;

const NAME: &str = "single_committer";

/// One audit line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audit {
    /// Job.
    pub job: String,
    /// Ownership epoch.
    pub epoch: u64,
    /// Committing node.
    pub node: u64,
    /// Committed commit seq.
    pub commit_seq: i64,
}

/// Parses one log line (`... INFO audit: progress committed job=x epoch=3 node=1 commit_seq=9`).
pub fn parse(line: &str) -> Option<Audit> {
    // Fields after the target only: the span prefix (`job{job=x node=1}:`) repeats names.
    let (_, line) = line.split_once(" audit: ")?;
    let field = |k: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
    };
    Some(Audit {
        job: field("job")?.to_string(),
        epoch: field("epoch")?.parse().ok()?,
        node: field("node")?.parse().ok()?,
        commit_seq: field("commit_seq")?.parse().ok()?,
    })
}

/// Reads every audit line of `files` (file order kept per file).
pub fn read(files: &[PathBuf]) -> Vec<Audit> {
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| text.lines().filter_map(parse).collect::<Vec<_>>())
        .collect()
}

/// Checks the audit lines of every node.
pub fn check(audits: &[Audit]) -> Vec<Violation> {
    let mut owner: BTreeMap<(&str, u64), u64> = BTreeMap::new();
    let mut last: BTreeMap<(&str, u64), i64> = BTreeMap::new();
    let mut out = Vec::new();
    for a in audits {
        let key = (a.job.as_str(), a.epoch);
        match owner.get(&key) {
            Some(n) if *n != a.node => out.push(Violation::new(
                NAME,
                format!(
                    "job {} epoch {}: committed by nodes {} and {}",
                    a.job, a.epoch, n, a.node
                ),
            )),
            _ => {
                owner.insert(key, a.node);
            }
        }
        if last.get(&key).is_some_and(|prev| a.commit_seq < *prev) {
            out.push(Violation::new(
                NAME,
                format!(
                    "job {} epoch {}: commit_seq {} after a later one",
                    a.job, a.epoch, a.commit_seq
                ),
            ));
        }
        last.insert(key, a.commit_seq);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_tracing_line_and_flags_two_committers() {
        let l = "2026-11-22T03:00:00.1Z  INFO job{job=db_cdb1 node=2}: audit: progress committed job=db_cdb1 epoch=3 node=2 commit_seq=41";
        let a = parse(l).expect("audit line");
        assert_eq!((a.epoch, a.node, a.commit_seq), (3, 2, 41));
        let mut b = a.clone();
        b.node = 1;
        assert!(check(&[a.clone(), a.clone()]).is_empty());
        assert_eq!(check(&[a, b]).len(), 1);
    }
}
