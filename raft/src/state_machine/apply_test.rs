use serde_json::json;

use crate::command::Command;
use crate::command::CommandResponse;
use crate::command::ProgressWrite;
use crate::command::Rejection;
use crate::model::JobState;
use crate::model::ReplicatedState;

fn create(name: &str) -> Command {
    Command::CreateJob {
        name: name.to_string(),
        spec: json!({"src": "a"}),
        state: JobState::Running,
        at_ms: 1000,
    }
}

fn assign(job: &str, node: u64) -> Command {
    Command::Assign {
        job: job.to_string(),
        node,
        expect_epoch: None,
    }
}

fn save(job: &str, epoch: u64, seq: u64) -> ProgressWrite {
    ProgressWrite {
        job: job.to_string(),
        epoch,
        data: json!({ "commit_seq": seq }),
    }
}

fn state_with_assigned_job() -> ReplicatedState {
    let mut st = ReplicatedState::default();
    assert_eq!(st.apply(&create("j1")), CommandResponse::Ok);
    assert_eq!(
        st.apply(&assign("j1", 1)),
        CommandResponse::Assigned { epoch: 1 }
    );
    st
}

#[test]
fn create_twice_is_rejected() {
    let mut st = state_with_assigned_job();
    let before = st.clone();
    let resp = st.apply(&create("j1"));
    assert_eq!(
        resp.rejection(),
        Some(&Rejection::JobExists { job: "j1".into() })
    );
    assert_eq!(st, before, "a rejected command must not change state");
}

#[test]
fn epochs_increase_on_every_reassignment() {
    let mut st = state_with_assigned_job();
    assert_eq!(
        st.apply(&assign("j1", 2)),
        CommandResponse::Assigned { epoch: 2 }
    );
    let unassign = Command::Unassign {
        job: "j1".into(),
        expect_epoch: None,
    };
    assert_eq!(st.apply(&unassign), CommandResponse::Assigned { epoch: 3 });
    assert_eq!(st.owner("j1").map(|o| o.node), Some(None));
    assert_eq!(
        st.apply(&assign("j1", 1)),
        CommandResponse::Assigned { epoch: 4 }
    );
}

#[test]
fn stale_epoch_progress_is_rejected_and_state_unchanged() {
    let mut st = state_with_assigned_job();
    let saved = st.apply(&Command::SaveProgress(save("j1", 1, 10)));
    assert_eq!(saved, CommandResponse::ProgressSaved { seq: 1 });
    st.apply(&assign("j1", 2));
    let before = st.clone();

    let resp = st.apply(&Command::SaveProgress(save("j1", 1, 11)));
    let expected = Rejection::StaleEpoch {
        job: "j1".into(),
        got: 1,
        current: 2,
    };
    assert_eq!(resp.rejection(), Some(&expected));
    assert_eq!(st, before);

    let resp = st.apply(&Command::SaveProgress(save("j1", 2, 12)));
    assert_eq!(resp, CommandResponse::ProgressSaved { seq: 2 });
    assert_eq!(st.progress_of("j1").map(|p| p.epoch), Some(2));
}

#[test]
fn progress_needs_an_existing_assigned_job() {
    let mut st = ReplicatedState::default();
    let resp = st.apply(&Command::SaveProgress(save("nope", 0, 1)));
    assert_eq!(
        resp.rejection(),
        Some(&Rejection::JobNotFound { job: "nope".into() })
    );

    st.apply(&create("j2"));
    let resp = st.apply(&Command::SaveProgress(save("j2", 0, 1)));
    assert_eq!(
        resp.rejection(),
        Some(&Rejection::NotAssigned {
            job: "j2".into(),
            current: 0
        })
    );
    assert!(st.progress_of("j2").is_none());
}

#[test]
fn delete_clears_progress_and_ownership_and_never_reuses_epochs() {
    let mut st = state_with_assigned_job();
    st.apply(&Command::SaveProgress(save("j1", 1, 5)));
    assert_eq!(
        st.apply(&Command::DeleteJob { name: "j1".into() }),
        CommandResponse::Ok
    );
    assert!(st.job("j1").is_none());
    assert!(st.progress_of("j1").is_none());
    assert!(st.owner("j1").is_none());

    st.apply(&create("j1"));
    assert_eq!(st.owner("j1").map(|o| o.epoch), Some(1));
    assert_eq!(
        st.apply(&assign("j1", 3)),
        CommandResponse::Assigned { epoch: 2 }
    );
    let resp = st.apply(&Command::SaveProgress(save("j1", 1, 6)));
    assert!(!resp.is_ok(), "old incarnation's epoch must stay fenced");
}

#[test]
fn batch_checks_each_item_independently() {
    let mut st = state_with_assigned_job();
    st.apply(&create("j2"));
    st.apply(&assign("j2", 1));
    st.apply(&assign("j2", 2));
    let batch = Command::SaveProgressBatch {
        items: vec![
            save("j1", 1, 7),
            save("j2", 1, 8),
            save("j2", 2, 9),
            save("gone", 1, 1),
        ],
    };
    let CommandResponse::Batch { results } = st.apply(&batch) else {
        panic!("batch must answer with per-item results");
    };
    assert_eq!(results[0], CommandResponse::ProgressSaved { seq: 1 });
    assert!(matches!(
        results[1].rejection(),
        Some(Rejection::StaleEpoch { .. })
    ));
    assert_eq!(results[2], CommandResponse::ProgressSaved { seq: 1 });
    assert!(matches!(
        results[3].rejection(),
        Some(Rejection::JobNotFound { .. })
    ));
    assert_eq!(
        st.progress_of("j2").map(|p| p.data.clone()),
        Some(json!({"commit_seq": 9}))
    );
}

#[test]
fn job_updates_bump_version_and_time() {
    let mut st = state_with_assigned_job();
    let set = Command::SetJobState {
        name: "j1".into(),
        state: JobState::Blocked {
            reason: "schema".into(),
        },
        at_ms: 2000,
    };
    assert_eq!(st.apply(&set), CommandResponse::Ok);
    let upd = Command::UpdateJobSpec {
        name: "j1".into(),
        spec: json!({"src": "b"}),
        at_ms: 3000,
    };
    assert_eq!(st.apply(&upd), CommandResponse::Ok);
    let job = st.job("j1").cloned();
    assert_eq!(
        job.as_ref()
            .map(|j| (j.version, j.created_at_ms, j.updated_at_ms)),
        Some((3, 1000, 3000))
    );
    assert_eq!(
        job.map(|j| j.state),
        Some(JobState::Blocked {
            reason: "schema".into()
        })
    );
}

#[test]
fn expect_epoch_is_compare_and_set() {
    let mut st = state_with_assigned_job();
    let cas = Command::Assign {
        job: "j1".into(),
        node: 2,
        expect_epoch: Some(0),
    };
    assert!(!st.apply(&cas).is_ok());
    let cas = Command::Assign {
        job: "j1".into(),
        node: 2,
        expect_epoch: Some(1),
    };
    assert_eq!(st.apply(&cas), CommandResponse::Assigned { epoch: 2 });
}

#[test]
fn command_json_round_trips() {
    let cmd = Command::SaveProgressBatch {
        items: vec![save("j1", 3, 4)],
    };
    let text = serde_json::to_string(&cmd).unwrap_or_default();
    let back: Command = serde_json::from_str(&text).unwrap_or(Command::Noop);
    assert_eq!(back, cmd);
}

#[test]
fn seed_progress_sets_only_the_first_progress() {
    let mut st = state_with_assigned_job();
    let seed = |v: u64| Command::SeedProgress {
        job: "j1".into(),
        data: serde_json::json!({ "seed": v }),
    };
    assert_eq!(st.apply(&seed(1)), CommandResponse::Ok);
    assert_eq!(st.apply(&seed(2)), CommandResponse::Ok);
    let p = st.progress_of("j1").cloned();
    assert_eq!(p.map(|p| p.data), Some(serde_json::json!({ "seed": 1 })));
    let missing = Command::SeedProgress {
        job: "nope".into(),
        data: serde_json::Value::Null,
    };
    assert!(!st.apply(&missing).is_ok());
}

#[test]
fn draining_mark_is_set_and_cleared() {
    let mut st = ReplicatedState::default();
    let mark = |draining| Command::SetNodeDraining { node: 3, draining };
    assert_eq!(st.apply(&mark(true)), CommandResponse::Ok);
    assert!(st.draining.contains(&3));
    assert_eq!(st.apply(&mark(false)), CommandResponse::Ok);
    assert!(st.draining.is_empty());
}

#[test]
fn changes_counts_everything_but_progress() {
    let mut st = state_with_assigned_job();
    let before = st.changes;
    st.apply(&Command::SaveProgress(save("j1", 1, 1)));
    st.apply(&Command::Noop);
    assert_eq!(st.changes, before, "progress saves do not count");
    st.apply(&assign("j1", 2));
    assert_eq!(st.changes, before + 1);
}
