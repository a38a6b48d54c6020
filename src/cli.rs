//! `syncerctl`: manage a syncer fleet over the HTTP API of any of its nodes.
//!
//! Human tables by default, `--json` prints the raw JSON answer. Exit codes: 0 done,
//! 1 failed (unreachable endpoint, API error, node outside a group), 2 bad usage (clap).
//! The API masks passwords; syncerctl never un-masks them, and never prints the token.

mod client;
mod cluster;
mod job;
mod member;
pub mod output;

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

pub use client::{ApiClient, CliError, Reply};

/// Default API endpoint.
pub const DEFAULT_ENDPOINT: &str = "127.0.0.1:9190";

/// Command line of `syncerctl`.
#[derive(Parser)]
#[command(name = "syncerctl", version, about = "Manage a CCR syncer fleet")]
pub struct Cli {
    /// HTTP API address of any node (`host:port` or `http://host:port`).
    #[arg(long, global = true, env = "SYNCERCTL_ENDPOINT", default_value = DEFAULT_ENDPOINT)]
    pub endpoint: String,
    /// API token, sent as `Authorization: Bearer <token>`.
    #[arg(long, global = true, env = "SYNCERCTL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// PEM CA certificate to trust for an `https://` endpoint (the nodes' `api.tls_cert`
    /// issuer).
    #[arg(long, global = true, env = "SYNCERCTL_CA_CERT")]
    pub ca_cert: Option<std::path::PathBuf>,
    /// Print the raw JSON answer instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// Time limit of the whole call (membership changes wait for catch-up and drains).
    #[arg(long, global = true, value_parser = humantime::parse_duration, default_value = "90s")]
    pub timeout: Duration,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
#[derive(Subcommand)]
pub enum Command {
    /// Group membership.
    Member {
        /// Member command.
        #[command(subcommand)]
        cmd: MemberCmd,
    },
    /// Show the leader.
    Leader,
    /// Show the status of the node at --endpoint.
    Status,
    /// Move every job off a node (waits until it owns nothing).
    Drain {
        /// Node id.
        id: u64,
        /// Clear the draining mark instead: the node takes jobs again.
        #[arg(long)]
        undo: bool,
    },
    /// Replication jobs.
    Job {
        /// Job command.
        #[command(subcommand)]
        cmd: JobCmd,
    },
}

/// `member ...` commands.
#[derive(Subcommand)]
pub enum MemberCmd {
    /// List the members.
    List,
    /// Add a node: learner, wait for catch-up, promote to voter.
    Add {
        /// New node's id.
        id: u64,
        /// Its Raft address (`host:port`).
        raft_addr: String,
        /// Its HTTP API address (`host:port`).
        http_addr: String,
    },
    /// Promote a learner to voter.
    Promote {
        /// Node id.
        id: u64,
    },
    /// Remove a node (its jobs are moved first).
    Remove {
        /// Node id.
        id: u64,
    },
}

/// `job ...` commands.
#[derive(Subcommand)]
pub enum JobCmd {
    /// Create a job from a JSON file (the `/create_ccr` body).
    Create {
        /// Path of the JSON file (`-` for standard input).
        file: std::path::PathBuf,
    },
    /// List the jobs.
    List,
    /// Show a job's status.
    Status {
        /// Job name.
        name: String,
    },
    /// Pause a job.
    Pause {
        /// Job name.
        name: String,
    },
    /// Resume a job.
    Resume {
        /// Job name.
        name: String,
    },
    /// Delete a job.
    Delete {
        /// Job name.
        name: String,
    },
    /// Show a job's lag.
    Lag {
        /// Job name.
        name: String,
    },
}

/// Runs the command; the text to print on success.
pub async fn execute(cli: &Cli) -> Result<String, CliError> {
    let client = ApiClient::new(&cli.endpoint, cli.token.clone(), cli.timeout);
    let client = match &cli.ca_cert {
        Some(path) => {
            let pem = std::fs::read(path)
                .map_err(|e| CliError::Input(format!("--ca-cert {}: {e}", path.display())))?;
            client.with_ca(&pem)?
        }
        None => client,
    };
    let json = cli.json;
    match &cli.command {
        Command::Member { cmd } => member::run(&client, cmd, json).await,
        Command::Leader => cluster::leader(&client, json).await,
        Command::Status => cluster::status(&client, json).await,
        Command::Drain { id, undo } => cluster::drain(&client, *id, *undo, json).await,
        Command::Job { cmd } => job::run(&client, cmd, json).await,
    }
}

/// Runs the command, prints its output or error, and gives the exit code.
pub async fn main_with(cli: Cli) -> ExitCode {
    match execute(&cli).await {
        Ok(text) => {
            print_out(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            if let (true, Some(raw)) = (cli.json, e.raw()) {
                print_out(raw);
            }
            eprintln!("syncerctl: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_out(text: &str) {
    if text.is_empty() {
        return;
    }
    if text.ends_with('\n') {
        print!("{text}");
    } else {
        println!("{text}");
    }
}
