//! Reading the plain-text output of libtest, the test harness inside every `cargo test` binary.
//!
//! Stable Rust has no machine-readable test output (`--format json` needs nightly), so we read
//! what a person reads. libtest's format has been stable for years:
//!
//! ```text
//! running 2 tests
//! test adds ... ok
//! test greets ... FAILED
//!
//! failures:
//!
//! ---- greets stdout ----
//! greeting Ada                      <- what the test printed
//! thread 'greets' (4371) panicked at src/lib.rs:3:5:
//! not yet implemented
//! note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
//!
//!
//! failures:
//!     greets
//!
//! test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
//! ```
//!
//! A failure section is cleaned before anyone sees it ([`Failure::from_section`]): thread ids and
//! the backtrace note go (they change from run to run, and a report must not), and so does
//! insta's advice to run `cargo insta`: in this workbook the snapshots are the specification,
//! and a learner who "accepts" a new snapshot has only deleted the test. insta's legend for its
//! diff (`-old snapshot`, `+new results`) becomes `-expected`, `+actual`, which says which side
//! is the specification.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The test names of a `--list --format terse` run (`name: test` lines), in libtest's order.
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect()
}

/// What one run of a test binary reported on its standard output.
#[derive(Debug, Default)]
pub struct Run {
    pub passed: BTreeSet<String>,
    pub failed: BTreeMap<String, Failure>,
    /// Every `test result: …` summary line: `(passed, failed)`. libtest writes one per run;
    /// more than one means something else wrote one too.
    pub summaries: Vec<(usize, usize)>,
}

/// A test's result as libtest itself recorded it in the file named by `--logfile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logged {
    Ok,
    Failed,
    Ignored,
}

/// Reads the file libtest writes with `--logfile <path>`: a record per finished test, its
/// status and its name, `ok <name>`, `failed <name>`, `failed: <message> <name>` (a
/// `#[should_panic]` test that did not panic as expected; the message may span lines), `ignored
/// <name>`. It is the grader's channel: a test's printing goes to standard output (or is
/// captured) and cannot reach this file, whose name the grader chooses afresh for every run.
/// (libtest calls the option deprecated, but keeps it; without it stable Rust has no result
/// channel apart from standard output.)
///
/// `names` are the binary's tests, from its `--list`: a record ends with one of them. Text that
/// ends with no test's name (a line libtest never writes, or a result for a test the binary does
/// not have) is returned as the error.
pub fn parse_logfile(text: &str, names: &[String]) -> Result<BTreeMap<String, Logged>, String> {
    let mut results = BTreeMap::new();
    let mut record = String::new();
    for line in text.lines() {
        if !record.is_empty() {
            record.push('\n');
        }
        record.push_str(line);
        // The longest listed name the line ends with, after a space: `b::a`, not `a`.
        let name = names
            .iter()
            .filter(|name| {
                line.strip_suffix(name.as_str())
                    .is_some_and(|before| before.ends_with(' '))
            })
            .max_by_key(|name| name.len());
        let Some(name) = name else {
            continue; // a message going on over several lines
        };
        let status = &record[..record.len() - name.len() - 1];
        let logged = if status == "ok" {
            Logged::Ok
        } else if status.starts_with("failed") {
            Logged::Failed
        } else if status.starts_with("ignored") {
            Logged::Ignored
        } else {
            return Err(record);
        };
        results.insert(name.clone(), logged);
        record.clear();
    }
    match record.trim() {
        "" => Ok(results),
        _ => Err(record),
    }
}

/// `test result: FAILED. 1 passed; 2 failed; …` gives `(1, 2)`.
fn parse_summary(line: &str) -> Option<(usize, usize)> {
    let counts = line.strip_prefix("test result: ")?.split_once(". ")?.1;
    let mut numbers = counts.split("; ").map(|part| {
        part.split_once(' ')
            .and_then(|(number, _)| number.parse::<usize>().ok())
    });
    Some((numbers.next()??, numbers.next()??))
}

/// Why one test failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The panic message, or insta's snapshot diff followed by it.
    pub message: String,
    /// What the test printed before it failed, if anything.
    pub output: Option<String>,
}

/// Reads the result lines and failure sections of a test run.
pub fn parse_run(stdout: &str) -> Run {
    let mut run = Run::default();
    for line in stdout.lines() {
        if let Some(counts) = parse_summary(line) {
            run.summaries.push(counts);
        }
        let Some((name, result)) = line
            .strip_prefix("test ")
            .and_then(|rest| rest.rsplit_once(" ... "))
        else {
            continue;
        };
        // `#[should_panic]` tests are listed as `name - should panic`.
        let name = name.trim_end_matches(" - should panic").to_owned();
        match result {
            "ok" => {
                run.passed.insert(name);
            }
            "FAILED" => {
                let failure = Failure {
                    message: "failed without a message".to_owned(),
                    output: None,
                };
                run.failed.insert(name, failure);
            }
            _ => {} // `ignored` cannot happen: we run with `--include-ignored`.
        }
    }
    for (name, section) in failure_sections(stdout) {
        if let Some(failure) = run.failed.get_mut(&name) {
            *failure = Failure::from_section(&name, &section);
        }
    }
    run
}

/// The `---- name stdout ----` sections after the first `failures:` line, by test name.
fn failure_sections(stdout: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, String)> = Vec::new();
    let after_heading = stdout
        .lines()
        .skip_while(|line| *line != "failures:")
        .skip(1);
    for line in after_heading {
        if line == "failures:" {
            break; // the closing list of failed names
        }
        let header = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"));
        match (header, sections.last_mut()) {
            (Some(name), _) => sections.push((name.to_owned(), String::new())),
            (None, Some((_, text))) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    sections
}

impl Failure {
    /// Cleans a failure section and splits it into what the test printed and why it failed. The
    /// failure report starts at the panic line, or at insta's summary, which comes before it.
    fn from_section(test: &str, section: &str) -> Failure {
        let lines: Vec<String> = section
            .lines()
            .filter(|line| !is_noise(line))
            .map(|line| relabel_diff_legend(tidy_panic_line(test, &strip_thread_id(line))))
            .collect();
        let report_start = lines.iter().position(|l| starts_report(l)).unwrap_or(0);
        let output = trim_blank_lines(&lines[..report_start]);
        Failure {
            message: trim_blank_lines(&lines[report_start..]),
            output: (!output.is_empty()).then_some(output),
        }
    }
}

/// Whether a (tidied) line opens a failure report: a panic, or insta's summary before its panic.
fn starts_report(line: &str) -> bool {
    line.starts_with("panicked")
        || (line.starts_with("thread '") && line.contains("' panicked at "))
        || line.contains("Snapshot Summary")
}

/// What a test binary said on stderr when it died without finishing (a stack overflow, an abort):
/// its last few lines, without thread ids.
pub fn crash_summary(stderr: &str) -> String {
    const LAST_LINES: usize = 5;
    let lines: Vec<String> = stderr
        .lines()
        // libtest's word on `--logfile` ends without a newline: what follows it on its line is
        // the crash's own first line.
        .map(|line| line.strip_prefix(LOGFILE_WARNING).unwrap_or(line))
        .filter(|line| !line.trim().is_empty() && !is_noise(line))
        .map(strip_thread_id)
        .collect();
    if lines.is_empty() {
        return "it printed nothing: it was killed, or a test called `std::process::exit`"
            .to_owned();
    }
    lines[lines.len().saturating_sub(LAST_LINES)..].join("\n")
}

/// What libtest prints on stderr when it is given the grader's `--logfile`.
const LOGFILE_WARNING: &str = "warning: `--logfile` is deprecated";

/// Lines that are advice to someone running `cargo test` by hand, not facts about the failure.
fn is_noise(line: &str) -> bool {
    const NOISE: [&str; 4] = [
        "note: run with `RUST_BACKTRACE=1`",
        "Stopped on the first failure. Run `cargo insta test`",
        "To update snapshots run `cargo insta review`",
        // libtest's word on the grader's `--logfile`, not on the learner's code.
        LOGFILE_WARNING,
    ];
    NOISE.iter().any(|noise| line.starts_with(noise))
}

/// Recent Rust versions name the thread's OS id in a panic: `thread 'greets' (4371) panicked`.
/// The id differs on every run, so it goes.
fn strip_thread_id(line: &str) -> String {
    let Some(quote) = line.find("thread '") else {
        return line.to_owned();
    };
    let name_start = quote + "thread '".len();
    let Some(name_length) = line[name_start..].find('\'') else {
        return line.to_owned();
    };
    let after_name = name_start + name_length + 1;
    let id = line[after_name..]
        .strip_prefix(" (")
        .and_then(|rest| rest.split_once(')'))
        .filter(|(digits, _)| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    match id {
        Some((_, rest)) => format!("{}{rest}", &line[..after_name]),
        None => line.to_owned(),
    }
}

/// `thread 'greets' panicked at src/lib.rs:3:5:` becomes `panicked at src/lib.rs:3:5:` when the
/// thread is the test's own (the report already names the test). A location outside the
/// workspace, such as insta's source in the cargo registry, differs between machines and tells a
/// learner nothing, so it is dropped.
fn tidy_panic_line(test: &str, line: &str) -> String {
    let Some(location) = line.strip_prefix(&format!("thread '{test}' panicked at ")) else {
        return line.to_owned();
    };
    if Path::new(location).is_absolute() {
        "panicked:".to_owned()
    } else {
        format!("panicked at {location}")
    }
}

/// insta names the sides of its diff for someone about to update a snapshot; a learner needs to
/// know which side is the specification and which is their code.
fn relabel_diff_legend(line: String) -> String {
    match line.as_str() {
        "-old snapshot" => "-expected (the snapshot)".to_owned(),
        "+new results" => "+actual (what your code produced)".to_owned(),
        _ => line,
    }
}

fn trim_blank_lines(lines: &[String]) -> String {
    let is_text = |line: &String| !line.trim().is_empty();
    let first = lines.iter().position(is_text);
    let last = lines.iter().rposition(is_text);
    match (first, last) {
        (Some(first), Some(last)) => lines[first..=last].join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real run: one pass, a `todo!()`, and an insta snapshot mismatch (separators shortened).
    const RUN: &str = "
running 3 tests
test adds ... ok
test greets ... FAILED
test snapshot ... FAILED

failures:

---- greets stdout ----
greeting Ada

thread 'greets' (4371) panicked at exercises/01-fx/src/lib.rs:3:5:
not yet implemented: say hello to Ada
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- snapshot stdout ----
━━━━━ Snapshot Summary ━━━━━
Snapshot file: exercises/01-fx/tests/snapshots/api__snapshot.snap
Snapshot: snapshot
Source: exercises/01-fx/tests/api.rs:5
─────
-old snapshot
+new results
─────┬─────
    1       │-Hello, Ada!
          1 │+Hi Ada
─────┴─────
Stopped on the first failure. Run `cargo insta test` to run all snapshots.

thread 'snapshot' (4500) panicked at /root/.cargo/registry/src/index/insta-1.49.0/src/runtime.rs:734:13:
snapshot assertion for 'snapshot' failed in line 5


failures:
    greets
    snapshot

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.02s
";

    #[test]
    fn lists_test_names() {
        let list = "adds: test\ngreets: test\nbench_it: benchmark\n\n3 tests, 1 benchmark\n";
        assert_eq!(parse_list(list), ["adds", "greets"]);
    }

    #[test]
    fn reads_results() {
        let run = parse_run(RUN);
        assert_eq!(run.passed, BTreeSet::from(["adds".to_owned()]));
        let failed: Vec<&str> = run.failed.keys().map(String::as_str).collect();
        assert_eq!(failed, ["greets", "snapshot"]);
    }

    #[test]
    fn splits_printed_output_from_the_panic_and_drops_noise() {
        let greets = &parse_run(RUN).failed["greets"];
        assert_eq!(greets.output.as_deref(), Some("greeting Ada"));
        assert_eq!(
            greets.message,
            "panicked at exercises/01-fx/src/lib.rs:3:5:\nnot yet implemented: say hello to Ada"
        );
    }

    #[test]
    fn keeps_the_snapshot_diff_and_hides_machine_paths() {
        let snapshot = &parse_run(RUN).failed["snapshot"];
        assert_eq!(snapshot.output, None);
        assert!(snapshot.message.starts_with("━━━━━ Snapshot Summary"));
        assert!(snapshot.message.contains("          1 │+Hi Ada"));
        assert!(snapshot
            .message
            .contains("\n-expected (the snapshot)\n+actual (what your code produced)\n"));
        assert!(snapshot.message.ends_with(
            "─────┴─────\n\npanicked:\nsnapshot assertion for 'snapshot' failed in line 5"
        ));
        assert!(!snapshot.message.contains("cargo insta"));
    }

    #[test]
    fn reads_the_summary_line() {
        assert_eq!(parse_run(RUN).summaries, [(1, 2)]);
        assert_eq!(
            parse_summary("test result: ok. 8 passed; 0 failed; 0 ignored"),
            Some((8, 0))
        );
        assert_eq!(parse_summary("test result: ok. lots passed"), None);
    }

    #[test]
    fn reads_the_logfile_and_refuses_lines_libtest_never_writes() {
        let names = ["adds", "greets", "slow", "m::overflows", "overflows"].map(String::from);
        let text = "ok adds\nfailed greets\nignored slow\n\
                    failed: test did not panic as expected at src/lib.rs:3:5\nmore m::overflows\n";
        let logged = parse_logfile(text, &names).unwrap();
        assert_eq!(logged["adds"], Logged::Ok);
        assert_eq!(logged["greets"], Logged::Failed);
        assert_eq!(logged["slow"], Logged::Ignored);
        assert_eq!(logged["m::overflows"], Logged::Failed);
        assert!(!logged.contains_key("overflows"));
        let never = parse_logfile("passed adds\n", &names);
        assert_eq!(never, Err("passed adds".to_owned()));
        assert_eq!(
            parse_logfile("ok fake\n", &names),
            Err("ok fake".to_owned())
        );
    }

    #[test]
    fn should_panic_tests_keep_their_name() {
        let run = parse_run("test overflows - should panic ... ok\n");
        assert!(run.passed.contains("overflows"));
    }

    #[test]
    fn a_failure_without_a_section_still_fails() {
        let run = parse_run("test greets ... FAILED\n");
        assert_eq!(run.failed["greets"].message, "failed without a message");
    }

    #[test]
    fn thread_ids_go_and_other_parentheses_stay() {
        assert_eq!(
            strip_thread_id("thread 'a' (77) has overflowed its stack"),
            "thread 'a' has overflowed its stack"
        );
        assert_eq!(
            strip_thread_id("thread 'a' (main) x"),
            "thread 'a' (main) x"
        );
        assert_eq!(
            strip_thread_id("no thread here (12)"),
            "no thread here (12)"
        );
    }

    #[test]
    fn other_threads_panics_keep_their_thread_name() {
        assert_eq!(
            tidy_panic_line("greets", "thread '<unnamed>' panicked at src/lib.rs:1:1:"),
            "thread '<unnamed>' panicked at src/lib.rs:1:1:"
        );
    }

    #[test]
    fn crash_summary_says_when_there_is_nothing_to_show() {
        assert!(crash_summary("\n").starts_with("it printed nothing"));
    }

    #[test]
    fn crash_summary_keeps_what_follows_libtests_logfile_warning_on_its_line() {
        let stderr =
            "warning: `--logfile` is deprecatedinvoker: a function's code has run for 10.1 s";
        assert_eq!(
            crash_summary(stderr),
            "invoker: a function's code has run for 10.1 s"
        );
    }

    #[test]
    fn crash_summary_keeps_the_last_lines() {
        let stderr = "\nthread 'deep' (9) has overflowed its stack\nfatal runtime error: stack overflow, aborting\n";
        assert_eq!(
            crash_summary(stderr),
            "thread 'deep' has overflowed its stack\nfatal runtime error: stack overflow, aborting"
        );
    }
}
