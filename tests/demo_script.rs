//! `scripts/demo.sh` end to end against the debug binaries: two doris-emu clusters, three
//! syncer nodes, a database job and a table job, kill -9 of a job's owner, failover, rows
//! still arriving, clean-up. The strongest check that the whole system works.

mod deploy_common;

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use deploy_common::{bin_dir, emu_bin, free_base_port, root};

fn demo(args: &[&str]) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(root().join("scripts/demo.sh")).args(args);
    cmd.env("CCR_SYNCER_BIN_DIR", bin_dir());
    cmd
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs to completion, or SIGTERMs the script (its trap cleans up) after `limit`.
fn run_bounded(mut cmd: Command, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run demo.sh");
    let (mut out, mut err) = (child.stdout.take().expect("stdout"), child.stderr.take());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.as_mut().map(|e| e.read_to_string(&mut s));
        s
    });
    let deadline = Instant::now() + limit;
    while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    if child.try_wait().ok().flatten().is_none() {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
    }
    let mut stdout = String::new();
    let _ = out.read_to_string(&mut stdout);
    let status = child.wait().expect("wait demo.sh");
    (status.code(), stdout, reader.join().unwrap_or_default())
}

#[test]
fn help_and_bad_options() {
    let out: Output = demo(&["--help"]).output().expect("demo.sh --help");
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    assert!(help.contains("Usage:") && help.contains("--keep") && help.contains("kill -9"));
    for (args, needle) in [
        (&["--bogus"][..], "unknown option '--bogus'"),
        (&["--base-port"][..], "--base-port needs a value"),
        (&["--timeout", "soon"][..], "--timeout must be"),
    ] {
        let out = demo(args).output().expect("demo.sh");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
    }
}

#[test]
fn demo_replicates_and_survives_the_owner_being_killed() {
    emu_bin(); // builds doris-emu next to the syncer binaries when missing
    let dir = tempfile::tempdir().expect("tempdir");
    let dir_arg = dir.path().to_string_lossy().into_owned();
    let base = free_base_port().to_string();
    let args = [
        "--no-build",
        "--base-port",
        &base,
        "--dir",
        &dir_arg,
        "--timeout",
        "30",
    ];
    let (code, stdout, stderr) = run_bounded(demo(&args), Duration::from_secs(120));
    assert_eq!(code, Some(0), "demo.sh failed:\n{stdout}\n{stderr}");
    for needle in [
        "=== 1. Build",
        "all 3 nodes are voters",
        "/create_ccr\n{\"success\":true}",
        "\"lag\":",
        "demo_db is now owned by node",
        "  4\t400",
        "Done: every check passed",
        "=== cleaning up",
    ] {
        assert!(stdout.contains(needle), "missing `{needle}` in:\n{stdout}");
    }
    check_nothing_left(dir.path());
}

/// The emulators and nodes the demo started are gone.
fn check_nothing_left(dir: &std::path::Path) {
    for side in ["src", "dst"] {
        let pid = std::fs::read_to_string(dir.join(format!("{side}.pid"))).expect("pid");
        let alive = std::path::Path::new(&format!("/proc/{}", pid.trim())).exists();
        assert!(
            !alive,
            "doris-emu {side} (pid {pid}) still running after the demo"
        );
    }
    let left = std::fs::read_dir(dir.join("cluster")).expect("cluster dir");
    let pids = left
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "pid"));
    assert_eq!(pids.count(), 0, "syncer nodes left running");
}
