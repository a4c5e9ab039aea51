//! What more than one test file needs.

use std::path::PathBuf;

/// The example, in `target/<profile>/examples/`, built by cargo once per test run: `cargo test
/// -p invoker-http` builds it beside the tests, but a run of one test file alone (`--test
/// runtime_api`) would find it missing or stale.
pub fn echo_bootstrap() -> PathBuf {
    static BUILT: std::sync::Once = std::sync::Once::new();
    let tests = std::env::current_exe().expect("the test binary's path");
    let profile = tests
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let path = profile.join("examples").join("echo_bootstrap");
    BUILT.call_once(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args([
                "build",
                "--package",
                "invoker-http",
                "--example",
                "echo_bootstrap",
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the example builds");
    });
    assert!(path.is_file(), "{} was built", path.display());
    path
}
