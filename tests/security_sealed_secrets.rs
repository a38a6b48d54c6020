//! Job passwords at rest: with `security.secrets_key_file`, a node replicating between two
//! doris-emu clusters whose `root` password is distinctive keeps that password (and the
//! key) out of every file under its directory (Raft log, snapshots, sled state, logs),
//! while the engine still gets the clear password (the job replicates). A bad key file
//! stops the node at startup with a message naming the key.

mod fleet_common;
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ccr_syncer::doris::SqlClient;
use fleet_common::{free_port, poll, Fleet, BIN};
use serde_json::{json, Value};
use support::emu::{password_pair_with_db, side_with_password};

const PASSWORD: &str = "Pw-9xQ4-sealed-Doris-Secret";

/// Every regular file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The files under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| contains(&b, needle.as_bytes())))
        .collect()
}

async fn rows(c: &SqlClient, q: &str) -> Option<usize> {
    c.query(q).await.ok().map(|r| r.len())
}

async fn post(http: &reqwest::Client, addr: &str, path: &str, body: &Value) -> Option<Value> {
    let url = format!("http://{addr}{path}");
    let resp = http.post(url).json(body).send().await.ok()?;
    resp.json().await.ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sealed_passwords_never_reach_the_data_dir() {
    let ((src_emu, src), (dst_emu, dst)) =
        password_pair_with_db(PASSWORD, (31_000, 11_001), (61_000, 21_001), "seal_db").await;

    let mut fleet = Fleet::new();
    let key_text = STANDARD.encode([0x5a_u8; 32]);
    let key_file = fleet.tmp.path().join("secrets.key");
    std::fs::write(&key_file, format!("{key_text}\n")).expect("key file");
    let node = fleet.add(1, vec![]);
    node.dry_run = false;
    node.env = vec![
        (
            "CCR_SYNCER_SECURITY_SECRETS_KEY_FILE".into(),
            key_file.display().to_string(),
        ),
        // Snapshots early, so the snapshot files are checked too.
        (
            "CCR_SYNCER_RAFT_SNAPSHOT_LOGS_SINCE_LAST".into(),
            "3".into(),
        ),
        ("RUST_LOG".into(), "debug".into()),
    ];
    let node_dir = node.dir.clone();
    fleet.start(1);
    let addr = fleet.addr(1);
    let http = reqwest::Client::new();
    poll("node leads", Duration::from_secs(20), || async {
        let v = post(&http, &addr, "/internal/status", &json!({})).await?;
        (v["lease_valid"] == json!(true) && !v["leader"].is_null()).then_some(())
    })
    .await;

    let body = json!({"name": "seal_job",
        "src": side_with_password(&src_emu, PASSWORD, "seal_db", ""),
        "dest": side_with_password(&dst_emu, PASSWORD, "seal_db", "")});
    let created = post(&http, &addr, "/create_ccr", &body).await;
    assert_eq!(
        created.as_ref().map(|v| v["success"].clone()),
        Some(json!(true)),
        "{created:?}"
    );
    // The engine logs in to both clusters with the clear password.
    poll("db job replicated", Duration::from_secs(60), || async {
        (rows(&dst, "SELECT * FROM `seal_db`.`t1`").await == Some(2)).then_some(())
    })
    .await;
    src.exec("INSERT INTO `seal_db`.`t1` VALUES (3, 30)")
        .await
        .expect("insert");
    poll(
        "incremental row replicated",
        Duration::from_secs(60),
        || async { (rows(&dst, "SELECT * FROM `seal_db`.`t1`").await == Some(3)).then_some(()) },
    )
    .await;

    let data = node_dir.join("data");
    assert!(
        !files_containing(&data, "sealed:v1:").is_empty(),
        "no sealed password stored under {}",
        data.display()
    );
    let leaks = files_containing(&node_dir, PASSWORD);
    assert!(leaks.is_empty(), "password in clear in {leaks:?}");
    let key_leaks = files_containing(&node_dir, &key_text);
    assert!(key_leaks.is_empty(), "secrets key in {key_leaks:?}");
    let status = post(&http, &addr, "/job_status", &json!({"name": "seal_job"})).await;
    let shown = format!("{status:?}");
    assert!(
        !shown.contains(PASSWORD) && !shown.contains("sealed:v1:"),
        "{shown}"
    );
}

#[test]
fn bad_key_file_is_a_startup_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let key = tmp.path().join("bad.key");
    std::fs::write(&key, STANDARD.encode([1u8; 16])).expect("key file");
    let mut child = Command::new(BIN)
        .args([
            "--node-id",
            "1",
            "--host",
            "127.0.0.1",
            "--listen-host",
            "127.0.0.1",
        ])
        .args(["--http-port", &free_port().to_string()])
        .args(["--raft-port", &free_port().to_string()])
        .arg("--data-dir")
        .arg(tmp.path().join("data"))
        .arg("--secrets-key-file")
        .arg(&key)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ccr-syncer");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("node with a 16-byte key did not exit");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    assert!(!out.status.success(), "node started with a bad key");
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("security.secrets_key_file") && text.contains("16 bytes"),
        "{text}"
    );
}
