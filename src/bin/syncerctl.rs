//! `syncerctl`: manage a syncer fleet.

fn main() {
    println!("syncerctl {}", env!("CARGO_PKG_VERSION"));
}
