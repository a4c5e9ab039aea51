//! `cargo xtask serve`: every exercise's functions behind Lambda's own REST API.
//!
//! The server is the `invoker-http` crate's `serve` binary; like the book tool, it is not a
//! dependency of xtask, so an HTTP server's crates are compiled only when someone serves, never
//! on a learner's way to `verify`. This command builds and runs it with our terminal.

use crate::cargo_build::cargo;
use std::path::Path;

/// `cargo run -p invoker-http --bin serve -- [--port N] [--transcript] [--bootstrap P
/// --function-name F]`.
pub fn run(
    root: &Path,
    port: Option<u16>,
    transcript: bool,
    bootstrap: Option<(String, String)>,
) -> Result<u8, String> {
    let mut command = cargo(root);
    command.args(["run", "--package", "invoker-http", "--bin", "serve", "--"]);
    if let Some(port) = port {
        command.args(["--port", &port.to_string()]);
    }
    if transcript {
        command.arg("--transcript");
    }
    if let Some((program, name)) = bootstrap {
        // Named from where the learner stands; cargo runs the server from the workbook's root.
        let program = std::fs::canonicalize(&program)
            .map_or(program, |path| path.to_string_lossy().into_owned());
        command.args(["--bootstrap", &program, "--function-name", &name]);
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo: {e}; is cargo on your PATH?"))?;
    Ok(if status.success() { 0 } else { 1 })
}
