//! The `ccr-syncer` node binary.

fn main() {
    println!("ccr-syncer {}", env!("CARGO_PKG_VERSION"));
}
