//! The BE webserver (axum) of one emulated BE: `/api/show_config`, `/api/_binlog/_download`
//! (what a downstream BE's ingest_binlog pulls), `/api/_tablet/_download` (restore), and
//! `/api/health`. GET routes also answer HEAD with the same headers (Content-Length).

mod md5;

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::backend::{self as b, Download};
use super::Shared;

pub use md5::md5_hex;

/// Per-BE handler state.
#[derive(Clone)]
struct BeState {
    shared: Shared,
    be_id: i64,
    configs: Vec<[String; 4]>,
}

/// The router of BE `be_id`, whose advertised ports appear in `show_config`.
pub fn router(shared: Shared, be_id: i64, ports: &super::BackendPorts) -> Router {
    let configs = configs(ports);
    let state = BeState {
        shared,
        be_id,
        configs,
    };
    Router::new()
        .route("/api/health", get(health))
        .route("/api/show_config", get(show_config))
        .route("/api/_binlog/_download", get(binlog_download))
        .route("/api/_tablet/_download", get(tablet_download))
        .with_state(state)
}

fn configs(p: &super::BackendPorts) -> Vec<[String; 4]> {
    let row = |n: &str, t: &str, v: String, m: bool| [n.into(), t.into(), v, m.to_string()];
    vec![
        row("enable_feature_binlog", "bool", "true".into(), true),
        row(
            "ingest_binlog_work_pool_size",
            "int32_t",
            "-1".into(),
            false,
        ),
        row("be_port", "int32_t", p.be_port.to_string(), false),
        row("webserver_port", "int32_t", p.http_port.to_string(), false),
        row("brpc_port", "int32_t", p.brpc_port.to_string(), false),
        row(
            "thrift_max_message_size",
            "int32_t",
            "104857600".into(),
            false,
        ),
    ]
}

async fn health() -> impl IntoResponse {
    Json(serde_json::json!({"status": "OK", "msg": "To Be Added"}))
}

async fn show_config(
    State(st): State<BeState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let rows: Vec<&[String; 4]> = match q.get("conf_item") {
        Some(item) => st.configs.iter().filter(|r| &r[0] == item).collect(),
        None => st.configs.iter().collect(),
    };
    Json(rows).into_response()
}

fn text(status: StatusCode, msg: impl Into<String>) -> Response {
    (status, msg.into()).into_response()
}

/// An error answer: status and body.
type Fail = (StatusCode, String);

fn param<'a>(q: &'a HashMap<String, String>, name: &str) -> Result<&'a str, Fail> {
    q.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            (
                StatusCode::BAD_REQUEST,
                format!("parameter {name} not specified"),
            )
        })
}

fn int_param(q: &HashMap<String, String>, name: &str) -> Result<i64, Fail> {
    let v = param(q, name)?;
    v.parse()
        .map_err(|_| (StatusCode::BAD_REQUEST, format!("invalid {name}: {v}")))
}

/// Bytes with Content-Length and, when asked (`acquire_md5=true`), Content-Md5.
fn file_response(bytes: Vec<u8>, want_md5: bool) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    if want_md5 {
        if let Ok(v) = HeaderValue::from_str(&md5_hex(&bytes)) {
            headers.insert("Content-Md5", v);
        }
    }
    (StatusCode::OK, headers, bytes).into_response()
}

fn download_error(e: Download) -> Fail {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.msg)
}

/// Applies an `http:<name>` fault: `Some(response)` replaces the real answer.
async fn http_fault(st: &BeState, name: &str) -> Option<Response> {
    let f = st
        .shared
        .faults
        .check(&format!("http:{name}"), None)
        .await?;
    let code = u16::try_from(f.code_or(500))
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok());
    Some(text(
        code.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        f.message,
    ))
}

async fn binlog_download(
    State(st): State<BeState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match binlog_download_inner(&st, &q).await {
        Ok(r) => r,
        Err((status, msg)) => text(status, msg),
    }
}

async fn binlog_download_inner(
    st: &BeState,
    q: &HashMap<String, String>,
) -> Result<Response, Fail> {
    let method = param(q, "method")?;
    if let Some(r) = http_fault(st, method).await {
        return Ok(r);
    }
    let tablet = int_param(q, "tablet_id")?;
    let want_md5 = q.get("acquire_md5").is_some_and(|v| v == "true");
    let (c, be) = (&st.shared.cluster, st.be_id);
    let bytes = match method {
        "get_binlog_info" => {
            let version = int_param(q, "binlog_version")?;
            b::binlog_info(c, be, tablet, version).map(String::into_bytes)
        }
        "get_rowset_meta" => {
            let (rowset, version) = (param(q, "rowset_id")?, int_param(q, "binlog_version")?);
            b::rowset_meta(c, be, tablet, rowset, version)
        }
        "get_segment_file" => {
            let (rowset, seg) = (param(q, "rowset_id")?, int_param(q, "segment_index")?);
            b::segment_file(c, be, tablet, rowset, seg)
        }
        "get_segment_index_file" => {
            let (rowset, seg) = (param(q, "rowset_id")?, int_param(q, "segment_index")?);
            let index_id = int_param(q, "segment_index_id")?;
            b::segment_index_file(c, be, tablet, rowset, seg, index_id)
        }
        other => return Err((StatusCode::BAD_REQUEST, format!("invalid method: {other}"))),
    };
    let bytes = bytes.map_err(download_error)?;
    Ok(if method == "get_binlog_info" {
        (StatusCode::OK, bytes).into_response()
    } else {
        file_response(bytes, want_md5)
    })
}

async fn tablet_download(
    State(st): State<BeState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match tablet_download_inner(&st, &q).await {
        Ok(r) => r,
        Err((status, msg)) => text(status, msg),
    }
}

async fn tablet_download_inner(
    st: &BeState,
    q: &HashMap<String, String>,
) -> Result<Response, Fail> {
    if param(q, "token")? != st.shared.cluster_token.as_ref() {
        return Err((StatusCode::UNAUTHORIZED, "invalid token".into()));
    }
    if let Some(r) = http_fault(st, "tablet_download").await {
        return Ok(r);
    }
    let file = param(q, "file")?;
    let bytes = b::snapshot_file(&st.shared.cluster, st.be_id, file).map_err(download_error)?;
    Ok(file_response(
        bytes,
        q.get("acquire_md5").is_some_and(|v| v == "true"),
    ))
}
