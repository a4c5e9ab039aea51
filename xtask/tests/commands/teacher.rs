//! The teacher's and maintainer's side: the reports, the exit codes, the seal, `check`.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::fixture::{stderr, stdout, Fixture};

#[test]
fn verify_reports_exercism_json_and_schema_valid_junit() {
    let fixture = Fixture::new("reports");
    fixture.solve("01-adder");
    let json = fixture.path("report.json");
    let junit = fixture.path("report.xml");
    let args = ["verify", "--json", "report.json", "--junit", "report.xml"];
    fixture.xtask(&args).assert().code(1);

    let report: Value = serde_json::from_str(&fixture.read("report.json")).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(
        (report["points"].clone(), report["points_possible"].clone()),
        (json!(5), json!(15))
    );
    let adder = &report["exercises"][0];
    assert_eq!(adder["verdict"], "passed");
    assert_eq!(
        adder["result"],
        json!({
            "version": 3,
            "status": "pass",
            // In the order they are written, not libtest's alphabetical order.
            "tests": [
                { "name": "adds_small_numbers", "status": "pass" },
                { "name": "adds_negative_numbers", "status": "pass" },
            ]
        })
    );
    let greeter = &report["exercises"][1]["result"];
    assert_eq!(greeter["status"], "fail");
    assert!(
        greeter.get("message").is_none(),
        "a message only for `error`"
    );
    let test = &greeter["tests"][0];
    assert_eq!(test["name"], "greets_by_name");
    assert_eq!(test["status"], "fail");
    assert_eq!(test["output"], "greet(\"Ada\") returned \"\"");
    assert!(test["message"]
        .as_str()
        .unwrap()
        .ends_with("the greeting names Ada"));

    let xml = fixture.read("report.xml");
    assert!(xml.contains(
        r#"<testsuite name="adder" tests="2" failures="0" errors="0" skipped="0" time="0">"#
    ));
    assert!(
        xml.contains(r#"<system-out>greet(&quot;Ada&quot;) returned &quot;&quot;</system-out>"#)
    );
    validate_junit(&junit);

    // Exit code 2 when something does not compile; the JUnit report says so as an error.
    fixture.write(
        "exercises/02-greeter/src/lib.rs",
        "pub fn greet(name: &str) -> String { name }\n",
    );
    fixture.xtask(&args).assert().code(2);
    let report: Value = serde_json::from_str(&fixture.read("report.json")).unwrap();
    let greeter = &report["exercises"][1];
    assert_eq!(greeter["verdict"], "does_not_compile");
    assert_eq!(greeter["result"]["status"], "error");
    assert!(greeter["result"]["message"]
        .as_str()
        .unwrap()
        .contains("mismatched types"));
    assert!(fixture
        .read("report.xml")
        .contains(r#"<testcase name="compile" classname="greeter" time="0">"#));
    validate_junit(&junit);
    assert!(json.exists());
}

/// Validates a JUnit report with `xmllint` against `xtask/tests/junit.xsd`. Without xmllint the
/// check is skipped with a note, except in CI (`CI=true`), where `.ci/run` installs it.
fn validate_junit(report: &Path) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/junit.xsd");
    let run = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(report)
        .output();
    match run {
        Ok(output) => assert!(
            output.status.success(),
            "the JUnit report does not match the schema:\n{}\n{}",
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(report).unwrap_or_default()
        ),
        Err(error) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("xmllint is needed in CI to validate the JUnit report ({error}); install libxml2-utils")
        }
        Err(error) => {
            // Written to stderr directly, not with `eprintln!`, which the test harness captures.
            let note = format!(
                "SKIPPED: the JUnit schema check, as xmllint cannot run ({error}); \
                 `apt-get install libxml2-utils` (or your system's libxml2) provides it\n"
            );
            let _ = std::io::stderr().write_all(note.as_bytes());
        }
    }
}

#[test]
fn a_changed_snapshot_is_a_warning_and_with_strict_a_failed_grade() {
    let fixture = Fixture::new("tampered");
    // The learner's greeting is not the specified one, and they "fixed" the snapshot to match.
    fixture.write(
        "exercises/02-greeter/src/lib.rs",
        "pub fn greet(name: &str) -> String {\n    format!(\"Hi {name}!\")\n}\n",
    );
    fixture.write(
        "exercises/02-greeter/tests/snapshots/greeter__greetings.snap",
        "Hi Ada!\nHi Grace!\n",
    );
    let warning = "warning: greeter: exercises/02-greeter/tests/snapshots/greeter__greetings.snap \
                   was edited since it was sealed in exercises/tests.lock";

    let lenient = stdout(&fixture.xtask(&["verify", "greeter"]).assert().success());
    assert!(lenient.contains(warning), "{lenient}");
    assert!(
        lenient.contains("greeter   greeting.md  2/2    10/10   passed"),
        "{lenient}"
    );

    let strict = fixture
        .xtask(&["verify", "greeter", "--strict", "--json", "report.json"])
        .assert()
        .code(1);
    let strict = stdout(&strict);
    assert!(strict.contains(warning), "{strict}");
    assert!(
        strict.contains("greeter   greeting.md  2/2    0/10    tests changed"),
        "{strict}"
    );
    let report: Value = serde_json::from_str(&fixture.read("report.json")).unwrap();
    let greeter = &report["exercises"][0];
    assert_eq!(greeter["verdict"], "tests_changed");
    assert_eq!(greeter["points"], 0);
    assert_eq!(greeter["result"]["status"], "error");
    let message = greeter["result"]["message"].as_str().unwrap();
    assert!(
        message.contains("greeter__greetings.snap was edited"),
        "{message}"
    );
}

#[test]
fn check_passes_on_a_sound_workbook_and_fails_on_a_stale_seal() {
    let fixture = Fixture::new("check");
    let sealed = fixture.read("exercises/tests.lock");
    fixture.xtask(&["seal"]).assert().success();
    assert_eq!(
        fixture.read("exercises/tests.lock"),
        sealed,
        "the seal is reproducible"
    );

    let good = stdout(&fixture.xtask(&["check"]).assert().success());
    assert!(good.contains("check: all good."), "{good}");
    // The book is built in every language, and the translations are counted. Until the Korean
    // edition is declared complete (KOREAN_EDITION_COMPLETE), an incomplete one is a warning.
    assert!(good.contains("fixture book: build --all: built"), "{good}");
    assert!(
        good.contains("book/po/ko.po: 1 translated message, 0 fuzzy translations"),
        "{good}"
    );
    let required = good.contains("fixture book: translations --require-complete\n");
    let warned = good.contains("warning: the Korean edition may still have untranslated");
    assert!(
        good.contains("fixture book: translations") && required != warned,
        "the completeness is either required or warned about: {good}"
    );

    let tests = fixture.read("exercises/01-adder/tests/adder.rs");
    fixture.write(
        "exercises/01-adder/tests/adder.rs",
        &format!("{tests}// a new comment\n"),
    );
    let stale = stdout(&fixture.xtask(&["check"]).assert().code(1));
    assert!(
        stale.contains(
            "  - exercises/tests.lock is out of date: run `cargo xtask seal` and commit it.\n    \
             exercises/01-adder/tests/adder.rs was edited\n"
        ),
        "{stale}"
    );
}

#[test]
fn book_passes_the_languages_on_and_pot_refreshes_the_translations() {
    let fixture = Fixture::new("book");
    let said = |args: &[&str]| stdout(&fixture.xtask(args).assert().success());
    assert!(said(&["book"]).contains("fixture book: build --lang en: built"));
    assert!(said(&["book", "--lang", "ko"]).contains("fixture book: build --lang ko: built"));
    assert!(said(&["book", "--all"]).contains("fixture book: build --all: built"));
    assert!(said(&["book", "--check"]).contains("fixture book: check: built"));
    assert!(said(&["pot"]).contains("fixture book: pot: built"));
    let wrong = fixture.xtask(&["book", "--lang", "fr"]).assert().code(2);
    let error = stderr(&wrong);
    assert!(error.contains("the workbook speaks en, ko"), "{error}");
}

#[test]
fn variants_fail_on_a_rejected_alternative_and_a_surviving_mutant() {
    let fixture = Fixture::new("variants");
    let good = stdout(&fixture.xtask(&["variants"]).assert().success());
    assert!(
        good.contains("adder                     2/2             3/3"),
        "{good}"
    );
    assert!(
        good.contains("every alternative passes and every mutant is caught"),
        "{good}"
    );

    // A mutant the tests cannot catch (it is right after all), and an "alternative" that is wrong.
    fixture.write(
        "solutions/01-adder/variants.toml",
        &format!(
            "{}\n[[mutant]]\nname = \"checked-add\"\nmisconception = \"none\"\n[[mutant.edit]]\nfind = \"    a + b\"\nreplace = \"    a.checked_add(b).unwrap()\"\n\n[[alternative]]\nname = \"times\"\nidea = \"wrong\"\n[[alternative.edit]]\nfind = \"    a + b\"\nreplace = \"    a * b\"\n",
            fixture.read("solutions/01-adder/variants.toml")
        ),
    );
    let bad = stdout(&fixture.xtask(&["variants", "adder"]).assert().code(1));
    let adder = bad
        .lines()
        .find(|l| l.starts_with("adder "))
        .unwrap_or_default();
    assert_eq!(
        adder.split_whitespace().collect::<Vec<_>>(),
        ["adder", "2/3", "3/4"],
        "{bad}"
    );
    assert!(bad.contains("the mutant `checked-add` survives"), "{bad}");
    assert!(
        bad.contains("the alternative `times` is a right answer (wrong), but the tests reject it (failed) in `adds_small_numbers`"),
        "{bad}"
    );
}

#[test]
fn a_flood_of_output_makes_small_reports() {
    let fixture = Fixture::new("flood");
    // Prints 20 MB inside a failing test, then panics with a 1 MB message.
    fixture.write(
        "exercises/02-greeter/src/lib.rs",
        "pub fn greet(_name: &str) -> String {\n    for _ in 0..20_000 {\n        println!(\"{}\", \"x\".repeat(1000));\n    }\n    panic!(\"{}\", \"y\".repeat(1_000_000))\n}\n",
    );
    let printed = fixture
        .xtask(&[
            "verify",
            "greeter",
            "--json",
            "report.json",
            "--junit",
            "report.xml",
        ])
        .assert()
        .code(1);
    assert!(
        printed.get_output().stdout.len() < 64 * 1024,
        "the terminal is spared"
    );
    for report in ["report.json", "report.xml"] {
        let size = std::fs::metadata(fixture.path(report)).unwrap().len();
        assert!(size < 128 * 1024, "{report} has {size} bytes");
    }
    assert!(fixture.read("report.json").contains("more bytes left out"));
}

#[test]
fn new_adds_an_exercise_in_chapter_order_and_the_workbook_stays_sound() {
    let fixture = Fixture::new("new");
    let added = stdout(
        &fixture
            .xtask(&["new", "multiplier", "--chapter", "adding.md"])
            .assert()
            .success(),
    );
    assert!(
        added.contains("moved exercises/02-greeter to exercises/03-greeter"),
        "{added}"
    );
    assert!(added.contains("Exercise 2, `multiplier`"), "{added}");
    // The greeter moved up: its folders, its number, its solution's test paths, its Classroom step.
    assert!(fixture
        .read("solutions/03-greeter/Cargo.toml")
        .contains("path = \"../../exercises/03-greeter/tests/greeter.rs\""));
    assert!(fixture
        .read("solutions/03-greeter/src/lib.rs")
        .starts_with("//! # Exercise 3 — Greet someone by name: reference solution"));
    assert!(fixture
        .read(".github/classroom/classroom.yml")
        .contains("command: cd grader && cargo xtask verify multiplier --strict"));
    let manifest = fixture.read("exercises/manifest.toml");
    assert!(
        manifest.find("name = \"multiplier\"") < manifest.find("name = \"greeter\""),
        "{manifest}"
    );

    let checked = stdout(&fixture.xtask(&["check"]).assert().success());
    assert!(checked.contains("check: all good."), "{checked}");

    let refused = fixture
        .xtask(&["new", "Multiplier", "--chapter", "adding.md"])
        .assert()
        .code(2);
    let error = stderr(&refused);
    assert!(
        error.contains("lowercase words joined by hyphens"),
        "{error}"
    );
    let refused = fixture
        .xtask(&["new", "divider", "--chapter", "dividing.md"])
        .assert()
        .code(2);
    let error = stderr(&refused);
    assert!(error.contains("lists no chapter `dividing.md`"), "{error}");
}

#[test]
fn check_fails_on_a_stale_generated_file() {
    let fixture = Fixture::new("stale-generated");
    fixture.write(
        "solutions/02-greeter/src/lib.rs",
        &fixture
            .read("solutions/02-greeter/src/lib.rs")
            .replacen("Exercise 2", "Exercise 7", 1),
    );
    let checked = stdout(&fixture.xtask(&["check"]).assert().code(1));
    assert!(
        checked.contains("solutions/02-greeter/src/lib.rs does not say what exercises/manifest.toml says: run `cargo xtask generate`"),
        "{checked}"
    );
    fixture.xtask(&["generate"]).assert().success();
    assert!(fixture
        .read("solutions/02-greeter/src/lib.rs")
        .starts_with("//! # Exercise 2 —"));
}
