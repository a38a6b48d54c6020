//! Engine errors and how the runner reacts to each kind.

use crate::doris::{DorisError, ErrorClass};
use crate::engine::checkpoint::CheckpointError;

/// Why a sync step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// Transient: back off and retry the step (unbounded).
    #[error("{0}")]
    Retryable(String),
    /// Retrying is unlikely to help; retried a few times, then the job is blocked.
    #[error("{0}")]
    Fatal(String),
    /// The job cannot proceed without an operator: block at once with this reason.
    #[error("{0}")]
    Block(String),
    /// Another node owns the job (or it was deleted): stop without touching Doris.
    #[error("fenced: {0}")]
    Fenced(String),
    /// The cancel token fired.
    #[error("cancelled")]
    Cancelled,
}

/// Result of an engine step.
pub type EngineResult<T> = Result<T, EngineError>;

impl EngineError {
    /// A retryable error with context.
    pub fn retry(msg: impl Into<String>) -> Self {
        EngineError::Retryable(msg.into())
    }

    /// A fatal error with context.
    pub fn fatal(msg: impl Into<String>) -> Self {
        EngineError::Fatal(msg.into())
    }

    /// Wraps a Doris error with what was being done, keeping its class.
    pub fn doris(what: &str, e: DorisError) -> Self {
        let msg = format!("{what}: {e}");
        match e.class() {
            ErrorClass::Retryable | ErrorClass::OutcomeUnknown => EngineError::Retryable(msg),
            // One backup/restore per db at a time: wait for the other job to finish.
            ErrorClass::Fatal if e.to_string().contains("Can only run one backup or restore") => {
                EngineError::Retryable(msg)
            }
            ErrorClass::Fatal => EngineError::Fatal(msg),
        }
    }

    /// Adds context in front of the message, keeping the kind.
    pub fn context(self, what: &str) -> Self {
        match self {
            EngineError::Retryable(m) => EngineError::Retryable(format!("{what}: {m}")),
            EngineError::Fatal(m) => EngineError::Fatal(format!("{what}: {m}")),
            EngineError::Block(m) => EngineError::Block(format!("{what}: {m}")),
            other => other,
        }
    }
}

impl From<CheckpointError> for EngineError {
    fn from(e: CheckpointError) -> Self {
        match e {
            CheckpointError::Fenced | CheckpointError::Deleted => {
                EngineError::Fenced(e.to_string())
            }
            CheckpointError::Unavailable(m) => {
                EngineError::Retryable(format!("checkpoint store unavailable: {m}"))
            }
        }
    }
}

/// `?`-friendly conversion for Doris calls: `.map_err(doris_err("getMeta"))`.
pub fn doris_err(what: &'static str) -> impl Fn(DorisError) -> EngineError {
    move |e| EngineError::doris(what, e)
}
