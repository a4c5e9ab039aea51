//! Verdicts, and the three ways they are shown: a table for people, a JSON file for programs, and
//! the process exit code for scripts.
//!
//! # The JSON report (`cargo xtask verify --json FILE`)
//!
//! ```json
//! {
//!   "version": 1,
//!   "points": 10,
//!   "points_possible": 15,
//!   "exercises": [
//!     {
//!       "name": "hello-api",
//!       "chapter": "ch01-handler-event-context.md",
//!       "verdict": "passed",
//!       "points": 10,
//!       "points_possible": 10,
//!       "result": { "version": 3, "status": "pass", "tests": [ { "name": "greets", "status": "pass" } ] }
//!     }
//!   ]
//! }
//! ```
//!
//! - `version` is this wrapper's format version; it changes only when a field changes meaning.
//! - `verdict` is one of `passed`, `failed`, `timed_out`, `does_not_compile`, `tests_changed`
//!   (only with `--strict`: a file that decides the grade differs from the seal, see
//!   [`crate::seal`]) or `tampered` (the results contradict each other, a sealed file changed
//!   while it was graded, or, with `--strict`, the code uses a way out of the grader; see
//!   [`crate::grade`] and [`crate::audit`]).
//! - `points` is all or nothing: an exercise's tests together say what "correct" means, so
//!   passing some of them is not part of a correct answer.
//! - `result` is an [Exercism test-runner `results.json`, version 3][v3]: `status` is `pass`,
//!   `fail` (a test failed or never finished) or `error` (no test result counts: it did not
//!   compile, timed out before any test finished, or its tests were changed); `message` is there
//!   only for `error`; `tests` lists each test in the order it is written in its file, with a
//!   `status` of `pass`, `fail` or `error` (it never finished), a `message` for `fail`/`error`,
//!   and an `output` with what a failing test printed, if it printed anything, cut to the 500
//!   characters the format allows.
//!
//! The text is stable between runs and machines (no timings, thread ids or home directories),
//! and object keys are written in alphabetical order, so a teacher can diff two reports. (The
//! example above is in reading order.)
//!
//! [v3]: https://exercism.org/docs/building/tooling/test-runners/interface

use serde_json::{json, Map, Value};

use crate::language::{self, Language};
use crate::manifest::Exercise;

/// The version of the JSON wrapper written by [`json()`].
const REPORT_VERSION: u32 = 1;

/// The Exercism results.json version that each exercise's `result` follows.
const EXERCISM_VERSION: u32 = 3;

/// A failure message is cut to this many lines in the table view; the JSON keeps all of it.
const MAX_MESSAGE_LINES: usize = 40;

/// Exercism's limit on a test's `output`, in characters, and what it asks to say past it.
const MAX_OUTPUT_CHARS: usize = 500;
const OUTPUT_TRUNCATED: &str = "\nOutput was truncated. Please limit to 500 chars";

/// What became of one exercise (or solution) crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    TimedOut,
    DoesNotCompile,
    /// Graded with `--strict`, and a file that decides the grade (a test, a snapshot, the
    /// exercise's manifest, the invoker) differs from the seal.
    TestsChanged,
    /// The evidence contradicts itself (a test binary said "ok" where libtest recorded a
    /// failure, or exited with success before its tests passed), a file that decides the grade
    /// changed while it was graded, or (with `--strict`) the learner's code uses a way out of
    /// the grader. Never a pass: see "What `--strict` guarantees" in `xtask/README.md`.
    Tampered,
}

impl Verdict {
    /// 0 all passed, 1 a test failed or hung, 2 something did not even compile.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Passed => 0,
            Verdict::Failed | Verdict::TimedOut | Verdict::TestsChanged | Verdict::Tampered => 1,
            Verdict::DoesNotCompile => 2,
        }
    }

    /// Its name in the table and in messages, in `language`.
    pub fn label(self, language: Language) -> &'static str {
        match (language, self) {
            (Language::English, Verdict::Passed) => "passed",
            (Language::English, Verdict::Failed) => "failed",
            (Language::English, Verdict::TimedOut) => "timed out",
            (Language::English, Verdict::DoesNotCompile) => "does not compile",
            (Language::English, Verdict::TestsChanged) => "tests changed",
            (Language::English, Verdict::Tampered) => "tampered",
            (Language::Korean, Verdict::Passed) => "통과",
            (Language::Korean, Verdict::Failed) => "실패",
            (Language::Korean, Verdict::TimedOut) => "시간 초과",
            (Language::Korean, Verdict::DoesNotCompile) => "컴파일 안 됨",
            (Language::Korean, Verdict::TestsChanged) => "테스트가 바뀜",
            (Language::Korean, Verdict::Tampered) => "조작됨",
        }
    }

    /// Its name in the JSON report.
    fn json_name(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::TimedOut => "timed_out",
            Verdict::DoesNotCompile => "does_not_compile",
            Verdict::TestsChanged => "tests_changed",
            Verdict::Tampered => "tampered",
        }
    }
}

/// One test's status, as Exercism's v3 format names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatus {
    Pass,
    Fail,
    /// The test never reported: it was still running at the time limit, or its process died.
    Error,
}

impl TestStatus {
    /// Its name in the JSON report.
    fn json_name(self) -> &'static str {
        match self {
            TestStatus::Pass => "pass",
            TestStatus::Fail => "fail",
            TestStatus::Error => "error",
        }
    }
}

/// One test's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub name: String,
    pub status: TestStatus,
    /// Why it failed or did not finish.
    pub message: Option<String>,
    /// What it printed before failing, if anything.
    pub output: Option<String>,
}

impl TestResult {
    /// The Exercism v3 test object; absent fields are left out rather than written as `null`.
    fn to_json(&self) -> Value {
        let mut test = Map::new();
        test.insert("name".to_owned(), json!(self.name));
        test.insert("status".to_owned(), json!(self.status.json_name()));
        if let Some(message) = &self.message {
            test.insert("message".to_owned(), json!(message));
        }
        if let Some(output) = &self.output {
            test.insert("output".to_owned(), json!(truncate_output(output)));
        }
        Value::Object(test)
    }
}

/// A test's output as Exercism allows it: at most 500 characters, then a note that it was cut.
fn truncate_output(output: &str) -> String {
    match output.char_indices().nth(MAX_OUTPUT_CHARS) {
        Some((cut, _)) => format!("{}{OUTPUT_TRUNCATED}", &output[..cut]),
        None => output.to_owned(),
    }
}

/// The verdict on one crate and the evidence for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// Why it could not be tested: the compile error, or the time limit. `None` otherwise.
    pub message: Option<String>,
    pub tests: Vec<TestResult>,
}

impl Outcome {
    pub fn does_not_compile(error: String) -> Outcome {
        Outcome {
            verdict: Verdict::DoesNotCompile,
            message: Some(bounded(error)),
            tests: Vec::new(),
        }
    }

    /// Marks the outcome as void because its tests were changed: `message` lists the changes.
    /// The test results are kept, for whoever wants to see them, but no longer count.
    pub fn mark_tests_changed(&mut self, message: String) {
        self.verdict = Verdict::TestsChanged;
        self.message = Some(message);
    }

    /// Marks the outcome as tampered with: `evidence` says what contradicts what. Like a
    /// changed test, the test results are kept but no longer count; an earlier message (a
    /// time limit, changed tests, earlier evidence) is kept before it.
    pub fn mark_tampered(&mut self, evidence: String) {
        self.message = Some(match self.message.take() {
            Some(earlier) => format!("{earlier}\n{evidence}"),
            None => evidence,
        });
        self.verdict = Verdict::Tampered;
    }

    /// Exercism's overall status. `error` means no test result counts: a crate timed out with
    /// some tests finished is a `fail`, its unfinished tests each an `error`.
    fn exercism_status(&self) -> &'static str {
        match self.verdict {
            Verdict::Passed => "pass",
            Verdict::Failed => "fail",
            Verdict::TimedOut if self.tests.iter().any(|t| t.status != TestStatus::Error) => "fail",
            Verdict::TimedOut
            | Verdict::DoesNotCompile
            | Verdict::TestsChanged
            | Verdict::Tampered => "error",
        }
    }

    pub fn passed_count(&self) -> usize {
        self.tests
            .iter()
            .filter(|test| test.status == TestStatus::Pass)
            .count()
    }

    /// The one thing to show a learner: why it could not be tested, or the first failing test,
    /// said in `language`; and the message that explains it.
    pub fn first_problem(&self, language: Language) -> Option<(String, &str)> {
        if let Some(message) = &self.message {
            return Some((self.verdict.label(language).to_owned(), message));
        }
        let test = self.tests.iter().find(|t| t.status != TestStatus::Pass)?;
        let name = &test.name;
        let what = match (language, test.status) {
            (Language::English, TestStatus::Error) => format!("test `{name}` did not finish"),
            (Language::English, _) => format!("test `{name}` failed"),
            (Language::Korean, TestStatus::Error) => format!("테스트 `{name}`: 끝나지 않음"),
            (Language::Korean, _) => format!("테스트 `{name}`: 실패"),
        };
        Some((what, test.message.as_deref().unwrap_or_default()))
    }
}

/// An exercise and its outcome.
#[derive(Debug)]
pub struct Graded<'a> {
    pub exercise: &'a Exercise,
    pub outcome: Outcome,
}

impl Graded<'_> {
    pub fn points(&self) -> u32 {
        match self.outcome.verdict {
            Verdict::Passed => self.exercise.points,
            _ => 0,
        }
    }
}

/// Points earned and points possible, over all of `graded`.
fn totals(graded: &[Graded]) -> (u32, u32) {
    let earned = graded.iter().map(Graded::points).sum();
    let possible = graded.iter().map(|g| g.exercise.points).sum();
    (earned, possible)
}

/// The exit code for a whole run: the worst of its verdicts.
pub fn exit_code(graded: &[Graded]) -> u8 {
    graded
        .iter()
        .map(|g| g.outcome.verdict.exit_code())
        .max()
        .unwrap_or(0)
}

/// The summary table, one row per exercise and a total, its headings and verdicts in `language`.
pub fn table(graded: &[Graded], language: Language) -> String {
    let (headings, total) = match language {
        Language::English => (
            ["exercise", "chapter", "tests", "points", "status"],
            "total",
        ),
        Language::Korean => (["연습 문제", "장", "테스트", "점수", "상태"], "합계"),
    };
    let mut rows = vec![headings.map(String::from)];
    for g in graded {
        let tests = match g.outcome.verdict {
            Verdict::DoesNotCompile => "-".to_owned(),
            _ => format!("{}/{}", g.outcome.passed_count(), g.outcome.tests.len()),
        };
        rows.push([
            g.exercise.name.clone(),
            g.exercise.chapter.clone(),
            tests,
            format!("{}/{}", g.points(), g.exercise.points),
            g.outcome.verdict.label(language).to_owned(),
        ]);
    }
    let (earned, possible) = totals(graded);
    rows.push([total, "", "", &format!("{earned}/{possible}"), ""].map(String::from));

    // Columns are measured as a terminal draws them: Hangul is two columns wide.
    let mut widths = [0; 5];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(language::display_width(cell));
        }
    }
    let mut text = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| language::pad(cell, width))
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// The first problem (said in `language`; the message is the compiler's or the test's), cut to
/// a screenful, of the first exercise that did not pass: one thing to fix at a time. The other
/// exercises that did not pass are named, with how to see theirs.
pub fn details(graded: &[Graded], language: Language) -> String {
    let mut failing = graded
        .iter()
        .filter_map(|g| Some((g, g.outcome.first_problem(language)?)));
    let Some((first, (what, message))) = failing.next() else {
        return String::new();
    };
    let mut text = format!("\n{}: {what}\n", first.exercise.name);
    text.push_str(&indent(&shorten(message, MAX_MESSAGE_LINES)));
    let others: Vec<&str> = failing.map(|(g, _)| g.exercise.name.as_str()).collect();
    if !others.is_empty() {
        text.push_str(&match language {
            Language::English => format!(
                "\n{} more do not pass yet ({}); `cargo xtask verify <exercise>` shows the first \
                 problem of one.\n",
                others.len(),
                others.join(", ")
            ),
            Language::Korean => format!(
                "\n아직 통과하지 못한 연습 문제가 {}개 더 있습니다({}). 하나의 첫 문제는 \
                 `cargo xtask verify <exercise>`로 볼 수 있습니다.\n",
                others.len(),
                others.join(", ")
            ),
        });
    }
    text
}

/// The JSON report described in the module documentation.
pub fn json(graded: &[Graded]) -> String {
    let exercises: Vec<Value> = graded
        .iter()
        .map(|g| {
            let tests: Vec<Value> = g.outcome.tests.iter().map(TestResult::to_json).collect();
            let status = g.outcome.exercism_status();
            let mut result = json!({
                "version": EXERCISM_VERSION,
                "status": status,
                "tests": tests,
            });
            // Exercism allows a top-level message only with `error`; for a time-out with
            // results, each unfinished test carries its own message.
            if let (Some(message), "error") = (&g.outcome.message, status) {
                result["message"] = json!(message);
            }
            json!({
                "name": g.exercise.name,
                "chapter": g.exercise.chapter,
                "verdict": g.outcome.verdict.json_name(),
                "points": g.points(),
                "points_possible": g.exercise.points,
                "result": result,
            })
        })
        .collect();
    let (earned, possible) = totals(graded);
    let report = json!({
        "version": REPORT_VERSION,
        "points": earned,
        "points_possible": possible,
        "exercises": exercises,
    });
    // Serialising a `Value` cannot fail: its keys are strings, its numbers finite.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}

/// The most bytes one message or output of a report may hold. A learner's code can print, or
/// panic with, any amount of text; a report that grows with it (a gigabyte of JUnit for a
/// handler that printed in a loop) helps nobody.
pub const MAX_FIELD_BYTES: usize = 16 * 1024;

/// `text` cut to [`MAX_FIELD_BYTES`] (at a character boundary), saying how much was left out.
pub fn bounded(text: String) -> String {
    if text.len() <= MAX_FIELD_BYTES {
        return text;
    }
    let cut = (0..=MAX_FIELD_BYTES)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    format!(
        "{}\n[… {} more bytes left out]",
        &text[..cut],
        text.len() - cut
    )
}

/// Keeps the first `max_lines` lines and says how many were left out.
fn shorten(text: &str, max_lines: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max_lines {
        return text.to_owned();
    }
    format!(
        "{}\n… {} more lines (`--json FILE` keeps them all)",
        lines[..max_lines].join("\n"),
        lines.len() - max_lines
    )
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| match line {
            "" => "\n".to_owned(),
            _ => format!("    {line}\n"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(name: &str, points: u32) -> Exercise {
        Exercise {
            points,
            ..Exercise::named(name)
        }
    }

    fn test(name: &str, status: TestStatus, message: Option<&str>) -> TestResult {
        TestResult {
            name: name.to_owned(),
            status,
            message: message.map(str::to_owned),
            output: None,
        }
    }

    fn outcome(verdict: Verdict, tests: Vec<TestResult>) -> Outcome {
        Outcome {
            verdict,
            message: None,
            tests,
        }
    }

    /// Three exercises: `one` passes, `two` fails its second test, `three` does not compile.
    fn sample(all: &[Exercise]) -> Vec<Graded<'_>> {
        vec![
            Graded {
                exercise: &all[0],
                outcome: outcome(Verdict::Passed, vec![test("a", TestStatus::Pass, None)]),
            },
            Graded {
                exercise: &all[1],
                outcome: outcome(
                    Verdict::Failed,
                    vec![
                        test("first", TestStatus::Pass, None),
                        test("second", TestStatus::Fail, Some("left: 1\nright: 2")),
                    ],
                ),
            },
            Graded {
                exercise: &all[2],
                outcome: Outcome::does_not_compile("error[E0308]: mismatched types".to_owned()),
            },
        ]
    }

    fn three() -> Vec<Exercise> {
        vec![
            exercise("one", 10),
            exercise("two", 5),
            exercise("three", 5),
        ]
    }

    #[test]
    fn exit_code_is_the_worst_verdict() {
        let all = three();
        let mut graded = sample(&all);
        assert_eq!(exit_code(&graded), 2);
        graded.pop();
        assert_eq!(exit_code(&graded), 1);
        graded.pop();
        assert_eq!(exit_code(&graded), 0);
        assert_eq!(exit_code(&[]), 0);
        assert_eq!(Verdict::TimedOut.exit_code(), 1);
    }

    #[test]
    fn renders_the_table() {
        let all = three();
        assert_eq!(
            table(&sample(&all), Language::English),
            "\
exercise  chapter   tests  points  status
one       one.md    1/1    10/10   passed
two       two.md    1/2    0/5     failed
three     three.md  -      0/5     does not compile
total                      10/20
"
        );
    }

    #[test]
    fn renders_the_table_in_korean_aligned_for_wide_characters() {
        let all = three();
        assert_eq!(
            table(&sample(&all), Language::Korean),
            "\
연습 문제  장        테스트  점수   상태
one        one.md    1/1     10/10  통과
two        two.md    1/2     0/5    실패
three      three.md  -       0/5    컴파일 안 됨
합계                         10/20
"
        );
        assert_eq!(
            details(&sample(&all), Language::Korean),
            "
two: 테스트 `second`: 실패
    left: 1
    right: 2

아직 통과하지 못한 연습 문제가 1개 더 있습니다(three). 하나의 첫 문제는 `cargo xtask verify <exercise>`로 볼 수 있습니다.
"
        );
    }

    #[test]
    fn details_show_the_first_problem_and_name_the_others() {
        let all = three();
        assert_eq!(
            details(&sample(&all), Language::English),
            "
two: test `second` failed
    left: 1
    right: 2

1 more do not pass yet (three); `cargo xtask verify <exercise>` shows the first problem of one.
"
        );
        assert_eq!(
            details(&sample(&all)[2..], Language::English),
            "\nthree: does not compile\n    error[E0308]: mismatched types\n"
        );
    }

    #[test]
    fn fields_are_bounded_by_bytes() {
        let huge = "é".repeat(MAX_FIELD_BYTES);
        let cut = bounded(huge.clone());
        assert!(cut.len() < MAX_FIELD_BYTES + 50, "{}", cut.len());
        assert!(cut.ends_with(&format!(
            "[… {} more bytes left out]",
            huge.len() - MAX_FIELD_BYTES
        )));
        assert_eq!(bounded("short".to_owned()), "short");
    }

    #[test]
    fn long_messages_are_cut() {
        let message = (1..=50)
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        let short = shorten(&message, 40);
        assert!(short.starts_with("1\n2\n"));
        assert!(short.ends_with("40\n… 10 more lines (`--json FILE` keeps them all)"));
    }

    #[test]
    fn json_wraps_exercism_v3_results() {
        let all = three();
        let report: serde_json::Value = serde_json::from_str(&json(&sample(&all))).unwrap();
        assert_eq!(report["version"], 1);
        assert_eq!(report["points"], 10);
        assert_eq!(report["points_possible"], 20);

        let two = &report["exercises"][1];
        assert_eq!(two["name"], "two");
        assert_eq!(two["verdict"], "failed");
        assert_eq!(two["result"]["version"], 3);
        assert_eq!(two["result"]["status"], "fail");
        assert!(two["result"].get("message").is_none());
        assert_eq!(
            two["result"]["tests"][1],
            serde_json::json!({"name": "second", "status": "fail", "message": "left: 1\nright: 2"})
        );

        let three = &report["exercises"][2];
        assert_eq!(three["verdict"], "does_not_compile");
        assert_eq!(three["result"]["status"], "error");
        assert_eq!(three["result"]["message"], "error[E0308]: mismatched types");
        assert_eq!(three["result"]["tests"], serde_json::json!([]));
    }

    #[test]
    fn a_time_out_with_results_is_an_exercism_fail_and_without_is_an_error() {
        let all = three();
        let timed_out = |tests| Graded {
            exercise: &all[0],
            outcome: Outcome {
                verdict: Verdict::TimedOut,
                message: Some("timed out after 60 s".to_owned()),
                tests,
            },
        };
        let finished = vec![
            test("a", TestStatus::Pass, None),
            test("b", TestStatus::Error, Some("still running")),
        ];
        let report: Value = serde_json::from_str(&json(&[timed_out(finished)])).unwrap();
        let result = &report["exercises"][0]["result"];
        assert_eq!(result["status"], "fail");
        assert!(result.get("message").is_none());
        let unfinished = vec![test("b", TestStatus::Error, Some("still running"))];
        let report: Value = serde_json::from_str(&json(&[timed_out(unfinished)])).unwrap();
        let result = &report["exercises"][0]["result"];
        assert_eq!(result["status"], "error");
        assert_eq!(result["message"], "timed out after 60 s");
    }

    #[test]
    fn changed_tests_void_the_grade() {
        let all = three();
        let mut graded = sample(&all);
        graded.truncate(1);
        graded[0]
            .outcome
            .mark_tests_changed("tests/a.rs was edited".to_owned());
        assert_eq!(graded[0].points(), 0);
        assert_eq!(exit_code(&graded), 1);
        let report: Value = serde_json::from_str(&json(&graded)).unwrap();
        let one = &report["exercises"][0];
        assert_eq!(one["verdict"], "tests_changed");
        assert_eq!(one["result"]["status"], "error");
        assert_eq!(one["result"]["message"], "tests/a.rs was edited");
    }

    #[test]
    fn output_is_cut_at_500_characters() {
        let long = "é".repeat(600);
        let cut = truncate_output(&long);
        assert!(cut.starts_with(&"é".repeat(500)));
        assert!(cut.ends_with("\nOutput was truncated. Please limit to 500 chars"));
        assert_eq!(truncate_output("short"), "short");
    }
}
