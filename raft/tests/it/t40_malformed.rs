//! A malformed peer message gets an error status; the node keeps working.

use syncer_raft::command::Command;
use syncer_raft::command::CommandResponse;
use syncer_raft::pb;
use syncer_raft::pb::raft_service_client::RaftServiceClient;
use tonic::Code;

use crate::fixtures::Cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t40_malformed_request_is_rejected() -> anyhow::Result<()> {
    let mut cluster = Cluster::new(|_| {})?;
    cluster.start_voters(1).await?;
    let node = cluster.node(1)?;
    let mut client = RaftServiceClient::connect(format!("http://{}", node.local_addr())).await?;

    tracing::info!("--- garbage in each RPC is InvalidArgument");
    {
        let garbage = || pb::RaftRequest {
            json: b"{not json".to_vec(),
        };
        let err = client.vote(garbage()).await.err().map(|s| s.code());
        assert_eq!(err, Some(Code::InvalidArgument));
        let err = client
            .append_entries(garbage())
            .await
            .err()
            .map(|s| s.code());
        assert_eq!(err, Some(Code::InvalidArgument));
        let chunk = pb::SnapshotChunkRequest {
            json: b"[1,2]".to_vec(),
            data: vec![0xff; 16],
        };
        let err = client.install_snapshot(chunk).await.err().map(|s| s.code());
        assert_eq!(err, Some(Code::InvalidArgument));
        let empty = pb::RaftRequest { json: Vec::new() };
        let err = client.vote(empty).await.err().map(|s| s.code());
        assert_eq!(err, Some(Code::InvalidArgument));
    }

    tracing::info!("--- a well-formed request from a stale term gets a Raft answer, not a crash");
    {
        let vote = syncer_raft::typ::VoteRequest::new(syncer_raft::typ::Vote::new(0, 9), None);
        let reply = client
            .vote(pb::RaftRequest {
                json: serde_json::to_vec(&vote)?,
            })
            .await?;
        let resp: syncer_raft::typ::VoteResponse = serde_json::from_slice(&reply.get_ref().json)?;
        assert!(!resp.vote_granted);
    }

    tracing::info!("--- the node still serves writes");
    assert_eq!(node.write(Command::Noop).await?, CommandResponse::Ok);
    cluster.stop(1).await?;
    Ok(())
}

#[tokio::test]
async fn t40_dead_peer_is_unreachable_and_bad_address_too() -> anyhow::Result<()> {
    use openraft::network::RPCOption;
    use openraft::RaftNetwork;
    use openraft::RaftNetworkFactory;
    use syncer_raft::network::NetworkConfig;
    use syncer_raft::network::NetworkFactory;
    use syncer_raft::typ::RPCError;
    use syncer_raft::typ::Vote;
    use syncer_raft::typ::VoteRequest;
    use syncer_raft::NodeInfo;

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await?
        .local_addr()?;
    let mut factory = NetworkFactory::new(NetworkConfig::default());
    let option = RPCOption::new(std::time::Duration::from_secs(2));
    let vote = VoteRequest::new(Vote::new(1, 1), None);

    let mut conn = factory
        .new_client(2, &NodeInfo::new(closed.to_string(), ""))
        .await;
    let err = conn.vote(vote.clone(), option.clone()).await.err();
    assert!(matches!(err, Some(RPCError::Unreachable(_))), "got {err:?}");

    let mut conn = factory
        .new_client(3, &NodeInfo::new("not a host:port", ""))
        .await;
    let err = conn.vote(vote, option).await.err();
    assert!(matches!(err, Some(RPCError::Unreachable(_))), "got {err:?}");
    Ok(())
}
