//! Compiles `proto/syncer/raft/v1/raft.proto` with a vendored `protoc`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const PROTO: &str = "../proto/syncer/raft/v1/raft.proto";
    const INCLUDE: &str = "../proto";
    println!("cargo:rerun-if-changed={PROTO}");
    println!("cargo:rerun-if-changed=build.rs");
    // Use the vendored protoc so no system install is needed.
    std::env::set_var("PROTOC", protoc_bin_vendored::protoc_bin_path()?);
    tonic_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_protos(&[PROTO], &[INCLUDE])?;
    Ok(())
}
