use super::*;
use crate::engine::checkpoint::{RunnerContext, RunnerExit};
use crate::engine::create::NoopClusterOps;
use crate::job::CreateCcrRequest;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

#[derive(Default)]
struct Probe {
    starts: AtomicUsize,
    exits: AtomicUsize,
    commands: Mutex<Vec<RunnerCommand>>,
    seen_progress: Mutex<Vec<Option<Progress>>>,
}

/// Runner used by the tests: records what it gets; on ForceFullSync it checkpoints a
/// progress with commit_seq 42; a job named `block-*` blocks itself at once.
fn probe_factory(p: Arc<Probe>) -> Arc<dyn RunnerFactory> {
    Arc::new(FnRunnerFactory(move |mut ctx: RunnerContext| {
        let p = p.clone();
        async move {
            p.starts.fetch_add(1, Ordering::SeqCst);
            p.seen_progress.lock().push(ctx.progress.clone());
            let exit = probe_loop(&p, &mut ctx).await;
            p.exits.fetch_add(1, Ordering::SeqCst);
            exit
        }
    }))
}

async fn probe_loop(p: &Probe, ctx: &mut RunnerContext) -> RunnerExit {
    if ctx.spec.name.starts_with("block-") {
        let reason = "source table renamed".to_string();
        let _ = ctx
            .checkpoint
            .set_state(JobState::Blocked {
                reason: reason.clone(),
            })
            .await;
        return RunnerExit::Blocked(reason);
    }
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return RunnerExit::Cancelled,
            cmd = ctx.commands.recv() => {
                let Some(cmd) = cmd else { return RunnerExit::Cancelled };
                if cmd == RunnerCommand::ForceFullSync {
                    let mut pr = ctx.progress.clone().unwrap_or_else(|| Progress::new(&ctx.spec.name, true));
                    pr.commit_seq = 42;
                    if ctx.checkpoint.save(&pr).await.is_err() {
                        return RunnerExit::Fenced;
                    }
                }
                p.commands.lock().push(cmd);
            }
        }
    }
}

fn spec(name: &str) -> JobSpec {
    let body = serde_json::json!({
        "name": name,
        "src": {"host":"h","port":"9030","thrift_port":"9020","user":"root","password":"pw","database":"db","table":"t"},
        "dest": {"host":"h2","port":"9030","thrift_port":"9020","user":"root","password":"pw","database":"db2","table":"t2"}
    });
    serde_json::from_value::<CreateCcrRequest>(body)
        .unwrap()
        .into_spec()
        .unwrap()
}

fn manager(p: &Arc<Probe>) -> (JobManager, Arc<MemoryJobStore>) {
    let store = Arc::new(MemoryJobStore::new());
    let m = JobManager::new(
        store.clone(),
        Arc::new(NoopClusterOps),
        probe_factory(p.clone()),
    );
    (m, store)
}

async fn wait_for(what: &str, f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn create_starts_runner_with_fresh_progress() {
    let p = Arc::new(Probe::default());
    let (m, _) = manager(&p);
    m.create(spec("j1")).await.unwrap();
    wait_for("runner start", || p.starts.load(Ordering::SeqCst) == 1).await;
    let seen = p.seen_progress.lock()[0].clone().unwrap();
    assert_eq!(seen.sync_state, crate::job::SyncState::TableFullSync);
    assert_eq!(m.list().await.unwrap(), vec!["j1"]);
    let st = m.status("j1").await.unwrap();
    assert_eq!(st.state, JobState::Running);
    assert_eq!(st.live.progress_state, "TableFullSync");
}

#[tokio::test]
async fn duplicate_and_invalid_creates_change_nothing() {
    let p = Arc::new(Probe::default());
    let (m, _) = manager(&p);
    m.create(spec("j1")).await.unwrap();
    let err = m.create(spec("j1")).await.unwrap_err();
    assert_eq!(err.to_string(), "job j1 already exist");
    let mut bad = spec("j2");
    bad.name = "j`2".into();
    assert!(matches!(
        m.create(bad).await,
        Err(ManagerError::InvalidSpec(_))
    ));
    assert_eq!(m.list().await.unwrap(), vec!["j1"]);
    assert!(matches!(
        m.pause("nope").await,
        Err(ManagerError::NotFound(_))
    ));
}

#[tokio::test]
async fn pause_resume_reloads_stored_progress() {
    let p = Arc::new(Probe::default());
    let (m, store) = manager(&p);
    m.create(spec("j1")).await.unwrap();
    wait_for("start", || p.starts.load(Ordering::SeqCst) == 1).await;
    m.force_fullsync("j1").await.unwrap();
    wait_for("command", || p.commands.lock().len() == 1).await;
    m.pause("j1").await.unwrap();
    wait_for("exit", || p.exits.load(Ordering::SeqCst) == 1).await;
    assert_eq!(
        store.get("j1").await.unwrap().unwrap().state,
        JobState::Paused
    );
    m.resume("j1").await.unwrap();
    wait_for("restart", || p.starts.load(Ordering::SeqCst) == 2).await;
    let seen = p.seen_progress.lock()[1].clone().unwrap();
    assert_eq!(seen.commit_seq, 42);
    assert_eq!(m.status("j1").await.unwrap().state, JobState::Running);
}

#[tokio::test]
async fn commands_while_paused_are_delivered_on_resume() {
    let p = Arc::new(Probe::default());
    let (m, store) = manager(&p);
    m.create(spec("j1")).await.unwrap();
    m.pause("j1").await.unwrap();
    m.update_skip_error("j1", true).await.unwrap();
    assert!(store.get("j1").await.unwrap().unwrap().spec.skip_error);
    m.resume("j1").await.unwrap();
    wait_for("command", || {
        p.commands
            .lock()
            .contains(&RunnerCommand::SetSkipError(true))
    })
    .await;
}

#[tokio::test]
async fn blocked_runner_is_visible_and_resume_clears_it() {
    let p = Arc::new(Probe::default());
    let (m, store) = manager(&p);
    m.create(spec("block-1")).await.unwrap();
    wait_for("exit", || p.exits.load(Ordering::SeqCst) == 1).await;
    let st = m.status("block-1").await.unwrap();
    assert_eq!(st.state.name(), "blocked");
    assert_eq!(
        st.live.blocked_reason.as_deref(),
        Some("source table renamed")
    );
    m.resume("block-1").await.unwrap();
    assert_eq!(
        store.get("block-1").await.unwrap().unwrap().state,
        JobState::Running
    );
}

#[tokio::test]
async fn delete_removes_job_and_fences_runner() {
    let p = Arc::new(Probe::default());
    let (m, store) = manager(&p);
    m.create(spec("j1")).await.unwrap();
    wait_for("start", || p.starts.load(Ordering::SeqCst) == 1).await;
    m.delete("j1").await.unwrap();
    wait_for("exit", || p.exits.load(Ordering::SeqCst) == 1).await;
    assert!(store.get("j1").await.unwrap().is_none());
    assert!(m.list().await.unwrap().is_empty());
    assert!(matches!(
        m.status("j1").await,
        Err(ManagerError::NotFound(_))
    ));
}

#[tokio::test]
async fn pause_and_resume_never_wait_for_a_stuck_step() {
    let started = Arc::new(AtomicUsize::new(0));
    let s2 = started.clone();
    let factory = Arc::new(FnRunnerFactory(move |_ctx: RunnerContext| {
        let s = s2.clone();
        async move {
            s.fetch_add(1, Ordering::SeqCst);
            // A step that ignores cancellation for a long time.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            RunnerExit::Cancelled
        }
    }));
    let m = JobManager::new(
        Arc::new(MemoryJobStore::new()),
        Arc::new(NoopClusterOps),
        factory,
    );
    m.create(spec("j1")).await.unwrap();
    wait_for("start", || started.load(Ordering::SeqCst) == 1).await;
    let quick = Duration::from_secs(2);
    tokio::time::timeout(quick, m.pause("j1"))
        .await
        .expect("pause waited")
        .unwrap();
    tokio::time::timeout(quick, m.resume("j1"))
        .await
        .expect("resume waited")
        .unwrap();
    tokio::time::timeout(quick, m.status("j1"))
        .await
        .expect("status waited")
        .unwrap();
    // The new runner must not overlap the stuck one.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(started.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn recover_starts_stored_running_jobs() {
    let p = Arc::new(Probe::default());
    let (m, store) = manager(&p);
    m.create(spec("a")).await.unwrap();
    m.create(spec("b")).await.unwrap();
    m.pause("b").await.unwrap();
    m.shutdown(Duration::from_secs(2)).await;
    let p2 = Arc::new(Probe::default());
    let m2 = JobManager::new(store, Arc::new(NoopClusterOps), probe_factory(p2.clone()));
    assert_eq!(m2.recover().await.unwrap(), 1);
    wait_for("start", || p2.starts.load(Ordering::SeqCst) == 1).await;
}

#[tokio::test]
async fn external_runners_start_only_when_owned() {
    let p = Arc::new(Probe::default());
    let store = Arc::new(MemoryJobStore::new());
    let m = JobManager::new(store, Arc::new(NoopClusterOps), probe_factory(p.clone()))
        .with_external_runners();
    m.create(spec("j1")).await.unwrap();
    m.resume("j1").await.unwrap();
    assert_eq!(m.recover().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(p.starts.load(Ordering::SeqCst), 0);
    let cp = Arc::new(crate::engine::checkpoint::MemoryCheckpoint::new());
    let cp2 = cp.clone();
    m.start_owned(spec("j1"), Box::new(move |_status| cp2));
    wait_for("owned start", || p.starts.load(Ordering::SeqCst) == 1).await;
    m.force_fullsync("j1").await.unwrap();
    wait_for("checkpoint via owned handle", || cp.saves() == 1).await;
    m.stop_owned("j1");
    wait_for("exit", || p.exits.load(Ordering::SeqCst) == 1).await;
}
