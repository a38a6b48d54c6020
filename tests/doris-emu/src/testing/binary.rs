//! Locating the `doris-emu` binary for [`super::EmuProcess`] (order documented there).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::EmuError;

fn workspace_root() -> PathBuf {
    // This crate lives at <workspace>/tests/doris-emu.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or(manifest)
}

/// Locates (or, as a last resort, builds) the `doris-emu` binary.
pub fn find() -> Result<PathBuf, EmuError> {
    let exe = if cfg!(windows) {
        "doris-emu.exe"
    } else {
        "doris-emu"
    };
    let mut candidates: Vec<PathBuf> = ["DORIS_EMU_BIN", "CARGO_BIN_EXE_doris-emu"]
        .iter()
        .filter_map(|v| std::env::var_os(v).map(PathBuf::from))
        .collect();
    if let Ok(me) = std::env::current_exe() {
        if let Some(dir) = me
            .parent()
            .filter(|d| d.ends_with("deps"))
            .and_then(Path::parent)
        {
            candidates.push(dir.join(exe));
        }
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    candidates.push(target.join("debug").join(exe));
    candidates.push(target.join("release").join(exe));
    if let Some(found) = candidates.into_iter().find(|p| p.is_file()) {
        return Ok(found);
    }
    build(exe)
}

fn build(exe: &str) -> Result<PathBuf, EmuError> {
    let target = workspace_root().join("target").join("emu-build");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "build",
            "-p",
            "doris-emu",
            "--bin",
            "doris-emu",
            "--target-dir",
        ])
        .arg(&target)
        .status()?;
    let path = target.join("debug").join(exe);
    if status.success() && path.is_file() {
        Ok(path)
    } else {
        Err(EmuError::Binary(format!(
            "`cargo build -p doris-emu` failed ({status})"
        )))
    }
}
