//! BE webserver and admin endpoints.

use doris_emu::server::{self, RunningEmu, ServerConfig};

async fn start() -> RunningEmu {
    let cfg = ServerConfig {
        be_count: 2,
        cluster_token: Some("tok-123".into()),
        binlog_gc_interval: None,
        ..Default::default()
    };
    server::run(cfg, std::future::pending())
        .await
        .expect("start doris-emu in process")
}

async fn get(url: &str) -> (u16, String) {
    let resp = reqwest::get(url).await.expect("GET");
    let status = resp.status().as_u16();
    (status, resp.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_config_reports_binlog_enabled_on_every_be() {
    let emu = start().await;
    assert_eq!(emu.ports.backends.len(), 2);
    for be in &emu.ports.backends {
        let base = format!("http://127.0.0.1:{}", be.http_port);
        let (code, body) = get(&format!(
            "{base}/api/show_config?conf_item=enable_feature_binlog"
        ))
        .await;
        assert_eq!(code, 200);
        let rows: Vec<Vec<String>> = serde_json::from_str(&body).expect("array of arrays");
        assert_eq!(
            rows,
            vec![vec!["enable_feature_binlog", "bool", "true", "true"]]
        );
        let (_, all) = get(&format!("{base}/api/show_config")).await;
        let all: Vec<Vec<String>> = serde_json::from_str(&all).expect("array of arrays");
        assert!(all.len() > 1 && all.iter().all(|r| r.len() == 4), "{all:?}");
        assert_eq!(get(&format!("{base}/api/health")).await.0, 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_validate_parameters_and_tokens() {
    let emu = start().await;
    let base = format!("http://127.0.0.1:{}", emu.ports.backends[0].http_port);
    let (code, _) = get(&format!(
        "{base}/api/_binlog/_download?method=get_binlog_info"
    ))
    .await;
    assert_eq!(code, 400, "missing tablet_id");
    let url = format!(
        "{base}/api/_binlog/_download?method=get_binlog_info&tablet_id=42&binlog_version=2"
    );
    assert_eq!(get(&url).await.0, 404, "unknown tablet");
    let (code, _) = get(&format!("{base}/api/_tablet/_download?token=wrong&file=/x")).await;
    assert_eq!(code, 401);
    let (code, _) = get(&format!("{base}/api/_tablet/_download?file=/x")).await;
    assert_eq!(code, 400);
    let (code, _) = get(&format!(
        "{base}/api/_tablet/_download?token=tok-123&file=/nope"
    ))
    .await;
    assert_eq!(code, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_rejects_bad_fault_specs() {
    let emu = start().await;
    let admin = format!("http://127.0.0.1:{}", emu.ports.admin_port);
    let http = reqwest::Client::new();
    let bad = serde_json::json!({"target": "commitTxn", "error_rate": 3.0});
    let resp = http
        .post(format!("{admin}/fault"))
        .json(&bad)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status().as_u16(), 400);
    let ok = serde_json::json!({"target": "commitTxn", "publish_timeout": true, "times": 1});
    let resp = http
        .post(format!("{admin}/fault"))
        .json(&ok)
        .send()
        .await
        .expect("POST");
    assert_eq!(resp.status().as_u16(), 200);
    let listed: serde_json::Value = http
        .get(format!("{admin}/fault"))
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("json");
    assert_eq!(listed[0]["status_code"], 14, "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binlog_download_serves_an_inserted_rowset_with_length_and_md5() {
    use mysql_async::prelude::Queryable;
    let emu = start().await;
    let url = format!("mysql://root@127.0.0.1:{}", emu.ports.query_port);
    let mut conn = mysql_async::Conn::from_url(url).await.expect("connect");
    conn.query_drop("CREATE DATABASE bl PROPERTIES (\"binlog.enable\" = \"true\")")
        .await
        .expect("db");
    conn.query_drop(
        "CREATE TABLE bl.t (k INT, v VARCHAR(8)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
    )
    .await
    .expect("table");
    conn.query_drop("INSERT INTO bl.t VALUES (1, 'x')")
        .await
        .expect("insert");
    let (tablet, version) = emu
        .cluster
        .with_state(|s| {
            s.tablets
                .iter()
                .find_map(|(id, t)| t.rowsets.last().map(|r| (*id, r.version)))
        })
        .expect("a tablet with a rowset");
    let be = emu.cluster.with_state(|s| s.backends[0].http_port);
    let base = format!("http://127.0.0.1:{be}/api/_binlog/_download?tablet_id={tablet}");
    let (code, info) = get(&format!(
        "{base}&method=get_binlog_info&binlog_version={version}"
    ))
    .await;
    assert_eq!(code, 200, "{info}");
    let (rowset, segments) = info.split_once(':').expect("<rowset_id>:<num_segments>");
    assert_eq!(segments, "1");
    let seg = format!(
        "{base}&method=get_segment_file&rowset_id={rowset}&segment_index=0&acquire_md5=true"
    );
    let http = reqwest::Client::new();
    let head = http.head(&seg).send().await.expect("HEAD");
    let len: usize = head.headers()["content-length"]
        .to_str()
        .unwrap_or("")
        .parse()
        .expect("length");
    let got = http.get(&seg).send().await.expect("GET");
    let md5 = got
        .headers()
        .get("content-md5")
        .map(|v| v.to_str().unwrap_or("").to_string());
    let body = got.bytes().await.expect("body");
    assert_eq!(body.len(), len);
    assert_eq!(
        md5.as_deref(),
        Some(doris_emu::server::be_http::md5_hex(&body).as_str())
    );

    let admin = format!("http://127.0.0.1:{}/gc_binlog", emu.ports.admin_port);
    let gc = http
        .post(admin)
        .json(&serde_json::json!({"db": "bl"}))
        .send()
        .await
        .expect("gc");
    assert_eq!(gc.status().as_u16(), 200, "{:?}", gc.text().await);
    let (code, _) = get(&format!(
        "{base}&method=get_binlog_info&binlog_version={version}"
    ))
    .await;
    assert_eq!(
        code, 404,
        "the rowset binlog must be gone after a forced GC"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn periodic_gc_drops_expired_rowset_binlogs_and_http_faults_apply() {
    use mysql_async::prelude::Queryable;
    let cfg = ServerConfig {
        // The first pass runs one period after start: the setup below finishes long before.
        binlog_gc_interval: Some(std::time::Duration::from_millis(1500)),
        ..Default::default()
    };
    let emu = server::run(cfg, std::future::pending())
        .await
        .expect("start");
    let url = format!("mysql://root@127.0.0.1:{}", emu.ports.query_port);
    let mut conn = mysql_async::Conn::from_url(url).await.expect("connect");
    conn.query_drop(
        "CREATE DATABASE g PROPERTIES (\"binlog.enable\" = \"true\", \"binlog.ttl_seconds\" = \"0\")",
    )
    .await
    .expect("db");
    conn.query_drop(
        "CREATE TABLE g.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 \
         PROPERTIES (\"replication_num\" = \"1\", \"binlog.enable\" = \"true\")",
    )
    .await
    .expect("table");
    conn.query_drop("INSERT INTO g.t VALUES (1)")
        .await
        .expect("insert");
    let (tablet, version) = emu
        .cluster
        .with_state(|s| {
            s.tablets
                .iter()
                .find_map(|(id, t)| t.rowsets.last().map(|r| (*id, r.version)))
        })
        .expect("a tablet with a rowset");
    let be = emu.ports.backends[0].http_port;
    let info = format!(
        "http://127.0.0.1:{be}/api/_binlog/_download?method=get_binlog_info\
         &tablet_id={tablet}&binlog_version={version}"
    );
    let (code, body) = get(&info).await;
    assert_eq!(code, 200, "served before any GC pass: {body}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (code, body) = get(&info).await;
        if code == 404 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "periodic GC did not drop the binlog within 10 s (last answer {code}: {body})"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let fault =
        serde_json::json!({"target": "http:get_binlog_info", "times": 1, "status_code": 503});
    let admin = format!("http://127.0.0.1:{}/fault", emu.ports.admin_port);
    reqwest::Client::new()
        .post(admin)
        .json(&fault)
        .send()
        .await
        .expect("POST /fault");
    assert_eq!(get(&info).await.0, 503, "injected HTTP status");
    assert_eq!(get(&info).await.0, 404, "fault fires once");
}
