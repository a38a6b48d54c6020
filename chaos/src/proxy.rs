//! A fault-injecting TCP proxy (lifted from `tests/fleet_common/proxy.rs`): forwards a local
//! port to an upstream address until it is cut; a cut drops every open connection and
//! refuses new ones until healed.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A running proxy. Dropping it stops accepting.
pub struct Proxy {
    /// The local port peers dial.
    pub port: u16,
    cut: Arc<watch::Sender<bool>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Proxies a fresh local port to `upstream`.
    pub async fn start(upstream: String) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let (cut, _) = watch::channel(false);
        let cut = Arc::new(cut);
        let task = tokio::spawn(accept_loop(listener, upstream, cut.clone()));
        Ok(Proxy { port, cut, task })
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
#[derive(Default)]
pub struct Links {
    pairs: BTreeMap<(u64, u64), (Proxy, Proxy)>,
}

impl Links {
    /// Adds the proxies `from → to` (Raft and HTTP) and returns the address-map entries
    /// (`advertised=dialed`) node `from` needs.
    pub async fn add(
        &mut self,
        from: u64,
        to: u64,
        raft: &str,
        http: &str,
    ) -> std::io::Result<String> {
        let pr = Proxy::start(raft.to_string()).await?;
        let ph = Proxy::start(http.to_string()).await?;
        let entry = format!("{raft}=127.0.0.1:{},{http}=127.0.0.1:{}", pr.port, ph.port);
        self.pairs.insert((from, to), (pr, ph));
        Ok(entry)
    }

    /// Cuts (or heals) every link from and to `node`.
    pub fn set_isolated(&self, node: u64, cut: bool) {
        for ((from, to), (raft, http)) in &self.pairs {
            if *from == node || *to == node {
                raft.set_cut(cut);
                http.set_cut(cut);
            }
        }
    }

    /// Heals every link.
    pub fn heal_all(&self) {
        for (raft, http) in self.pairs.values() {
            raft.set_cut(false);
            http.set_cut(false);
        }
    }
}
