//! start_syncer.sh / stop_syncer.sh round trips with a stand-in `ccr-syncer` (a bash
//! script that prints its arguments and waits for SIGTERM), so the real node is not needed.
//! The stand-in uses `#!/bin/bash` (not `env`) so its process name is `ccr-syncer`.

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

const STAND_IN: &str = r#"#!/bin/bash
echo "stand-in args: $*"
if [[ -n ${STANDIN_EXIT:-} ]]; then exit 0; fi
trap 'echo "stand-in got TERM"; exit 0' TERM
# Block on a private FIFO rather than a child `sleep`, so SIGKILL leaves no orphan.
fifo=$(mktemp -u); mkfifo "$fifo"; exec 3<>"$fifo"; rm -f "$fifo"
read -r -t 60 -u 3 || true
"#;

/// A temp dir with a stand-in binary named `ccr-syncer`, a pid dir and a log path.
struct Fixture {
    dir: tempfile::TempDir,
    port: u16,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        fs::create_dir_all(&bin).unwrap();
        let exe = bin.join("ccr-syncer");
        fs::write(&exe, STAND_IN).unwrap();
        fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
        // A free port only makes the pid file name unique among parallel tests.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Fixture { dir, port }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn pid_file(&self) -> PathBuf {
        self.path(&format!("pids/127.0.0.1_{}.pid", self.port))
    }

    fn script(&self, name: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("scripts")
                .join(name),
        );
        cmd.args(args)
            .env("SYNCER_BIN", self.path("bin/ccr-syncer"))
            .env_remove("SYNCER_HOME")
            .env_remove("STANDIN_EXIT");
        cmd
    }

    fn start_args(&self) -> Vec<String> {
        let p = |rel: &str| self.path(rel).to_string_lossy().into_owned();
        let port = self.port.to_string();
        [
            "--pid_dir",
            &p("pids"),
            "--log_dir",
            &p("log/node.log"),
            "--port",
            &port,
        ]
        .map(String::from)
        .to_vec()
    }

    fn start(&self, extra: &[&str]) -> Output {
        let mut args = self.start_args();
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.script("start_syncer.sh", &args).output().unwrap()
    }

    fn stop(&self, extra: &[&str]) -> Output {
        let pid_dir = self.path("pids").to_string_lossy().into_owned();
        let mut args = vec!["--pid_dir", pid_dir.as_str(), "--timeout", "20"];
        args.extend_from_slice(extra);
        self.script("stop_syncer.sh", &args).output().unwrap()
    }

    fn pid(&self) -> u32 {
        fs::read_to_string(self.pid_file())
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }

    fn log(&self) -> String {
        fs::read_to_string(self.path("log/node.log")).unwrap_or_default()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Running and not a zombie.
fn alive(pid: u32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn daemon_start_refuse_second_start_then_graceful_stop() {
    let fx = Fixture::new();
    let out = fx.start(&[
        "--daemon",
        "--node_id",
        "2",
        "--join",
        "h1:9190",
        "--",
        "--extra-flag",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pid = fx.pid();
    assert!(alive(pid));
    wait_for(
        "the stand-in's arguments in the log",
        Duration::from_secs(10),
        || fx.log().contains("stand-in args:"),
    );
    let log = fx.log();
    assert!(log.contains("start time: "), "{log}");
    let port_flag = format!("--http-port {}", fx.port);
    for needle in [
        port_flag.as_str(),
        "--node-id 2",
        "--join h1:9190",
        "--log-file",
        "--extra-flag",
    ] {
        assert!(log.contains(needle), "missing {needle:?} in {log}");
    }

    let again = fx.start(&["--daemon"]);
    assert_eq!(again.status.code(), Some(1));
    let expected = format!("Syncer running as process {pid}. Stop it first.");
    assert!(
        text(&again.stderr).contains(&expected),
        "{}",
        text(&again.stderr)
    );

    let port = fx.port.to_string();
    let stop = fx.stop(&["--port", &port]);
    assert_eq!(stop.status.code(), Some(0), "{}", text(&stop.stderr));
    assert!(!alive(pid), "process {pid} still running");
    assert!(!fx.pid_file().exists());
    wait_for("TERM in the log", Duration::from_secs(10), || {
        fx.log().contains("got TERM")
    });
}

#[test]
fn stale_pid_file_is_replaced_and_stop_all_uses_every_pid_file() {
    let fx = Fixture::new();
    fs::create_dir_all(fx.path("pids")).unwrap();
    fs::write(fx.pid_file(), "999999999\n").unwrap();
    let out = fx.start(&["--daemon"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let pid = fx.pid();
    assert_ne!(pid, 999_999_999);
    let stop = fx.stop(&["--force"]);
    assert_eq!(stop.status.code(), Some(0), "{}", text(&stop.stderr));
    assert!(!alive(pid));
    assert!(!fx.pid_file().exists());
}

#[test]
fn stop_refuses_a_process_that_is_not_a_syncer() {
    let fx = Fixture::new();
    let mut other: Child = Command::new("sleep").arg("60").spawn().unwrap();
    fs::create_dir_all(fx.path("pids")).unwrap();
    fs::write(fx.path("pids/other.pid"), other.id().to_string()).unwrap();
    let stop = fx.stop(&["--files", "other.pid"]);
    let stderr = text(&stop.stderr);
    let still_alive = alive(other.id());
    other.kill().unwrap();
    other.wait().unwrap();
    assert_eq!(stop.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is not a ccr-syncer"), "{stderr}");
    assert!(still_alive, "stop_syncer.sh signalled a non-syncer process");
}

#[test]
fn foreground_start_tees_output_to_the_log() {
    let fx = Fixture::new();
    let mut cmd = fx.script("start_syncer.sh", &[]);
    let args = fx.start_args();
    let out = cmd
        .args(&args)
        .args(["--", "--fg-extra"])
        .env("STANDIN_EXIT", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("--fg-extra"),
        "{}",
        text(&out.stdout)
    );
    wait_for(
        "the stand-in's output in the log",
        Duration::from_secs(10),
        || fx.log().contains("--fg-extra"),
    );
    assert!(
        !fx.log().contains("--log-file"),
        "foreground logs to the terminal: {}",
        fx.log()
    );
}

#[test]
fn daemon_that_exits_at_startup_is_reported() {
    let fx = Fixture::new();
    let mut cmd = fx.script("start_syncer.sh", &[]);
    let out = cmd
        .args(fx.start_args())
        .arg("--daemon")
        .env("STANDIN_EXIT", "1")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("exited at startup") && stderr.contains("stand-in args:"),
        "{stderr}"
    );
    assert!(!fx.pid_file().exists());
}
