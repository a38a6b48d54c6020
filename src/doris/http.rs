//! BE HTTP checks (webserver port, default 8040).

use std::time::Duration;

use super::spec::join_host_port;
use super::DorisError;

/// HTTP client for BE endpoints, with a whole-request timeout.
#[derive(Clone, Debug)]
pub struct BeHttpClient {
    client: reqwest::Client,
}

impl BeHttpClient {
    /// A client whose requests time out after `timeout`.
    pub fn new(timeout: Duration) -> Result<Self, DorisError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .map_err(|e| DorisError::Http {
                url: String::new(),
                status: None,
                message: e.to_string(),
            })?;
        Ok(BeHttpClient { client })
    }

    /// `GET /api/show_config?conf_item=enable_feature_binlog` on one BE: the reply is a JSON
    /// array of rows; exactly one row must come back and `row[2]` must be "true" or "1".
    pub async fn binlog_feature_enabled(
        &self,
        host: &str,
        http_port: u16,
    ) -> Result<bool, DorisError> {
        let url = format!(
            "http://{}/api/show_config?conf_item=enable_feature_binlog",
            join_host_port(host, http_port)
        );
        let fail = |status: Option<u16>, message: String| DorisError::Http {
            url: url.clone(),
            status,
            message,
        };
        let resp = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| fail(None, e.to_string()))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(fail(Some(status.as_u16()), format!("HTTP {status}")));
        }
        let body = resp.text().await.map_err(|e| fail(None, e.to_string()))?;
        parse_show_config(&body).map_err(|m| fail(Some(status.as_u16()), m))
    }
}

/// Interprets a show_config body; `Err` describes what is malformed.
pub fn parse_show_config(body: &str) -> Result<bool, String> {
    let rows: Vec<Vec<serde_json::Value>> = serde_json::from_str(body)
        .map_err(|e| format!("show_config body is not a JSON array of rows: {e}"))?;
    let [row] = rows.as_slice() else {
        return Err(format!(
            "show_config returned {} rows, expected exactly 1",
            rows.len()
        ));
    };
    match row.get(2) {
        Some(serde_json::Value::String(v)) => Ok(v == "true" || v == "1"),
        Some(other) => Err(format!("show_config value is not a string: {other}")),
        None => Err(format!(
            "show_config row has {} columns, expected at least 3",
            row.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_show_config;

    #[test]
    fn show_config_rows() {
        let on = r#"[["enable_feature_binlog","bool","true","true"]]"#;
        assert_eq!(parse_show_config(on), Ok(true));
        assert_eq!(
            parse_show_config(r#"[["enable_feature_binlog","bool","1","true"]]"#),
            Ok(true)
        );
        assert_eq!(
            parse_show_config(r#"[["enable_feature_binlog","bool","false","true"]]"#),
            Ok(false)
        );
        assert!(parse_show_config("[]").is_err());
        assert!(parse_show_config(r#"[["a","b","true"],["a","b","true"]]"#).is_err());
        assert!(parse_show_config("<html>").is_err());
        assert!(parse_show_config(r#"[["a","b"]]"#).is_err());
    }
}
