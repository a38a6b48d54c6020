//! Response shapes and request parsing shared by the handlers.

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// `{"success":true}` plus extra top-level fields.
pub(crate) fn ok(extra: Value) -> Response {
    let mut obj = Map::new();
    obj.insert("success".into(), Value::Bool(true));
    if let Value::Object(m) = extra {
        obj.extend(m);
    }
    Json(Value::Object(obj)).into_response()
}

/// Start of the message of a body that is not the JSON the endpoint takes.
pub(crate) const BAD_BODY: &str = "invalid request body";

/// `{"success":false,"error_msg":msg}` plus extra top-level fields: HTTP 200 for logical
/// errors (as the original), HTTP 400 when the body itself is malformed.
pub(crate) fn err(msg: impl std::fmt::Display, extra: Value) -> Response {
    let msg = msg.to_string();
    let status = if msg.starts_with(BAD_BODY) {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    let mut obj = Map::new();
    obj.insert("success".into(), Value::Bool(false));
    obj.insert("error_msg".into(), Value::String(msg));
    if let Value::Object(m) = extra {
        obj.extend(m);
    }
    (status, Json(Value::Object(obj))).into_response()
}

/// `{"success":true}` / error with no extra fields.
pub(crate) fn result<E: std::fmt::Display>(r: Result<(), E>) -> Response {
    match r {
        Ok(()) => ok(json!({})),
        Err(e) => err(e, json!({})),
    }
}

/// Decodes a JSON body; the decoder message on failure.
pub(crate) fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("{BAD_BODY}: {e}"))
}

#[derive(Deserialize)]
struct NameBody {
    #[serde(default)]
    name: Option<Value>,
}

/// The `name` of a name-based request; `empty_msg` when missing or empty.
pub(crate) fn name(body: &Bytes, empty_msg: &str) -> Result<String, String> {
    let b: NameBody = parse(body)?;
    match b.name {
        None | Some(Value::Null) => Err(empty_msg.to_string()),
        Some(Value::String(s)) if s.is_empty() => Err(empty_msg.to_string()),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("{BAD_BODY}: name must be a string, got {other}")),
    }
}
