//! Compiles the protocol definitions in `../proto` into Rust (prost messages
//! and tonic services) without a system `protoc`: protox parses the files
//! into a descriptor set and tonic-prost-build generates code from it.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let proto_dir = manifest_dir.join("..").join("proto");
    let files = [
        "tfplugin5.proto",
        "grpc_controller.proto",
        "grpc_stdio.proto",
    ];

    for file in &files {
        println!("cargo:rerun-if-changed={}", proto_dir.join(file).display());
    }

    let fds = protox::compile(files, [&proto_dir]).map_err(|e| {
        format!(
            "cannot compile the protocol files in {}: {e}",
            proto_dir.display()
        )
    })?;

    tonic_prost_build::configure()
        .build_server(true)
        // The client is used by the integration tests only; it needs no
        // transport (the tests bring their own connector).
        .build_client(true)
        .build_transport(false)
        // Every RPC this provider does not implement answers Unimplemented,
        // which Terraform treats as "feature not supported".
        .generate_default_stubs(true)
        .emit_rerun_if_changed(false)
        .compile_fds(fds)?;
    Ok(())
}
