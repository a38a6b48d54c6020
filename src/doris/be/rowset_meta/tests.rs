//! The `RowsetMetaPB` decoder (good, truncated, garbage, inconsistent bodies) and the
//! two-request fetch against an in-process BE HTTP stand-in.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use prost::Message;

use super::{decode_rowset_meta, parse_binlog_info, RowsetMetaClient, RowsetMetaError};
use super::{RowsetStats, TIMEOUT};

/// A fuller `RowsetMetaPB` than the decoder's, as a BE writes it (fields the decoder
/// does not declare must be skipped).
#[derive(Clone, PartialEq, prost::Message)]
struct FullMetaPb {
    #[prost(int64, required, tag = "1")]
    rowset_id: i64,
    #[prost(int64, optional, tag = "2")]
    partition_id: Option<i64>,
    #[prost(int64, optional, tag = "3")]
    tablet_id: Option<i64>,
    #[prost(int64, optional, tag = "8")]
    start_version: Option<i64>,
    #[prost(int64, optional, tag = "9")]
    end_version: Option<i64>,
    #[prost(int64, optional, tag = "11")]
    num_rows: Option<i64>,
    #[prost(int64, optional, tag = "12")]
    total_disk_size: Option<i64>,
    #[prost(int64, optional, tag = "13")]
    data_disk_size: Option<i64>,
    #[prost(int64, optional, tag = "14")]
    index_disk_size: Option<i64>,
    #[prost(string, optional, tag = "23")]
    rowset_id_v2: Option<String>,
    /// `tablet_schema`, as opaque bytes (a nested message on the wire).
    #[prost(bytes = "vec", optional, tag = "28")]
    tablet_schema: Option<Vec<u8>>,
    #[prost(bool, optional, tag = "1005")]
    has_variant_type_in_schema: Option<bool>,
}

fn full(rows: i64) -> FullMetaPb {
    FullMetaPb {
        rowset_id: 0,
        partition_id: Some(5),
        tablet_id: Some(42),
        start_version: Some(7),
        end_version: Some(7),
        num_rows: Some(rows),
        total_disk_size: Some(1500),
        data_disk_size: Some(1200),
        index_disk_size: Some(300),
        rowset_id_v2: Some("0200000000000001aa".into()),
        tablet_schema: Some(vec![0x0a, 0x02, 0x08, 0x01]),
        has_variant_type_in_schema: Some(false),
    }
}

fn decode(pb: &FullMetaPb) -> Result<RowsetStats, RowsetMetaError> {
    decode_rowset_meta(&pb.encode_to_vec(), 42, 7)
}

#[test]
fn a_full_rowset_meta_pb_decodes_rows_and_data_size() {
    let stats = decode(&full(3)).expect("decodes");
    assert_eq!(
        stats,
        RowsetStats {
            num_rows: 3,
            data_bytes: 1200
        }
    );
    let mut no_data = full(3);
    no_data.data_disk_size = None;
    assert_eq!(decode(&no_data).map(|s| s.data_bytes), Ok(1500));
    let mut ids_absent = full(0);
    (ids_absent.tablet_id, ids_absent.end_version) = (None, None);
    assert_eq!(decode(&ids_absent).map(|s| s.num_rows), Ok(0));
}

#[test]
fn truncated_or_garbage_bodies_are_errors() {
    let bytes = full(3).encode_to_vec();
    for cut in [1, 2, bytes.len() / 2, bytes.len() - 1] {
        let r = decode_rowset_meta(&bytes[..cut], 42, 7);
        assert!(
            matches!(r, Err(RowsetMetaError::Decode(_))),
            "cut {cut}: {r:?}"
        );
    }
    for garbage in [
        &b"<html>error</html>"[..],
        br#"{"rowset_id":"x","num_rows":3}"#,
        &[0xff; 16],
        b"",
    ] {
        let r = decode_rowset_meta(garbage, 42, 7);
        assert!(
            matches!(r, Err(RowsetMetaError::Decode(_))),
            "{garbage:?}: {r:?}"
        );
    }
}

#[test]
fn inconsistent_metas_are_errors() {
    let mut other_tablet = full(3);
    other_tablet.tablet_id = Some(43);
    let mut other_version = full(3);
    other_version.end_version = Some(8);
    let mut negative = full(-1);
    let mut no_rows = full(1);
    no_rows.num_rows = None;
    for pb in [&other_tablet, &other_version, &negative, &no_rows] {
        assert!(decode(pb).is_err(), "{pb:?}");
    }
    negative = full(1);
    negative.data_disk_size = Some(-5);
    assert!(decode(&negative).is_err());
}

#[test]
fn binlog_info_replies() {
    assert_eq!(parse_binlog_info("02abc:1"), Ok(("02abc", 1)));
    assert_eq!(parse_binlog_info("02abc:0\n"), Ok(("02abc", 0)));
    for bad in ["", "02abc", ":1", "02abc:x", "a b:1", "a&x=1:1"] {
        assert!(parse_binlog_info(bad).is_err(), "{bad:?}");
    }
}

/// A BE HTTP stand-in: tablet 42 version 7 has rowset `r1` with 3 rows, version 9 an
/// empty rowset `r0` (its meta is not served).
async fn fake_be() -> u16 {
    let meta = full(3).encode_to_vec();
    let app = axum::Router::new().route(
        "/api/_binlog/_download",
        get(move |Query(q): Query<HashMap<String, String>>| {
            let meta = meta.clone();
            async move {
                let p = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
                match (p("method"), p("tablet_id"), p("binlog_version")) {
                    ("get_binlog_info", "42", "7") => (StatusCode::OK, b"r1:1".to_vec()),
                    // An empty rowset: its meta must not be asked for.
                    ("get_binlog_info", "42", "9") => (StatusCode::OK, b"r0:0".to_vec()),
                    ("get_rowset_meta", "42", "7") if p("rowset_id") == "r1" => {
                        (StatusCode::OK, meta)
                    }
                    _ => (StatusCode::NOT_FOUND, b"not found".to_vec()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    port
}

#[tokio::test]
async fn fetch_reads_info_then_meta_and_maps_http_errors() {
    let port = fake_be().await;
    let client = RowsetMetaClient::new(TIMEOUT).unwrap();
    let stats = client.fetch("127.0.0.1", port, 42, 7).await.unwrap();
    assert_eq!(stats.num_rows, 3);
    assert_eq!(stats.data_bytes, 1200);
    let empty = client.fetch("127.0.0.1", port, 42, 9).await;
    assert_eq!(empty, Ok(RowsetStats::default()));
    let missing = client.fetch("127.0.0.1", port, 42, 8).await;
    assert!(
        matches!(
            missing,
            Err(RowsetMetaError::Http {
                status: Some(404),
                ..
            })
        ),
        "{missing:?}"
    );
}
