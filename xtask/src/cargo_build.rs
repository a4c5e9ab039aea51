//! Building test binaries with cargo, and reading what cargo says about them.
//!
//! All the exercises (or solutions) are built by ONE cargo invocation: cargo then schedules every
//! crate on all cores at once and shares the dependencies, which is far faster than one
//! `cargo test -p …` per exercise. Cargo speaks JSON on stdout with `--message-format=json`: one
//! object per line, each with a `reason`. Two kinds matter here:
//!
//! - `compiler-artifact` with `profile.test == true` and an `executable`: a test binary, which
//!   [`crate::grade`] runs directly (so it can put a time limit on it).
//! - `compiler-message` with level `error`: rustc's diagnostic, already rendered as the text a
//!   person would see. We keep the first one per package: the first error is the one to fix, the
//!   others are often its echoes. Warnings (level `warning`) are kept too, every one: `verify`
//!   shows the learner those of their own code, which a test verdict alone would hide.
//!
//! Why `cargo build --tests` and not `cargo test --no-run`: both build the same test binaries, but
//! only `build` accepts `--keep-going` (cargo 1.95 rejects `cargo test --no-run --keep-going`).
//! Without it cargo stops scheduling work at the first compile error, so one broken exercise
//! would hide the results of all the others.

use std::collections::BTreeMap;
use std::env;
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// A `cargo` command run at the workspace root. Under `cargo xtask` the `CARGO` variable names the
/// cargo that started us, so we use the same toolchain the learner did.
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    command.current_dir(root);
    command
}

/// One test executable that cargo built.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TestBinary {
    /// Sorts the library's unit tests first, then binaries', then each `tests/*.rs`.
    kind: TargetKind,
    /// The target's name, e.g. `api` for `tests/api.rs`.
    pub target: String,
    pub executable: PathBuf,
    /// The target's root source file: where its tests are written, in file order.
    pub source: PathBuf,
}

impl TestBinary {
    /// Whether it was built from a test target (`tests/*.rs`, or a `[[test]]`), not from the
    /// library's or a binary's own unit tests.
    pub fn is_test_target(&self) -> bool {
        self.kind == TargetKind::Test
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TargetKind {
    Lib,
    Bin,
    Test,
    Other,
}

impl TargetKind {
    /// From the first of a target's `kind`s in cargo's JSON.
    fn from_cargo(kind: Option<&str>) -> TargetKind {
        match kind {
            Some("lib" | "rlib" | "proc-macro") => TargetKind::Lib,
            Some("bin") => TargetKind::Bin,
            Some("test") => TargetKind::Test,
            _ => TargetKind::Other,
        }
    }
}

/// What one build produced.
#[derive(Debug, Default, PartialEq)]
pub struct BuildOutput {
    /// Test binaries by package name, in [`TestBinary`] order.
    pub binaries: BTreeMap<String, Vec<TestBinary>>,
    /// The first rendered compile error of each package that had one.
    pub errors: BTreeMap<String, String>,
    /// Every rendered compiler warning, by package (cargo repeats none for a fresh build: a
    /// crate that did not need rebuilding replays its warnings).
    pub warnings: BTreeMap<String, Vec<String>>,
    /// Whether cargo got as far as its closing `build-finished` message. It does not when it
    /// fails before building anything: a broken `Cargo.toml`, an unknown package.
    pub finished: bool,
    /// The packages we asked for. A compile error in any other package is a dependency's.
    pub requested: Vec<String>,
}

impl BuildOutput {
    /// Why `package` cannot be tested, if it cannot: its own first compile error, or a
    /// dependency's, or (when cargo gave no reason) how to ask cargo directly.
    pub fn failure_for(&self, package: &str) -> Option<String> {
        if let Some(error) = self.errors.get(package) {
            return Some(error.clone());
        }
        if self.binaries.contains_key(package) {
            return None;
        }
        let mut dependency_errors = self
            .errors
            .iter()
            .filter(|(failed, _)| !self.requested.contains(failed));
        Some(match dependency_errors.next() {
            Some((dependency, error)) => {
                format!("`{dependency}`, which it builds on, does not compile:\n{error}")
            }
            None => format!(
                "cargo built no test binary for `{package}`; \
                 run `cargo build --tests -p {package}` to see why"
            ),
        })
    }
}

/// Builds the test binaries of `packages` in one cargo invocation. Cargo's progress goes to our
/// stderr so a learner sees the first, long build moving; its JSON comes back to us.
pub fn build_tests(root: &Path, packages: &[String]) -> Result<BuildOutput, String> {
    let mut command = cargo(root);
    command.args(["build", "--tests", "--keep-going", "--message-format=json"]);
    for package in packages {
        command.args(["--package", package]);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}; is cargo on your PATH?"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or("cargo's output was not captured")?;
    let output = BuildOutput {
        requested: packages.to_vec(),
        ..parse_messages(BufReader::new(stdout))
    };
    let status = child
        .wait()
        .map_err(|e| format!("waiting for cargo failed: {e}"))?;
    if !output.finished {
        return Err(format!(
            "cargo stopped before building anything ({status}); its message is above"
        ));
    }
    Ok(output)
}

/// Reads cargo's JSON message stream. Each line is read as untyped JSON and only the fields we
/// need are looked at: lines that are not JSON, and message kinds we do not know, are skipped, as
/// cargo adds new ones over time. (Indexing a `serde_json::Value` by a missing key gives `Null`,
/// never a panic.)
pub fn parse_messages(stream: impl BufRead) -> BuildOutput {
    let mut output = BuildOutput::default();
    for line in stream.lines().map_while(Result::ok) {
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let package = package_name(message["package_id"].as_str().unwrap_or_default());
        match message["reason"].as_str() {
            Some("compiler-artifact") if message["profile"]["test"] == true => {
                let target = &message["target"];
                let (Some(executable), Some(name), Some(source)) = (
                    message["executable"].as_str(),
                    target["name"].as_str(),
                    target["src_path"].as_str(),
                ) else {
                    continue;
                };
                let binaries = output.binaries.entry(package.to_owned()).or_default();
                binaries.push(TestBinary {
                    kind: TargetKind::from_cargo(target["kind"][0].as_str()),
                    target: name.to_owned(),
                    executable: PathBuf::from(executable),
                    source: PathBuf::from(source),
                });
                binaries.sort();
            }
            Some("compiler-message") => {
                let Some(rendered) = message["message"]["rendered"].as_str() else {
                    continue;
                };
                let rendered = rendered.trim_end().to_owned();
                match message["message"]["level"].as_str() {
                    Some("error") => {
                        output.errors.entry(package.to_owned()).or_insert(rendered);
                    }
                    // rustc's closing count ("1 warning emitted") has no code and no span.
                    Some("warning")
                        if !message["message"]["spans"]
                            .as_array()
                            .is_some_and(Vec::is_empty) =>
                    {
                        output
                            .warnings
                            .entry(package.to_owned())
                            .or_default()
                            .push(rendered);
                    }
                    _ => {}
                }
            }
            Some("build-finished") => output.finished = true,
            _ => {}
        }
    }
    output
}

/// The package name inside a cargo package ID. Cargo writes IDs as package ID specs:
/// `path+file:///work/exercises/01-hello-api#hello-api@0.1.0`, or, when the name is the folder's
/// own, just `path+file:///work/invoker#0.1.0`.
fn package_name(package_id: &str) -> &str {
    let (url, fragment) = package_id.split_once('#').unwrap_or((package_id, ""));
    match fragment.split_once('@') {
        Some((name, _version)) => name,
        None => url.rsplit('/').next().unwrap_or(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trimmed-down lines of a real `cargo build --tests --message-format=json` run in which
    /// `broken` fails to compile and `hello-api` builds a unit-test and an integration-test binary.
    const STREAM: &str = r#"{"reason":"compiler-artifact","package_id":"path+file:///w/exercises/01-hello-api#hello-api@0.1.0","target":{"kind":["lib"],"name":"hello_api","src_path":"/w/exercises/01-hello-api/src/lib.rs"},"profile":{"test":false},"executable":null,"fresh":false}
{"reason":"compiler-artifact","package_id":"path+file:///w/exercises/01-hello-api#hello-api@0.1.0","target":{"kind":["test"],"name":"api","src_path":"/w/exercises/01-hello-api/tests/api.rs"},"profile":{"test":true},"executable":"/w/target/debug/deps/api-1","fresh":false}
{"reason":"compiler-message","package_id":"path+file:///w/exercises/02-broken#broken@0.1.0","message":{"level":"warning","rendered":"warning: unused variable\n","spans":[{"file_name":"src/lib.rs"}]}}
{"reason":"compiler-message","package_id":"path+file:///w/exercises/02-broken#broken@0.1.0","message":{"level":"warning","rendered":"warning: 1 warning emitted\n","spans":[]}}
{"reason":"compiler-message","package_id":"path+file:///w/exercises/02-broken#broken@0.1.0","message":{"level":"error","rendered":"error[E0308]: mismatched types\n"}}
{"reason":"compiler-message","package_id":"path+file:///w/exercises/02-broken#broken@0.1.0","message":{"level":"error","rendered":"error: second\n"}}
not json at all
{"reason":"some-future-message","package_id":"x"}
{"reason":"compiler-artifact","package_id":"path+file:///w/exercises/01-hello-api#hello-api@0.1.0","target":{"kind":["lib"],"name":"hello_api","src_path":"/w/exercises/01-hello-api/src/lib.rs"},"profile":{"test":true},"executable":"/w/target/debug/deps/hello_api-2","fresh":false}
{"reason":"build-finished","success":false}
"#;

    #[test]
    fn finds_test_binaries_with_unit_tests_first() {
        let output = parse_messages(STREAM.as_bytes());
        let targets: Vec<&str> = output.binaries["hello-api"]
            .iter()
            .map(|b| b.target.as_str())
            .collect();
        assert_eq!(targets, ["hello_api", "api"]);
        assert_eq!(
            output.binaries["hello-api"][1].executable,
            Path::new("/w/target/debug/deps/api-1")
        );
        assert!(output.finished);
    }

    #[test]
    fn keeps_the_first_error_per_package() {
        let output = parse_messages(STREAM.as_bytes());
        assert_eq!(
            output.failure_for("broken").as_deref(),
            Some("error[E0308]: mismatched types")
        );
        assert_eq!(output.failure_for("hello-api"), None);
        assert_eq!(
            output.warnings["broken"],
            ["warning: unused variable"],
            "warnings are kept"
        );
    }

    #[test]
    fn blames_a_broken_dependency_not_a_broken_neighbour() {
        let mut output = parse_messages(STREAM.as_bytes());
        let failure = output.failure_for("uses-broken").unwrap();
        assert!(
            failure.starts_with("`broken`, which it builds on"),
            "{failure}"
        );

        output.requested = vec!["broken".to_owned(), "uses-broken".to_owned()];
        let failure = output.failure_for("uses-broken").unwrap();
        assert!(
            failure.contains("run `cargo build --tests -p uses-broken`"),
            "{failure}"
        );
    }

    #[test]
    fn without_a_reason_says_how_to_find_one() {
        let failure = BuildOutput::default().failure_for("x").unwrap();
        assert!(failure.contains("cargo build --tests -p x"), "{failure}");
    }

    #[test]
    fn reads_package_names_from_both_id_forms() {
        assert_eq!(
            package_name("path+file:///w/exercises/01-a#hello-api@0.1.0"),
            "hello-api"
        );
        assert_eq!(package_name("path+file:///w/invoker#0.1.0"), "invoker");
        assert_eq!(
            package_name("registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0"),
            "serde"
        );
    }
}
