//! The JUnit XML report (`cargo xtask verify --junit FILE`), for CI systems that show test
//! results: GitLab, Jenkins, GitHub test reporters, most LMS graders.
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="lambda-workbook" tests="3" failures="1" errors="0" time="0">
//!   <testsuite name="hello-api" tests="3" failures="1" errors="0" skipped="0" time="0">
//!     <testcase name="greets_by_name" classname="hello-api" time="0"/>
//!     <testcase name="transcript" classname="hello-api" time="0">
//!       <failure message="snapshot assertion for 'transcript' failed in line 128" type="fail">…the diff…</failure>
//!       <system-out>what the test printed</system-out>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! - One `<testsuite>` per exercise (named like it), one `<testcase>` per test in the order the
//!   tests are written, `classname` the exercise's name.
//! - A failed test has a `<failure>`, a test that never finished an `<error>`; the `message`
//!   attribute is the failure's one-line summary (the panic message), the element's text the whole
//!   of it, as the JSON report's `message` has it. What the test printed is its `<system-out>`.
//! - An exercise that could not be tested as a whole (it does not compile, it timed out, or with
//!   `--strict` its tests were changed) gets one more testcase, named after the step that failed
//!   (`compile`, `time limit`, `sealed tests`), with an `<error>` saying why: a suite without
//!   testcases is shown as empty, not as broken, by most CI systems.
//! - Every `time` is `0`: the report is stable, so two reports of the same code are identical and
//!   can be diffed. The grade is in the results, not in how long they took.
//!
//! It is checked against `xtask/tests/junit.xsd`, the common JUnit schema (Jenkins' and Ant's),
//! in `xtask/tests/teacher.rs`.

use crate::report::{Graded, TestStatus, Verdict};

/// The whole report.
pub fn junit(graded: &[Graded]) -> String {
    let suites: Vec<Suite> = graded.iter().map(Suite::from_graded).collect();
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    let errors: usize = suites.iter().map(Suite::errors).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"lambda-workbook\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{errors}\" time=\"0\">\n"
    ));
    for suite in &suites {
        suite.write(&mut xml);
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// One exercise's testcases, before they are written out.
struct Suite<'a> {
    name: &'a str,
    cases: Vec<Case<'a>>,
}

struct Case<'a> {
    name: &'a str,
    /// `failure` or `error`, with the message; `None` for a test that passed.
    problem: Option<(&'static str, &'a str)>,
    output: Option<&'a str>,
}

impl<'a> Suite<'a> {
    fn from_graded(graded: &'a Graded) -> Suite<'a> {
        let outcome = &graded.outcome;
        let mut cases = Vec::new();
        if let Some(message) = &outcome.message {
            let step = match outcome.verdict {
                Verdict::DoesNotCompile => "compile",
                Verdict::TimedOut => "time limit",
                Verdict::TestsChanged => "sealed tests",
                Verdict::Tampered => "tampering",
                Verdict::Passed | Verdict::Failed => "grading",
            };
            cases.push(Case {
                name: step,
                problem: Some(("error", message)),
                output: None,
            });
        }
        for test in &outcome.tests {
            let kind = match test.status {
                TestStatus::Pass => None,
                TestStatus::Fail => Some("failure"),
                TestStatus::Error => Some("error"),
            };
            cases.push(Case {
                name: &test.name,
                problem: kind.map(|kind| (kind, test.message.as_deref().unwrap_or_default())),
                output: test.output.as_deref(),
            });
        }
        Suite {
            name: &graded.exercise.name,
            cases,
        }
    }

    fn count(&self, kind: &str) -> usize {
        let is_kind = |case: &&Case| case.problem.is_some_and(|(k, _)| k == kind);
        self.cases.iter().filter(is_kind).count()
    }

    fn failures(&self) -> usize {
        self.count("failure")
    }

    fn errors(&self) -> usize {
        self.count("error")
    }

    fn write(&self, xml: &mut String) {
        let name = escape(self.name);
        xml.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"0\">\n",
            self.cases.len(),
            self.failures(),
            self.errors(),
        ));
        for case in &self.cases {
            let opening = format!(
                "    <testcase name=\"{}\" classname=\"{name}\" time=\"0\"",
                escape(case.name)
            );
            if case.problem.is_none() && case.output.is_none() {
                xml.push_str(&format!("{opening}/>\n"));
                continue;
            }
            xml.push_str(&format!("{opening}>\n"));
            if let Some((kind, message)) = case.problem {
                xml.push_str(&format!(
                    "      <{kind} message=\"{}\" type=\"{}\">{}</{kind}>\n",
                    escape(summary(message)),
                    if kind == "failure" { "fail" } else { "error" },
                    escape(message),
                ));
            }
            if let Some(output) = case.output {
                xml.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(output)
                ));
            }
            xml.push_str("    </testcase>\n");
        }
        xml.push_str("  </testsuite>\n");
    }
}

/// A failure's one line: the panic message (the line after `panicked at …:`), else the first
/// line. A snapshot diff starts with insta's banner, and the panic after it says what failed.
fn summary(message: &str) -> &str {
    let lines: Vec<&str> = message.lines().collect();
    let after_panic = lines
        .iter()
        .rposition(|line| line.starts_with("panicked"))
        .and_then(|index| lines.get(index + 1));
    let first = lines.iter().find(|line| !line.trim().is_empty());
    after_panic.or(first).copied().unwrap_or("failed")
}

/// Text safe inside an XML element or a double-quoted attribute. Characters XML 1.0 cannot hold
/// at all (control characters such as a terminal colour's ESC) become U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Exercise;
    use crate::report::{Outcome, TestResult};

    fn exercise(name: &str) -> Exercise {
        Exercise {
            points: 1,
            ..Exercise::named(name)
        }
    }

    #[test]
    fn one_suite_per_exercise_and_one_case_per_test() {
        let (one, two) = (exercise("one"), exercise("two"));
        let graded = [
            Graded {
                exercise: &one,
                outcome: Outcome {
                    verdict: Verdict::Failed,
                    message: None,
                    tests: vec![
                        TestResult {
                            name: "adds".to_owned(),
                            status: TestStatus::Pass,
                            message: None,
                            output: None,
                        },
                        TestResult {
                            name: "greets".to_owned(),
                            status: TestStatus::Fail,
                            message: Some("panicked at a.rs:1:1:\nleft <> \"right\"".to_owned()),
                            output: Some("hi\u{1b}[0m".to_owned()),
                        },
                    ],
                },
            },
            Graded {
                exercise: &two,
                outcome: Outcome::does_not_compile("error[E0308]: mismatched types".to_owned()),
            },
        ];
        assert_eq!(
            junit(&graded),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="lambda-workbook" tests="3" failures="1" errors="1" time="0">
  <testsuite name="one" tests="2" failures="1" errors="0" skipped="0" time="0">
    <testcase name="adds" classname="one" time="0"/>
    <testcase name="greets" classname="one" time="0">
      <failure message="left &lt;&gt; &quot;right&quot;" type="fail">panicked at a.rs:1:1:
left &lt;&gt; &quot;right&quot;</failure>
      <system-out>hi�[0m</system-out>
    </testcase>
  </testsuite>
  <testsuite name="two" tests="1" failures="0" errors="1" skipped="0" time="0">
    <testcase name="compile" classname="two" time="0">
      <error message="error[E0308]: mismatched types" type="error">error[E0308]: mismatched types</error>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn the_summary_is_the_panic_message() {
        let diff = "━━ Snapshot Summary ━━\n-old\n+new\n\npanicked:\nsnapshot assertion failed";
        assert_eq!(summary(diff), "snapshot assertion failed");
        assert_eq!(summary("\nerror[E0425]: x\n  --> a.rs"), "error[E0425]: x");
        assert_eq!(summary(""), "failed");
    }
}
