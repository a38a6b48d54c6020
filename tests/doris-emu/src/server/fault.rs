//! Runtime fault injection: latency, error rates, "fail the next N calls", dropped
//! connections and "do it, then fail the reply" (e.g. commitTxn → PUBLISH_TIMEOUT).
//!
//! Targets are plain names: a Thrift method (`beginTxn`, `commitTxn`, `getBinlog`,
//! `ingest_binlog`, ...), `sql:<FIRST KEYWORD>` for SQL statements (`sql:BACKUP`,
//! `sql:SELECT`), `sql:*` for every statement, or `http:<method>` for the BE download
//! endpoints (`http:get_binlog_info`, `http:get_segment_file`, `http:tablet_download`).
//! Decisions use a seeded RNG so that a test run is reproducible.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Doris `TStatusCode::PUBLISH_TIMEOUT`.
pub const PUBLISH_TIMEOUT: i32 = 14;
/// The message a real FE attaches to PUBLISH_TIMEOUT.
pub const PUBLISH_TIMEOUT_MSG: &str =
    "transaction commit successfully, BUT data will be visible later";

/// One fault rule, as accepted by `POST /fault` and `ADMIN EMU FAULT`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// What to intercept (see the module docs).
    pub target: String,
    /// Probability in [0, 1] that a call fails. Default: 1.0 when the rule describes a
    /// failure (`times`, `status_code`, `message`, `drop`, `after`), else 0 (latency only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// Extra latency added to every matching call (failing or not).
    #[serde(default)]
    pub latency_ms: u64,
    /// Inject at most this many failures, then remove the rule. `None` = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// Thrift TStatusCode (default INTERNAL_ERROR 6), MySQL error number (default 1105)
    /// or HTTP status (default 500) of the injected error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i32>,
    /// Error message (default "injected fault").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Thrift/HTTP: close the connection instead of replying.
    #[serde(default)]
    pub drop: bool,
    /// Perform the real call first, then replace its reply with the error (or drop).
    #[serde(default)]
    pub after: bool,
    /// Shorthand for `status_code = 14` (PUBLISH_TIMEOUT), its Doris message, `after = true`.
    #[serde(default)]
    pub publish_timeout: bool,
}

/// Why a fault spec was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid fault: {0}")]
pub struct FaultError(pub String);

impl FaultSpec {
    /// Checks ranges and expands the `publish_timeout` shorthand.
    pub fn normalized(mut self) -> Result<Self, FaultError> {
        if self.target.trim().is_empty() {
            return Err(FaultError("target is empty".into()));
        }
        if let Some(rate) = self.error_rate {
            if !(0.0..=1.0).contains(&rate) {
                return Err(FaultError(format!(
                    "error_rate {rate} is not within [0, 1]"
                )));
            }
        }
        if self.publish_timeout {
            self.status_code.get_or_insert(PUBLISH_TIMEOUT);
            self.message
                .get_or_insert_with(|| PUBLISH_TIMEOUT_MSG.to_string());
            self.after = true;
        }
        Ok(self)
    }

    /// Failure probability: explicit, else 1.0 when the rule describes a failure (times,
    /// code, message, drop, after), else 0 (a latency-only rule).
    fn rate(&self) -> f64 {
        let describes_failure = self.times.is_some()
            || self.status_code.is_some()
            || self.message.is_some()
            || self.drop
            || self.after;
        self.error_rate
            .unwrap_or(if describes_failure { 1.0 } else { 0.0 })
    }
}

/// A failure the caller must produce instead of (or after) the real work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Injected {
    /// Code from the rule; each front end applies its own default when `None`.
    pub code: Option<i32>,
    /// Error message.
    pub message: String,
    /// Close the connection instead of answering.
    pub drop: bool,
    /// Do the real work first, then answer with this failure.
    pub after: bool,
}

impl Injected {
    /// The code, or `default` when the rule did not set one.
    pub fn code_or(&self, default: i32) -> i32 {
        self.code.unwrap_or(default)
    }
}

struct State {
    rules: BTreeMap<String, FaultSpec>,
    rng: StdRng,
}

/// The shared fault table (cheap to clone).
#[derive(Clone)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

impl Faults {
    /// An empty fault table whose random decisions derive from `seed`.
    pub fn new(seed: u64) -> Self {
        let state = State {
            rules: BTreeMap::new(),
            rng: StdRng::seed_from_u64(seed),
        };
        Faults {
            state: Arc::new(Mutex::new(state)),
        }
    }

    /// Installs (or replaces) the rule for `spec.target`.
    pub fn set(&self, spec: FaultSpec) -> Result<FaultSpec, FaultError> {
        let spec = spec.normalized()?;
        tracing::info!(target = %spec.target, ?spec, "fault rule installed");
        self.state
            .lock()
            .rules
            .insert(spec.target.clone(), spec.clone());
        Ok(spec)
    }

    /// Removes the rule for `target`, or every rule when `None`. Returns how many were removed.
    pub fn clear(&self, target: Option<&str>) -> usize {
        let mut st = self.state.lock();
        match target {
            Some(t) => usize::from(st.rules.remove(t).is_some()),
            None => {
                let n = st.rules.len();
                st.rules.clear();
                n
            }
        }
    }

    /// The installed rules, ordered by target.
    pub fn list(&self) -> Vec<FaultSpec> {
        self.state.lock().rules.values().cloned().collect()
    }

    /// Applies the rule for `target` (if any): sleeps its latency, then decides whether this
    /// call fails. Uses `fallback` (e.g. `sql:*`) when `target` has no rule.
    pub async fn check(&self, target: &str, fallback: Option<&str>) -> Option<Injected> {
        let (latency, injected) = self.decide(target, fallback)?;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        injected
    }

    fn decide(&self, target: &str, fallback: Option<&str>) -> Option<(Duration, Option<Injected>)> {
        let mut st = self.state.lock();
        let key = if st.rules.contains_key(target) {
            target
        } else {
            fallback?
        };
        let State { rules, rng } = &mut *st;
        let rule = rules.get_mut(key)?;
        let latency = Duration::from_millis(rule.latency_ms);
        let rate = rule.rate();
        let fails = rate > 0.0 && (rate >= 1.0 || rng.gen::<f64>() < rate);
        if !fails {
            return Some((latency, None));
        }
        let injected = Injected {
            code: rule.status_code,
            message: rule
                .message
                .clone()
                .unwrap_or_else(|| "injected fault".to_string()),
            drop: rule.drop,
            after: rule.after,
        };
        if let Some(left) = rule.times.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                rules.remove(key);
            }
        }
        tracing::info!(target, code = ?injected.code, drop = injected.drop, "fault injected");
        Some((latency, Some(injected)))
    }
}

/// The fault target of a SQL statement: `sql:` + its first keyword, upper-cased.
pub fn sql_target(sql: &str) -> String {
    let word: String = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    format!("sql:{}", word.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(target: &str) -> FaultSpec {
        FaultSpec {
            target: target.into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn times_fails_exactly_n_calls_then_rule_disappears() {
        let f = Faults::new(1);
        f.set(FaultSpec {
            times: Some(2),
            status_code: Some(7),
            ..spec("beginTxn")
        })
        .unwrap();
        assert_eq!(
            f.check("beginTxn", None).await.map(|i| i.code_or(6)),
            Some(7)
        );
        assert!(f.check("beginTxn", None).await.is_some());
        assert!(f.check("beginTxn", None).await.is_none());
        assert!(f.list().is_empty());
    }

    #[tokio::test]
    async fn error_rate_is_reproducible_with_the_same_seed() {
        let run = |seed| async move {
            let f = Faults::new(seed);
            f.set(FaultSpec {
                error_rate: Some(0.5),
                ..spec("getBinlog")
            })
            .unwrap();
            let mut out = Vec::new();
            for _ in 0..64 {
                out.push(f.check("getBinlog", None).await.is_some());
            }
            out
        };
        let a = run(7).await;
        assert_eq!(a, run(7).await);
        assert!(a.iter().any(|x| *x) && a.iter().any(|x| !*x), "{a:?}");
    }

    #[tokio::test]
    async fn publish_timeout_shorthand_and_fallback() {
        let f = Faults::new(0);
        f.set(FaultSpec {
            publish_timeout: true,
            ..spec("commitTxn")
        })
        .unwrap();
        let i = f.check("commitTxn", None).await.unwrap();
        assert_eq!((i.code, i.after), (Some(PUBLISH_TIMEOUT), true));
        f.set(FaultSpec {
            error_rate: Some(1.0),
            ..spec("sql:*")
        })
        .unwrap();
        assert!(f.check("sql:SELECT", Some("sql:*")).await.is_some());
        assert_eq!(f.clear(None), 2);
        assert!(f
            .set(FaultSpec {
                error_rate: Some(2.0),
                ..spec("x")
            })
            .is_err());
    }

    #[test]
    fn sql_targets() {
        assert_eq!(sql_target("  backup snapshot x"), "sql:BACKUP");
        assert_eq!(sql_target("(select 1)"), "sql:SELECT");
    }
}
