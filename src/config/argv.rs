//! Go-style single-dash long flags (`-host=x -port 9190`) rewritten to `--host=x --port 9190`.

use std::collections::HashSet;
use std::ffi::OsString;

use clap::CommandFactory;

use super::Args;

/// Every long flag name `ccr-syncer` knows, aliases included (plus `help`/`version`).
fn long_names() -> HashSet<String> {
    let cmd = Args::command();
    let mut names: HashSet<String> = ["help", "version"].iter().map(|s| s.to_string()).collect();
    for arg in cmd.get_arguments() {
        if let Some(long) = arg.get_long() {
            names.insert(long.to_string());
        }
        if let Some(aliases) = arg.get_all_aliases() {
            names.extend(aliases.into_iter().map(str::to_string));
        }
    }
    names
}

/// Rewrites `-name` / `-name=value` to `--name...` when `name` is a known long flag.
/// Stops at `--`; leaves short flags (`-c`), negative numbers and unknown words alone.
pub fn normalize<I, T>(argv: I) -> Vec<OsString>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let names = long_names();
    let mut out = Vec::new();
    let mut passthrough = false;
    for (i, arg) in argv.into_iter().map(Into::into).enumerate() {
        let rewritten = match arg.to_str() {
            Some("--") => {
                passthrough = true;
                None
            }
            Some(s) if i > 0 && !passthrough => single_dash_long(s, &names),
            _ => None,
        };
        out.push(rewritten.map(OsString::from).unwrap_or(arg));
    }
    out
}

fn single_dash_long(arg: &str, names: &HashSet<String>) -> Option<String> {
    let rest = arg.strip_prefix('-')?;
    if rest.starts_with('-') {
        return None;
    }
    let name = rest.split_once('=').map_or(rest, |(n, _)| n);
    (name.len() > 1 && names.contains(name)).then(|| format!("-{arg}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize(args.iter().copied())
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn rewrites_known_single_dash_long_flags() {
        assert_eq!(
            norm(&[
                "x",
                "-host=h",
                "-port",
                "9190",
                "-c",
                "f",
                "-db_dir=d",
                "-nope=1"
            ]),
            [
                "x",
                "--host=h",
                "--port",
                "9190",
                "-c",
                "f",
                "--db_dir=d",
                "-nope=1"
            ]
        );
    }

    #[test]
    fn stops_at_double_dash() {
        assert_eq!(norm(&["x", "--", "-host=h"]), ["x", "--", "-host=h"]);
    }
}
