//! The `doris-emu` binary: parse flags, start the emulated cluster, serve until killed.

fn main() {
    eprintln!("doris-emu: not wired yet");
    std::process::exit(2);
}
