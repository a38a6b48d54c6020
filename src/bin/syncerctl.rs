//! `syncerctl`: manage a syncer fleet (see `ccr_syncer::cli`).

use std::process::ExitCode;

use ccr_syncer::cli::{main_with, Cli};
use clap::Parser;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    main_with(Cli::parse()).await
}
