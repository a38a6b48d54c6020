//! HTTP client for pulling data from another emulator's BE: rowset binlogs for
//! `ingest_binlog` (`/api/_binlog/_download`) and snapshot files for restore
//! (`/api/_tablet/_download`). Never called with the cluster lock held.

use std::time::Duration;

/// A download failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemoteError {
    /// The remote answered a non-200 status.
    #[error("http status code is not 200, code={status}, url={url}, body={body}")]
    Status {
        /// HTTP status.
        status: u16,
        /// URL without secrets.
        url: String,
        /// Response text.
        body: String,
    },
    /// Connection or protocol failure.
    #[error("http request failed: {0}")]
    Transport(String),
    /// Unexpected response content.
    #[error("bad response: {0}")]
    BadResponse(String),
}

/// A downloaded rowset binlog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRowset {
    /// Remote rowset id.
    pub rowset_id: String,
    /// Rowset meta bytes.
    pub meta: Vec<u8>,
    /// Segment files in order.
    pub segments: Vec<Vec<u8>>,
}

const RETRIES: usize = 3;

/// One shared client per process: it keeps connections to the source BEs alive across
/// ingests instead of opening (and leaving in TIME_WAIT) a socket per download.
fn client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap_or_default()
        })
        .clone()
}

/// GET with Doris' 3 tries; `shown` is the URL as it may be logged (no token).
async fn get(client: &reqwest::Client, url: &str, shown: &str) -> Result<Vec<u8>, RemoteError> {
    let mut last = RemoteError::Transport("no attempt".into());
    for _ in 0..RETRIES {
        match client.get(url).send().await {
            Ok(resp) if resp.status().is_success() => {
                return resp
                    .bytes()
                    .await
                    .map(|b| b.to_vec())
                    .map_err(|e| RemoteError::Transport(e.to_string()));
            }
            Ok(resp) => {
                let status = resp.status().as_u16();
                let body = resp.text().await.unwrap_or_default();
                let err = RemoteError::Status {
                    status,
                    url: shown.to_string(),
                    body,
                };
                if status == 404 || status == 401 || status == 403 {
                    return Err(err);
                }
                last = err;
            }
            Err(e) => last = RemoteError::Transport(e.to_string()),
        }
    }
    Err(last)
}

/// Downloads the rowset binlog of `tablet_id` at `version` from `host:port` (BE HTTP):
/// get_binlog_info → get_rowset_meta → get_segment_file for each segment.
pub async fn download_binlog(
    host: &str,
    port: &str,
    tablet_id: i64,
    version: i64,
) -> Result<RemoteRowset, RemoteError> {
    let c = client();
    let base = format!("http://{host}:{port}/api/_binlog/_download?tablet_id={tablet_id}");
    let info_url = format!("{base}&method=get_binlog_info&binlog_version={version}");
    let info = String::from_utf8_lossy(&get(&c, &info_url, &info_url).await?)
        .trim()
        .to_string();
    let (rowset_id, num) = info
        .rsplit_once(':')
        .and_then(|(r, n)| Some((r.to_string(), n.parse::<u32>().ok()?)))
        .ok_or_else(|| RemoteError::BadResponse(format!("binlog info '{info}'")))?;
    let meta_url =
        format!("{base}&method=get_rowset_meta&rowset_id={rowset_id}&binlog_version={version}");
    let meta = get(&c, &meta_url, &meta_url).await?;
    let mut segments = Vec::new();
    for i in 0..num {
        let url = format!("{base}&method=get_segment_file&rowset_id={rowset_id}&segment_index={i}");
        segments.push(get(&c, &url, &url).await?);
    }
    Ok(RemoteRowset {
        rowset_id,
        meta,
        segments,
    })
}

/// Downloads one snapshot file: `GET http://<ip>:<port>/api/_tablet/_download?token=&file=`.
pub async fn download_snapshot_file(
    ip: &str,
    port: i64,
    token: &str,
    file: &str,
) -> Result<Vec<u8>, RemoteError> {
    let c = client();
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let url = format!(
        "http://{ip}:{port}/api/_tablet/_download?token={}&file={}",
        enc(token),
        enc(file)
    );
    let shown = format!(
        "http://{ip}:{port}/api/_tablet/_download?file={}",
        enc(file)
    );
    get(&c, &url, &shown).await
}
