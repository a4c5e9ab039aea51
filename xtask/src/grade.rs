//! Grading: build crates' tests, run each test binary under a time limit, and turn what libtest
//! recorded into an [`Outcome`]. `verify` grades the learner's starters; `check` and `variants`
//! grade the solutions, the starters and the variants, through this same code.
//!
//! Why not just `cargo test`? Four reasons. A time limit: `cargo test` waits for a looping test
//! forever, while a test binary we started ourselves can be killed ([`crate::process`]). One
//! build for every exercise, where `cargo test` would stop at the first exercise that fails to
//! compile or fail its tests. Control over the environment insta sees, so snapshots are only
//! ever compared, never written. And a verdict the learner's code cannot print: each result is
//! read from the file libtest writes for the grader, and checked against everything else the run
//! says ([`run_binary`]); what disagrees is evidence of tampering, never a pass.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::cargo_build::{self, BuildOutput, TestBinary};
use crate::libtest::{self, Logged};
use crate::process::{self, Ending};
use crate::report::{self, Outcome, TestResult, TestStatus, Verdict};

/// A crate to grade: its package name and its folder relative to the workspace root.
#[derive(Debug, Clone)]
pub struct Crate<'a> {
    pub package: String,
    pub dir: &'a str,
}

/// Builds the tests of every crate in one cargo invocation, then runs each crate's test binaries,
/// one crate at a time, with `time_limit` for each crate. Outcomes come back in `crates` order.
/// An `Err` means grading itself failed (cargo could not run at all), not that a test did.
pub fn grade(root: &Path, crates: &[Crate], time_limit: Duration) -> Result<Vec<Outcome>, String> {
    build(root, crates)?.run(root, crates, time_limit, root)
}

/// The test binaries of some crates, built and not yet run: `verify` looks at the sealed files
/// between the two steps.
pub struct Built(Option<BuildOutput>);

/// Builds the tests of every crate in one cargo invocation.
pub fn build(root: &Path, crates: &[Crate]) -> Result<Built, String> {
    if crates.is_empty() {
        // `cargo build` without `--package` would build the whole workspace instead.
        return Ok(Built(None));
    }
    let packages: Vec<String> = crates.iter().map(|c| c.package.clone()).collect();
    cargo_build::build_tests(root, &packages).map(|output| Built(Some(output)))
}

impl Built {
    /// The compiler's warnings about `package`'s own code, as rendered for a person.
    pub fn warnings(&self, package: &str) -> &[String] {
        self.0
            .as_ref()
            .and_then(|build| build.warnings.get(package))
            .map_or(&[], Vec::as_slice)
    }

    /// Runs each crate's test binaries, one crate at a time, with `time_limit` for each crate.
    /// `crates` are the ones [`build`] was given. insta reads the snapshots below
    /// `snapshots_root` (the workspace root, or a private copy of the snapshots: see
    /// `verify`), at the test file's path relative to the workspace.
    pub fn run(
        &self,
        root: &Path,
        crates: &[Crate],
        time_limit: Duration,
        snapshots_root: &Path,
    ) -> Result<Vec<Outcome>, String> {
        let Some(build) = &self.0 else {
            return Ok(Vec::new());
        };
        crates
            .iter()
            .map(|krate| match build.failure_for(&krate.package) {
                Some(error) => Ok(Outcome::does_not_compile(error)),
                None => {
                    let binaries = build.binaries.get(&krate.package).map(Vec::as_slice);
                    let binaries = binaries.unwrap_or_default();
                    run_tests(root, krate.dir, binaries, time_limit, snapshots_root)
                }
            })
            .collect()
    }
}

/// Runs a crate's test binaries in turn until they are done or `time_limit` is used up.
fn run_tests(
    root: &Path,
    dir: &str,
    binaries: &[TestBinary],
    time_limit: Duration,
    snapshots_root: &Path,
) -> Result<Outcome, String> {
    let deadline = Instant::now() + time_limit;
    let mut tests = Vec::new();
    let mut evidence = Vec::new();
    // Only the test targets grade: the sealed `tests/*.rs` (and, for a solution, the starter's,
    // which its `[[test]]`s name). A harness cargo builds from anything else (a `src/bin/*.rs`
    // the learner added) is the learner's code, and would run first with the power to tamper.
    for binary in binaries.iter().filter(|binary| binary.is_test_target()) {
        let (results, ending, contradictions) =
            run_binary(root, dir, binary, deadline, snapshots_root)?;
        tests.extend(results);
        evidence.extend(
            contradictions
                .into_iter()
                .map(|c| format!("{}: {c}", binary.target)),
        );
        if ending == Ending::TimedOut {
            let running: Vec<String> = tests
                .iter()
                .filter(|test| test.status == TestStatus::Error)
                .map(|test| format!("`{}`", test.name))
                .collect();
            let running = if running.is_empty() {
                "a test".to_owned() // killed while still listing its tests
            } else {
                running.join(", ")
            };
            let message = format!(
                "timed out after {} s, with {running} still running: probably an endless loop,\n\
                 or a wait for something that never happens. The tests that finished are listed.\n\
                 If your computer is just slow, allow more time with `--timeout <seconds>`.",
                time_limit.as_secs(),
            );
            return Ok(with_evidence(
                Outcome {
                    verdict: Verdict::TimedOut,
                    message: Some(message),
                    tests,
                },
                &evidence,
            ));
        }
    }
    if tests.is_empty() {
        // Nothing was tested, so nothing passed: a vacuous "all of no tests passed" is no grade.
        let outcome = Outcome {
            verdict: Verdict::Failed,
            message: Some("no test ran: its test binaries listed no test".to_owned()),
            tests,
        };
        return Ok(with_evidence(outcome, &evidence));
    }
    let all_passed = tests.iter().all(|test| test.status == TestStatus::Pass);
    let outcome = Outcome {
        verdict: if all_passed {
            Verdict::Passed
        } else {
            Verdict::Failed
        },
        message: None,
        tests,
    };
    Ok(with_evidence(outcome, &evidence))
}

/// `outcome`, or, if the results contradict each other, the outcome marked as tampered.
fn with_evidence(mut outcome: Outcome, evidence: &[String]) -> Outcome {
    if !evidence.is_empty() {
        outcome.mark_tampered(format!(
            "the test results contradict each other, so none of them counts:\n{}",
            evidence.join("\n")
        ));
    }
    outcome
}

/// Lists a binary's tests, then runs them, and reads each result from the channel the test
/// cannot print into: the `--logfile` libtest writes (see [`libtest::parse_logfile`]).
/// Listing first means a test that never reports (its process was killed, or crashed) is still
/// named in the results, as an `error`.
///
/// Four witnesses must agree: the list, the logfile, the lines on standard output (and their
/// `test result:` summary), and the exit status. Where they do not, the third item returned
/// says how: that is evidence of tampering, since libtest itself never contradicts itself.
fn run_binary(
    root: &Path,
    dir: &str,
    binary: &TestBinary,
    deadline: Instant,
    snapshots_root: &Path,
) -> Result<(Vec<TestResult>, Ending, Vec<String>), String> {
    let list = process::run_until(
        test_command(root, dir, binary, snapshots_root).args(["--list", "--format", "terse"]),
        deadline,
    )?;
    match list.ending {
        Ending::TimedOut => return Ok((Vec::new(), Ending::TimedOut, Vec::new())),
        Ending::Exited { success: false } => {
            let error = TestResult {
                name: binary.target.clone(),
                status: TestStatus::Error,
                message: Some(report::bounded(format!(
                    "the test binary could not even list its tests:\n{}",
                    libtest::crash_summary(&list.stderr)
                ))),
                output: None,
            };
            return Ok((vec![error], list.ending, Vec::new()));
        }
        Ending::Exited { success: true } => {}
    }
    // A missing source file only costs the file order; the tests still run.
    let source = fs::read_to_string(&binary.source).unwrap_or_default();
    let names = order_by_source(libtest::parse_list(&list.stdout), &source);

    let logfile = ResultsFile::new(&binary.target);
    let run = process::run_until(
        // `--include-ignored`: the grader has no optional tests. No colours: we parse the text.
        test_command(root, dir, binary, snapshots_root)
            .args(["--include-ignored", "--color", "never", "--logfile"])
            .arg(&logfile.path),
        deadline,
    )?;
    let mut evidence = Vec::new();
    let logged = match libtest::parse_logfile(&logfile.read(), &names) {
        Ok(logged) => logged,
        Err(record) => {
            evidence.push(format!(
                "libtest's result file holds a record libtest never writes: `{record}`"
            ));
            BTreeMap::new()
        }
    };
    let mut report = libtest::parse_run(&run.stdout);
    let unfinished = match run.ending {
        Ending::TimedOut => "still running when the time limit ran out".to_owned(),
        Ending::Exited { .. } => format!(
            "the test process stopped before this test finished:\n{}",
            libtest::crash_summary(&run.stderr)
        ),
    };
    evidence.extend(contradictions(&names, &logged, &report, run.ending));
    let results = names
        .into_iter()
        .map(|name| {
            let (status, message, output) = match logged.get(&name) {
                Some(Logged::Ok) => (TestStatus::Pass, None, None),
                Some(Logged::Failed | Logged::Ignored) => {
                    let failure = report.failed.remove(&name);
                    let message = failure
                        .as_ref()
                        .map_or("failed without a message", |f| f.message.as_str());
                    (
                        TestStatus::Fail,
                        Some(message.to_owned()),
                        failure.and_then(|f| f.output),
                    )
                }
                None => (TestStatus::Error, Some(unfinished.clone()), None),
            };
            TestResult {
                name,
                status,
                message: message.map(report::bounded),
                output: output.map(report::bounded),
            }
        })
        .collect();
    Ok((results, run.ending, evidence))
}

/// How the witnesses of one run disagree, if they do. `names` are the listed tests, `logged`
/// libtest's own record of them, `printed` what standard output claimed.
fn contradictions(
    names: &[String],
    logged: &BTreeMap<String, Logged>,
    printed: &libtest::Run,
    ending: Ending,
) -> Vec<String> {
    let mut evidence = Vec::new();
    let passed = |name: &String| logged.get(name) == Some(&Logged::Ok);
    for name in printed.passed.iter().filter(|name| !passed(name)) {
        evidence.push(format!(
            "standard output says `{name} ... ok`, but libtest did not record it as passed"
        ));
    }
    for name in logged.keys().filter(|name| !names.contains(name)) {
        evidence.push(format!(
            "a result was recorded for `{name}`, which is not one of the binary's tests"
        ));
    }
    let unpassed = names.iter().filter(|name| !passed(name)).count();
    if ending == (Ending::Exited { success: true }) && unpassed > 0 {
        evidence.push(format!(
            "the test process exited with success while {unpassed} of its {} tests had not \
             passed: something ended it early (`std::process::exit`?)",
            names.len()
        ));
    }
    // libtest, having recorded every test as passed, prints its summary and exits with success.
    let all_passed = !names.is_empty() && unpassed == 0;
    if all_passed && ending == (Ending::Exited { success: false }) {
        evidence.push(
            "libtest recorded every test as passed, yet the test process failed: something \
             ended it after its results were written"
                .to_owned(),
        );
    }
    if all_passed && ending != Ending::TimedOut && printed.summaries.is_empty() {
        evidence.push(
            "libtest recorded every test as passed, but never printed its `test result:` line"
                .to_owned(),
        );
    }
    let recorded = (
        logged.values().filter(|l| **l == Logged::Ok).count(),
        logged.values().filter(|l| **l == Logged::Failed).count(),
    );
    match printed.summaries.as_slice() {
        [] => {}
        [summary] if *summary == recorded => {}
        [(passed, failed)] => evidence.push(format!(
            "standard output says `{passed} passed; {failed} failed`, but libtest recorded \
             {} passed and {} failed",
            recorded.0, recorded.1
        )),
        more => evidence.push(format!(
            "standard output has {} `test result:` lines; libtest writes one",
            more.len()
        )),
    }
    evidence
}

/// The file a test binary's results are written to: a new name for every run, in the
/// system's temporary folder, removed once read.
struct ResultsFile {
    path: PathBuf,
}

impl ResultsFile {
    fn new(target: &str) -> ResultsFile {
        ResultsFile {
            path: process::fresh_temp_path(&format!("{target}-results")),
        }
    }

    /// What libtest wrote; nothing if it wrote nothing (the process died first).
    fn read(&self) -> String {
        fs::read_to_string(&self.path).unwrap_or_default()
    }
}

impl Drop for ResultsFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// A test binary, started the way `cargo test` would start it (in the crate's folder), with an
/// environment that makes insta compare snapshots and never write them.
fn test_command(root: &Path, dir: &str, binary: &TestBinary, snapshots_root: &Path) -> Command {
    let mut command = Command::new(&binary.executable);
    command
        .current_dir(root.join(dir))
        // Never write `.snap.new` files: the snapshots are the exercise's specification.
        .env("INSTA_UPDATE", "no")
        .env("INSTA_FORCE_PASS", "0")
        // The full diff, whatever the learner's own insta settings say.
        .env("INSTA_OUTPUT", "diff")
        // insta finds snapshots relative to the workspace root, and would otherwise start
        // `cargo metadata` from every test binary to learn it.
        .env("INSTA_WORKSPACE_ROOT", snapshots_root)
        // Non-interactive: no prompts, and insta's CI behaviour (fail, do not record).
        .env("CI", "true")
        // Backtraces are long and differ between machines; the panic message is what matters.
        .env("RUST_BACKTRACE", "0")
        // We read each test's captured output from libtest's report, so capturing must stay on,
        // and the report must be plain text.
        .env_remove("RUST_TEST_NOCAPTURE")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// Sorts test names into the order their functions appear in `source`: a learner reads a test
/// file top to bottom, and libtest only knows alphabetical order. A test whose `fn` is not in
/// this file (it lives in a submodule's file) keeps its place after the ones that are.
fn order_by_source(mut names: Vec<String>, source: &str) -> Vec<String> {
    names.sort_by_cached_key(|name| {
        let function = name.rsplit("::").next().unwrap_or(name);
        source
            .find(&format!("fn {function}("))
            .unwrap_or(usize::MAX)
    });
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_tests_as_written() {
        let source = "
            #[test] fn zeta() {}
            mod nested { #[test] fn alpha() {} }
            #[test] fn alpha_two() {}
        ";
        let names = ["alpha_two", "elsewhere::beta", "nested::alpha", "zeta"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            order_by_source(names, source),
            ["zeta", "nested::alpha", "alpha_two", "elsewhere::beta"]
        );
    }
}
