//! Request guards shared by every route of a node: bearer-token authentication and the
//! request body size limit. Both answer with the API's JSON error shape.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::doris::Secret;

/// Paths served without a token (probes and load balancers carry none).
pub const PUBLIC_PATHS: [&str; 3] = ["/health", "/ready", "/version"];

/// `{"success":false,"error_msg":msg}` with `status`.
pub fn json_error(status: StatusCode, msg: &str) -> Response {
    let body = serde_json::json!({ "success": false, "error_msg": msg });
    (status, axum::Json(body)).into_response()
}

/// `true` when no token is configured or `headers` carry `Authorization: Bearer <token>`.
/// The comparison takes the same time wherever the first difference is.
pub fn authorized(token: Option<&Secret>, headers: &HeaderMap) -> bool {
    let Some(token) = token else {
        return true;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    given.is_some_and(|g| constant_time_eq(g.as_bytes(), token.expose().as_bytes()))
}

/// Compares without an early exit on the first differing byte (only the length leaks).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Middleware: requires the token (state) on every path but [`PUBLIC_PATHS`] → 401.
pub async fn require_token(
    State(token): State<Option<Secret>>,
    req: Request,
    next: Next,
) -> Response {
    if PUBLIC_PATHS.contains(&req.uri().path()) || authorized(token.as_ref(), req.headers()) {
        return next.run(req).await;
    }
    // Never echo what was sent: it may be a mistyped secret.
    json_error(
        StatusCode::UNAUTHORIZED,
        "unauthorized: missing or wrong bearer token",
    )
}

/// Middleware: refuses bodies larger than the limit (state, bytes) → 413. The body is read
/// here (bounded), so handlers never see more than the limit.
pub async fn limit_body(State(max): State<usize>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = |_| {
        let msg = format!("request body larger than api.max_body_bytes ({max} bytes)");
        json_error(StatusCode::PAYLOAD_TOO_LARGE, &msg)
    };
    if declared.is_some_and(|n| n > max as u64) {
        return too_large(());
    }
    let (parts, body) = req.into_parts();
    match to_bytes(body, max).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::middleware::from_fn_with_state;
    use axum::routing::any;
    use tower::ServiceExt;

    fn app() -> axum::Router {
        axum::Router::new()
            .route("/list_jobs", any(|body: String| async move { body }))
            .route("/version", any(|| async { "v" }))
            .layer(from_fn_with_state(8usize, limit_body))
            .layer(from_fn_with_state(Some(Secret::new("tk")), require_token))
    }

    async fn call(path: &str, auth: Option<&str>, body: &str) -> (StatusCode, String) {
        let mut req = Request::builder().method("POST").uri(path);
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        let resp = app()
            .oneshot(req.body(Body::from(body.to_string())).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let bytes = to_bytes(resp.into_body(), 1 << 16).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn token_and_body_limit() {
        let (st, body) = call("/list_jobs", None, "{}").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["success"], false);
        assert!(v["error_msg"].as_str().unwrap().contains("unauthorized"));
        assert_eq!(
            call("/list_jobs", Some("Bearer no"), "").await.0,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            call("/version", None, "").await,
            (StatusCode::OK, "v".into())
        );
        let ok = call("/list_jobs", Some("Bearer tk"), "12345678").await;
        assert_eq!(ok, (StatusCode::OK, "12345678".into()));
        let (st, body) = call("/list_jobs", Some("Bearer tk"), "123456789").await;
        assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            body.contains("\"success\":false") && body.contains("max_body_bytes"),
            "{body}"
        );
    }

    #[test]
    fn token_check() {
        let token = Secret::new("t0ken");
        let mut h = HeaderMap::new();
        assert!(authorized(None, &h));
        assert!(!authorized(Some(&token), &h));
        h.insert(header::AUTHORIZATION, "Bearer t0ke".parse().unwrap());
        assert!(!authorized(Some(&token), &h));
        h.insert(header::AUTHORIZATION, "Bearer t0ken".parse().unwrap());
        assert!(authorized(Some(&token), &h));
        h.insert(header::AUTHORIZATION, "Basic t0ken".parse().unwrap());
        assert!(!authorized(Some(&token), &h));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"a", b"b"));
    }
}
