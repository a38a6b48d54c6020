//! A fault-injecting TCP proxy: forwards a local port to an upstream address until it is
//! cut; a cut drops every open connection and refuses new ones until healed.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::Fleet;

/// A running proxy. Dropping it stops accepting.
pub struct Proxy {
    pub port: u16,
    cut: Arc<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Proxies a fresh local port to `upstream`.
    pub async fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy addr").port();
        let (cut, _) = watch::channel(false);
        let cut = Arc::new(cut);
        let task = tokio::spawn(accept_loop(listener, upstream, cut.clone()));
        Proxy { port, cut, task }
    }

    /// Cuts (`true`) or heals (`false`) the link.
    pub fn set_cut(&self, cut: bool) {
        self.cut.send_replace(cut);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut.send_replace(true);
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, upstream: String, cut: Arc<watch::Sender<bool>>) {
    loop {
        let Ok((inbound, _)) = listener.accept().await else {
            continue;
        };
        if *cut.borrow() {
            drop(inbound);
            continue;
        }
        let mut watch = cut.subscribe();
        let upstream = upstream.clone();
        tokio::spawn(async move {
            let Ok(mut outbound) = TcpStream::connect(&upstream).await else {
                return;
            };
            let mut inbound = inbound;
            tokio::select! {
                _ = copy_bidirectional(&mut inbound, &mut outbound) => {}
                _ = watch.wait_for(|c| *c) => {}
            }
        });
    }
}

/// Proxies of every ordered pair `(from, to)`: `(raft, http)`.
pub type Links = BTreeMap<(u64, u64), (Proxy, Proxy)>;

/// Three nodes (2 and 3 join 1) whose peer traffic goes through per-pair proxies;
/// `dry_run` picks the stand-in runner instead of the engine.
pub async fn proxied_fleet(dry_run: bool) -> (Fleet, Links) {
    let mut fleet = Fleet::new();
    fleet.add(1, vec![]).dry_run = dry_run;
    let seed = fleet.addr(1);
    fleet.add(2, vec![seed.clone()]).dry_run = dry_run;
    fleet.add(3, vec![seed]).dry_run = dry_run;
    let mut links = Links::new();
    for from in [1, 2, 3] {
        let mut map = Vec::new();
        for to in [1u64, 2, 3].into_iter().filter(|t| *t != from) {
            let (raft, http) = (fleet.nodes[&to].raft_addr(), fleet.nodes[&to].http_addr());
            let pr = Proxy::start(raft.clone()).await;
            let ph = Proxy::start(http.clone()).await;
            map.push(format!(
                "{raft}=127.0.0.1:{},{http}=127.0.0.1:{}",
                pr.port, ph.port
            ));
            links.insert((from, to), (pr, ph));
        }
        let env = ("CCR_FLEET_ADDR_MAP".to_string(), map.join(","));
        fleet.node(from).env.push(env);
    }
    fleet.start(1);
    fleet.wait_ready(1).await;
    fleet.start(2);
    fleet.start(3);
    for id in [1, 2, 3] {
        fleet.wait_ready(id).await;
    }
    (fleet, links)
}

/// Cuts (or heals) every link from and to `node`.
pub fn set_isolated(links: &Links, node: u64, cut: bool) {
    for ((from, to), (raft, http)) in links {
        if *from == node || *to == node {
            raft.set_cut(cut);
            http.set_cut(cut);
        }
    }
}
