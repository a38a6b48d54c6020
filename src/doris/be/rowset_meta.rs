//! Rows and bytes of a rowset binlog, read the way a target BE reads them during
//! `ingest_binlog`: `get_binlog_info` then `get_rowset_meta` on the SOURCE BE's HTTP port
//! (`/api/_binlog/_download`). The meta is a serialized `RowsetMetaPB` (apache/doris
//! `gensrc/proto/olap_file.proto`); only the fields needed here are declared, with
//! Doris' field numbers, and every other field is skipped.

use std::sync::OnceLock;
use std::time::Duration;

use prost::Message;

use crate::doris::spec::join_host_port;

/// How long one `_download` request may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `message RowsetMetaPB`, the fields read here (proto2 `optional`).
#[derive(Clone, PartialEq, prost::Message)]
struct RowsetMetaPb {
    #[prost(int64, optional, tag = "3")]
    tablet_id: Option<i64>,
    #[prost(int64, optional, tag = "9")]
    end_version: Option<i64>,
    #[prost(int64, optional, tag = "11")]
    num_rows: Option<i64>,
    #[prost(int64, optional, tag = "12")]
    total_disk_size: Option<i64>,
    #[prost(int64, optional, tag = "13")]
    data_disk_size: Option<i64>,
}

/// What one rowset holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowsetStats {
    /// `num_rows`.
    pub num_rows: u64,
    /// `data_disk_size` (segment files), else `total_disk_size`; 0 when neither is set.
    pub data_bytes: u64,
}

impl std::ops::AddAssign for RowsetStats {
    fn add_assign(&mut self, o: RowsetStats) {
        self.num_rows = self.num_rows.saturating_add(o.num_rows);
        self.data_bytes = self.data_bytes.saturating_add(o.data_bytes);
    }
}

/// Why a rowset's stats could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowsetMetaError {
    /// The request failed or the BE answered a non-200 status.
    #[error("GET {url}: {message}")]
    Http {
        /// URL (`_download` takes no secret).
        url: String,
        /// HTTP status when one was received.
        status: Option<u16>,
        /// Cause.
        message: String,
    },
    /// `get_binlog_info` did not answer `<rowset_id>:<num_segments>`.
    #[error("get_binlog_info reply {0:?} is not <rowset_id>:<num_segments>")]
    BadInfo(String),
    /// The `get_rowset_meta` body is not a usable `RowsetMetaPB`.
    #[error("get_rowset_meta body is not a usable RowsetMetaPB: {0}")]
    Decode(String),
}

/// Decodes a `get_rowset_meta` body of `tablet_id` at `version`. The ids, when present,
/// must match the request (a mismatch means the bytes are not what was asked for).
pub fn decode_rowset_meta(
    bytes: &[u8],
    tablet_id: i64,
    version: i64,
) -> Result<RowsetStats, RowsetMetaError> {
    let bad = |m: String| RowsetMetaError::Decode(m);
    let pb = RowsetMetaPb::decode(bytes).map_err(|e| bad(e.to_string()))?;
    if pb.tablet_id.is_some_and(|t| t != tablet_id) {
        return Err(bad(format!("tablet_id {:?} != {tablet_id}", pb.tablet_id)));
    }
    if pb.end_version.is_some_and(|v| v != version) {
        return Err(bad(format!(
            "end_version {:?} != {version}",
            pb.end_version
        )));
    }
    let unsigned = |v: i64, f: &str| u64::try_from(v).map_err(|_| bad(format!("{f} = {v} < 0")));
    let rows = pb.num_rows.ok_or_else(|| bad("num_rows missing".into()))?;
    let bytes = pb.data_disk_size.or(pb.total_disk_size).unwrap_or(0);
    Ok(RowsetStats {
        num_rows: unsigned(rows, "num_rows")?,
        data_bytes: unsigned(bytes, "data_disk_size")?,
    })
}

/// `(rowset_id, num_segments)` of a `get_binlog_info` reply (`<rowset_id>:<num_segments>`).
pub fn parse_binlog_info(body: &str) -> Result<(&str, u32), RowsetMetaError> {
    let bad = || RowsetMetaError::BadInfo(body.chars().take(100).collect());
    let (id, segments) = body.trim().rsplit_once(':').ok_or_else(bad)?;
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    let segments = segments.parse::<u32>().map_err(|_| bad())?;
    if !id_ok {
        return Err(bad());
    }
    Ok((id, segments))
}

/// Keep-alive HTTP client for `/api/_binlog/_download` on source BEs.
#[derive(Clone, Debug)]
pub struct RowsetMetaClient {
    client: reqwest::Client,
}

impl RowsetMetaClient {
    /// A client whose requests time out after `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, RowsetMetaError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| RowsetMetaError::Http {
                url: String::new(),
                status: None,
                message: e.to_string(),
            })?;
        Ok(RowsetMetaClient { client })
    }

    /// One client per process, so connections to the source BEs are reused across txns
    /// and jobs; `None` if it could not be built.
    pub fn shared() -> Option<&'static RowsetMetaClient> {
        static SHARED: OnceLock<Option<RowsetMetaClient>> = OnceLock::new();
        SHARED
            .get_or_init(|| RowsetMetaClient::new(TIMEOUT).ok())
            .as_ref()
    }

    /// Rows and data bytes of the rowset binlog of `tablet_id` at `version` on the BE at
    /// `host:http_port`: `get_binlog_info`, then `get_rowset_meta` unless the rowset has
    /// no segment.
    pub async fn fetch(
        &self,
        host: &str,
        http_port: u16,
        tablet_id: i64,
        version: i64,
    ) -> Result<RowsetStats, RowsetMetaError> {
        let base = format!(
            "http://{}/api/_binlog/_download",
            join_host_port(host, http_port)
        );
        let (tablet, ver) = (tablet_id.to_string(), version.to_string());
        let info = self
            .get(
                &base,
                &[
                    ("method", "get_binlog_info"),
                    ("tablet_id", &tablet),
                    ("binlog_version", &ver),
                ],
            )
            .await?;
        let info = String::from_utf8_lossy(&info);
        let (rowset_id, segments) = parse_binlog_info(&info)?;
        if segments == 0 {
            // Rows live in segments: an empty rowset (a tablet the load did not touch)
            // holds none, so its meta is not worth a request.
            return Ok(RowsetStats::default());
        }
        let query = [
            ("method", "get_rowset_meta"),
            ("tablet_id", tablet.as_str()),
            ("rowset_id", rowset_id),
            ("binlog_version", ver.as_str()),
        ];
        let meta = self.get(&base, &query).await?;
        decode_rowset_meta(&meta, tablet_id, version)
    }

    async fn get(&self, base: &str, query: &[(&str, &str)]) -> Result<Vec<u8>, RowsetMetaError> {
        let shown = || {
            let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{base}?{}", q.join("&"))
        };
        let fail = |status: Option<u16>, message: String| RowsetMetaError::Http {
            url: shown(),
            status,
            message,
        };
        let resp = self
            .client
            .get(base)
            .query(query)
            .send()
            .await
            .map_err(|e| fail(None, e.to_string()))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| fail(None, e.to_string()))?;
        if !status.is_success() {
            let text: String = String::from_utf8_lossy(&body).chars().take(200).collect();
            return Err(fail(
                Some(status.as_u16()),
                format!("HTTP {status}: {text}"),
            ));
        }
        Ok(body.to_vec())
    }
}

#[cfg(test)]
mod tests;
