//! FeClient against in-process FEs built on the doris-thrift server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use doris_thrift::frontend_service::*;
use doris_thrift::status::{TStatus, TStatusCode};
use doris_thrift::types::TNetworkAddress;
use doris_thrift::wire::{self, ApplicationError, Call, ThriftHandler};
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::{BeginTxn, FeClient, FeOptions, LabelJobStatus};
use crate::doris::{ClusterSpec, ErrorClass, Frontend, Secret};

/// How a fake FE answers.
#[derive(Clone)]
enum Role {
    Master,
    /// NOT_MASTER, optionally pointing at the master's thrift port.
    Follower(Option<u16>),
    /// Master whose commitTxn answers this status code.
    CommitStatus(i32),
    /// Master whose beginTxn finds the label held by txn 42 with this `job_status`.
    LabelHeld(&'static str),
}

struct FakeFe {
    role: Role,
    calls: AtomicUsize,
    last_binlog_req: Mutex<Option<TGetBinlogRequest>>,
}

fn status(code: TStatusCode, msg: &str) -> Option<TStatus> {
    Some(TStatus::new(code, vec![msg.to_string()]))
}

impl FakeFe {
    fn head(&self) -> (Option<TStatus>, Option<TNetworkAddress>) {
        match self.role {
            Role::Follower(master) => (
                status(TStatusCode::NOT_MASTER, "not master"),
                master.map(|p| TNetworkAddress::new("127.0.0.1".to_string(), i32::from(p))),
            ),
            _ => (status(TStatusCode::OK, ""), None),
        }
    }
}

#[async_trait]
impl ThriftHandler for FakeFe {
    async fn handle(&self, call: Call) -> Result<Vec<u8>, ApplicationError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let (status, master_address) = self.head();
        match call.method() {
            "getBinlog" => {
                let req: TGetBinlogRequest = call.decode_args()?;
                let seq = req.prev_commit_seq.unwrap_or(0) + 1;
                *self.last_binlog_req.lock() = Some(req);
                let binlog = TBinlog {
                    commit_seq: Some(seq),
                    ..Default::default()
                };
                let res = TGetBinlogResult {
                    status,
                    master_address,
                    binlogs: Some(vec![binlog]),
                    ..Default::default()
                };
                call.reply(&res)
            }
            "beginTxn" => {
                let req: TBeginTxnRequest = call.decode_args()?;
                let res = match self.role {
                    Role::LabelHeld(job) => TBeginTxnResult {
                        status: self::status(
                            TStatusCode::LABEL_ALREADY_EXISTS,
                            &format!(
                                "Label [{}] has already been used, relate to txn [42]",
                                req.label.unwrap_or_default()
                            ),
                        ),
                        job_status: Some(job.to_string()),
                        ..Default::default()
                    },
                    _ => TBeginTxnResult {
                        status,
                        master_address,
                        txn_id: Some(1001),
                        ..Default::default()
                    },
                };
                call.reply(&res)
            }
            "commitTxn" => {
                let _req: TCommitTxnRequest = call.decode_args()?;
                let status = match self.role {
                    Role::CommitStatus(code) => self::status(TStatusCode(code), "commit says so"),
                    _ => status,
                };
                call.reply(&TCommitTxnResult {
                    status,
                    master_address,
                })
            }
            _ => Err(call.unknown_method()),
        }
    }
}

struct Fe {
    port: u16,
    fake: Arc<FakeFe>,
    _stop: oneshot::Sender<()>,
}

impl Fe {
    fn calls(&self) -> usize {
        self.fake.calls.load(Ordering::SeqCst)
    }
}

async fn start_fe(role: Role) -> Fe {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let fake = Arc::new(FakeFe {
        role,
        calls: AtomicUsize::new(0),
        last_binlog_req: Mutex::new(None),
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let handler: Arc<dyn ThriftHandler> = fake.clone();
    tokio::spawn(wire::serve(listener, handler, async move {
        let _ = stopped.await;
    }));
    Fe {
        port,
        fake,
        _stop: stop,
    }
}

/// A port with nothing listening.
async fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    listener.local_addr().expect("addr").port()
}

fn spec(first: u16, others: &[u16]) -> ClusterSpec {
    ClusterSpec {
        host: "127.0.0.1".into(),
        port: "9030".into(),
        thrift_port: first.to_string(),
        frontends: others
            .iter()
            .map(|p| Frontend {
                host: "127.0.0.1".into(),
                port: "9030".into(),
                thrift_port: p.to_string(),
                is_master: false,
            })
            .collect(),
        user: "root".into(),
        password: Secret::new("pw"),
        database: "db1".into(),
        table: "t1".into(),
        table_id: 77,
        ..Default::default()
    }
}

fn client(spec: &ClusterSpec) -> FeClient {
    let options = FeOptions {
        connect_timeout: Duration::from_secs(2),
        rpc_timeout: Duration::from_secs(5),
        commit_timeout: Duration::from_millis(300),
        ..FeOptions::default()
    };
    FeClient::new(spec, options).expect("client")
}

fn binlog_req(prev: i64) -> TGetBinlogRequest {
    TGetBinlogRequest {
        prev_commit_seq: Some(prev),
        ..Default::default()
    }
}

fn first_seq(res: &TGetBinlogResult) -> Option<i64> {
    res.binlogs.as_ref()?.first()?.commit_seq
}

#[tokio::test]
async fn not_master_redirects_to_master_address_and_sticks() {
    let master = start_fe(Role::Master).await;
    let follower = start_fe(Role::Follower(Some(master.port))).await;
    let fe = client(&spec(follower.port, &[]));
    let res = fe.get_binlog(binlog_req(10)).await.expect("get_binlog");
    assert_eq!(first_seq(&res), Some(11));
    assert_eq!(fe.master_addr(), format!("127.0.0.1:{}", master.port));
    assert!(
        fe.known_addrs().contains(&fe.master_addr()),
        "redirect target is remembered"
    );
    fe.get_binlog(binlog_req(11)).await.expect("second call");
    assert_eq!(
        (follower.calls(), master.calls()),
        (1, 2),
        "second call goes straight to the master"
    );
}

#[tokio::test]
async fn auth_fields_are_filled_from_the_spec() {
    let master = start_fe(Role::Master).await;
    let fe = client(&spec(master.port, &[]));
    fe.get_binlog(binlog_req(1)).await.expect("get_binlog");
    let req = master
        .fake
        .last_binlog_req
        .lock()
        .clone()
        .expect("request seen");
    assert_eq!(req.user.as_deref(), Some("root"));
    assert_eq!(req.passwd.as_deref(), Some("pw"));
    assert_eq!(req.db.as_deref(), Some("db1"));
    assert_eq!(req.table.as_deref(), Some("t1"));
    assert_eq!(req.table_id, Some(77));
}

#[tokio::test]
async fn connection_errors_fail_over_to_other_frontends() {
    let master = start_fe(Role::Master).await;
    let fe = client(&spec(dead_port().await, &[master.port]));
    let res = fe.get_binlog(binlog_req(5)).await.expect("fails over");
    assert_eq!(first_seq(&res), Some(6));
    assert_eq!(fe.master_addr(), format!("127.0.0.1:{}", master.port));
}

#[tokio::test]
async fn not_master_without_address_tries_other_frontends() {
    let lost = start_fe(Role::Follower(None)).await;
    let master = start_fe(Role::Master).await;
    let fe = client(&spec(lost.port, &[master.port]));
    fe.get_binlog(binlog_req(1))
        .await
        .expect("found the master");
    assert_eq!((lost.calls(), master.calls()), (1, 1));
}

#[tokio::test]
async fn only_followers_is_a_retryable_no_master_error() {
    let a = start_fe(Role::Follower(None)).await;
    let b = start_fe(Role::Follower(None)).await;
    let fe = client(&spec(a.port, &[b.port]));
    let err = fe.get_binlog(binlog_req(1)).await.expect_err("no master");
    assert_eq!(err.class(), ErrorClass::Retryable, "{err}");
    assert!(err.to_string().contains("NOT_MASTER"), "{err}");
}

#[tokio::test]
async fn followers_pointing_at_each_other_do_not_loop_forever() {
    let a_port = dead_port().await; // reserved, replaced below by a follower
    let b = start_fe(Role::Follower(Some(a_port))).await;
    let a = start_fe(Role::Follower(Some(b.port))).await;
    let fe = client(&spec(a.port, &[b.port]));
    let err = fe.get_binlog(binlog_req(1)).await.expect_err("no master");
    assert_eq!(err.class(), ErrorClass::Retryable);
    assert!(a.calls() + b.calls() <= FeOptions::default().max_hops);
}

#[tokio::test]
async fn all_frontends_down_is_retryable() {
    let fe = client(&spec(dead_port().await, &[dead_port().await]));
    let err = fe.get_binlog(binlog_req(1)).await.expect_err("down");
    assert_eq!(err.class(), ErrorClass::Retryable, "{err}");
}

#[tokio::test]
async fn lost_commit_reply_is_outcome_unknown_and_not_repeated() {
    // First FE accepts connections but never answers.
    let silent = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let silent_port = silent.local_addr().expect("addr").port();
    let held = tokio::spawn(async move {
        let mut conns = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            conns.push(s);
        }
    });
    let other = start_fe(Role::Master).await;
    let fe = client(&spec(silent_port, &[other.port]));
    let err = fe
        .commit_txn(TCommitTxnRequest::default())
        .await
        .expect_err("no reply");
    assert_eq!(err.class(), ErrorClass::OutcomeUnknown, "{err}");
    assert_eq!(
        other.calls(),
        0,
        "a commit with unknown outcome must not be sent elsewhere"
    );
    held.abort();
}

#[tokio::test]
async fn commit_statuses_map_to_results_and_errors() {
    let publish = start_fe(Role::CommitStatus(14)).await;
    let fe = client(&spec(publish.port, &[]));
    let res = fe
        .commit_txn(TCommitTxnRequest::default())
        .await
        .expect("PUBLISH_TIMEOUT is not an error");
    assert_eq!(
        res.status.map(|s| s.status_code),
        Some(TStatusCode::PUBLISH_TIMEOUT)
    );

    let refused = start_fe(Role::CommitStatus(2)).await;
    let fe = client(&spec(refused.port, &[]));
    let err = fe
        .commit_txn(TCommitTxnRequest::default())
        .await
        .expect_err("analysis error");
    assert_eq!(err.status_code(), Some(TStatusCode::ANALYSIS_ERROR));
    assert_eq!(err.class(), ErrorClass::Fatal);
    assert!(err.message_contains("commit says so"));

    let odd = start_fe(Role::CommitStatus(4242)).await;
    let fe = client(&spec(odd.port, &[]));
    let err = fe
        .commit_txn(TCommitTxnRequest::default())
        .await
        .expect_err("unknown code");
    assert_eq!(err.status_code(), Some(TStatusCode(4242)));
}

#[tokio::test]
async fn unsupported_rpc_is_a_fatal_exception() {
    let master = start_fe(Role::Master).await;
    let fe = client(&spec(master.port, &[]));
    let err = fe
        .get_meta(TGetMetaRequest::default())
        .await
        .expect_err("unknown method");
    assert_eq!(err.class(), ErrorClass::Fatal, "{err}");
    assert_eq!(master.calls(), 1, "an exception reply is not failed over");
}

#[tokio::test]
async fn begin_txn_returns_typed_outcomes() {
    let master = start_fe(Role::Master).await;
    let fe = client(&spec(master.port, &[]));
    let req = || TBeginTxnRequest {
        label: Some("l1".into()),
        table_ids: Some(vec![1]),
        ..Default::default()
    };
    let got = fe.begin_txn(req()).await.expect("begun");
    assert_eq!(got, BeginTxn::Started { txn_id: 1001 });

    let held = start_fe(Role::LabelHeld("FINISHED")).await;
    let fe = client(&spec(held.port, &[]));
    let got = fe
        .begin_txn(req())
        .await
        .expect("label in use is not an error");
    assert_eq!(
        got,
        BeginTxn::LabelExists {
            txn_id: Some(42),
            job_status: Some(LabelJobStatus::Finished),
            message: "Label [l1] has already been used, relate to txn [42]".into(),
        }
    );
}
