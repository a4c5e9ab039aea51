//! A student who wants the points without the work: every route to a forged pass that we know
//! of, each ending in a failed grade under `--strict` (see "What `--strict` guarantees" in
//! `xtask/README.md`). The fixture's adder has two tests; its starter fails both.

use serde_json::Value;

use crate::fixture::{stdout, Fixture};

/// The graded adder's verdict and points in `report.json`, after `verify adder --strict`
/// failed with exit code 1; and what it printed.
fn strict_verdict(fixture: &Fixture) -> (String, u64, String) {
    let assert = fixture
        .xtask(&["verify", "adder", "--strict", "--json", "report.json"])
        .assert()
        .code(1);
    let report: Value = serde_json::from_str(&fixture.read("report.json")).unwrap();
    let adder = &report["exercises"][0];
    (
        adder["verdict"].as_str().unwrap().to_owned(),
        adder["points"].as_u64().unwrap(),
        stdout(&assert),
    )
}

/// Writes the adder's `src/lib.rs`.
fn write_adder(fixture: &Fixture, source: &str) {
    fixture.write("exercises/01-adder/src/lib.rs", source);
}

#[test]
fn printed_result_lines_do_not_pass_a_failing_test() {
    let fixture = Fixture::new("forge-printed-lines");
    // Straight to the real standard output, past libtest's capture, then the `todo!()`.
    write_adder(
        &fixture,
        r#"use std::io::Write;
pub fn add(a: i32, b: i32) -> i32 {
    let _ = std::io::stdout().write_all(b"\ntest adds_small_numbers ... ok\ntest adds_negative_numbers ... ok\n");
    todo!("add {a} and {b}")
}
"#,
    );
    let (verdict, points, printed) = strict_verdict(&fixture);
    assert_eq!(points, 0, "{printed}");
    assert_eq!(verdict, "tampered", "{printed}");
    assert!(
        printed.contains("standard output says `adds_small_numbers ... ok`"),
        "{printed}"
    );
}

#[test]
fn a_printed_summary_and_an_early_exit_do_not_pass() {
    let fixture = Fixture::new("forge-exit");
    write_adder(
        &fixture,
        r#"use std::io::Write;
pub fn add(_a: i32, _b: i32) -> i32 {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\ntest adds_small_numbers ... ok\ntest adds_negative_numbers ... ok\n\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n");
    let _ = out.flush();
    std::process::exit(0)
}
"#,
    );
    // Caught by the contradictions alone, without `--strict`'s look at the code...
    let lenient = stdout(&fixture.xtask(&["verify", "adder"]).assert().code(1));
    assert!(lenient.contains("tampered"), "{lenient}");
    assert!(
        lenient.contains("exited with success while 2 of its 2 tests had not passed"),
        "{lenient}"
    );
    // ...and by both with it.
    let (verdict, points, printed) = strict_verdict(&fixture);
    assert_eq!((verdict.as_str(), points), ("tampered", 0), "{printed}");
    assert!(printed.contains("the module `process`"), "{printed}");
}

#[test]
fn replacing_the_test_target_in_the_manifest_is_a_changed_file() {
    let fixture = Fixture::new("forge-manifest");
    let manifest = fixture.read("exercises/01-adder/Cargo.toml");
    fixture.write(
        "exercises/01-adder/Cargo.toml",
        &format!(
            "{}\n[[test]]\nname = \"adder\"\npath = \"src/grading.rs\"\n",
            manifest.replace("[package]", "[package]\nautotests = false")
        ),
    );
    fixture.write(
        "exercises/01-adder/src/grading.rs",
        "#[test]\nfn adds_small_numbers() {}\n#[test]\nfn adds_negative_numbers() {}\n",
    );
    let (verdict, points, printed) = strict_verdict(&fixture);
    assert_eq!(
        (verdict.as_str(), points),
        ("tests_changed", 0),
        "{printed}"
    );
    assert!(
        printed.contains("exercises/01-adder/Cargo.toml was edited"),
        "{printed}"
    );
}

#[test]
fn depending_on_the_solution_is_a_changed_file() {
    let fixture = Fixture::new("forge-dependency");
    let manifest = fixture.read("exercises/01-adder/Cargo.toml");
    fixture.write(
        "exercises/01-adder/Cargo.toml",
        &format!(
            "{manifest}\n[dependencies]\nsolved = {{ package = \"adder-solution\", path = \"../../solutions/01-adder\" }}\n"
        ),
    );
    write_adder(&fixture, "pub use solved::*;\n");
    let (verdict, points, printed) = strict_verdict(&fixture);
    assert_eq!(
        (verdict.as_str(), points),
        ("tests_changed", 0),
        "{printed}"
    );
}

#[test]
fn a_build_script_that_rewrites_the_tests_is_caught_before_and_during_the_build() {
    let fixture = Fixture::new("forge-build-script");
    // Empties both tests before they are compiled, and puts nothing back.
    fixture.write(
        "exercises/01-adder/build.rs",
        r##"fn main() {
    std::fs::write("tests/adder.rs", "#[test]\nfn adds_small_numbers() {}\n#[test]\nfn adds_negative_numbers() {}\n").unwrap();
}
"##,
    );
    let lenient = stdout(&fixture.xtask(&["verify", "adder"]).assert().code(1));
    assert!(lenient.contains("tampered"), "{lenient}");
    assert!(
        lenient.contains("changed while it was being built or tested"),
        "{lenient}"
    );
    let (verdict, points, printed) = strict_verdict(&fixture);
    assert_eq!(points, 0, "{printed}");
    assert!(
        printed.contains("exercises/01-adder/build.rs was added"),
        "{printed}"
    );
    // `git checkout` cannot remove an added file: the advice says to remove it.
    assert!(
        printed.contains("Remove what was added: `rm exercises/01-adder/build.rs`"),
        "{printed}"
    );
    assert!(
        ["tampered", "tests_changed"].contains(&verdict.as_str()),
        "{printed}"
    );
}

#[test]
fn rewriting_a_snapshot_at_run_time_is_caught() {
    let fixture = Fixture::new("forge-snapshot");
    let path = fixture.path("exercises/02-greeter/tests/snapshots/greeter__greetings.snap");
    let snapshot = fixture.read("exercises/02-greeter/tests/snapshots/greeter__greetings.snap");
    let forged = snapshot.replace("Hello, Ada!", "Hi Ada!");
    // The learner's greeting is wrong; their code makes the snapshot agree before insta reads it.
    fixture.write(
        "exercises/02-greeter/src/lib.rs",
        &format!(
            "pub fn greet(name: &str) -> String {{\n    let _ = std::fs::write({path:?}, {forged:?});\n    format!(\"Hi {{name}}!\")\n}}\n"
        ),
    );
    let lenient = stdout(&fixture.xtask(&["verify", "greeter"]).assert().code(1));
    assert!(
        lenient.contains("changed while it was being built or tested"),
        "{lenient}"
    );
    let strict = stdout(
        &fixture
            .xtask(&["verify", "greeter", "--strict"])
            .assert()
            .code(1),
    );
    assert!(strict.contains("the module `fs`"), "{strict}");
}

#[test]
fn including_the_reference_solution_is_a_way_out_of_the_grader() {
    let fixture = Fixture::new("forge-include");
    write_adder(
        &fixture,
        "#[path = \"../../../solutions/01-adder/src/lib.rs\"]\nmod reference;\npub use reference::add;\n",
    );
    // It passes the tests, and a learner sees why it would not count...
    let lenient = stdout(&fixture.xtask(&["verify", "adder"]).assert().success());
    assert!(lenient.contains("the attribute `#[path]`"), "{lenient}");
    // ...and a teacher's grade does not count it.
    let (verdict, points, printed) = strict_verdict(&fixture);
    assert_eq!((verdict.as_str(), points), ("tampered", 0), "{printed}");
}

#[test]
fn take_work_grades_the_learners_code_with_the_templates_tests_and_grader() {
    let template = Fixture::new("take-work-template");
    let learner = Fixture::new("take-work-learner");
    learner.solve("01-adder");
    learner.write("exercises/01-adder/src/helper.rs", "pub fn unused() {}\n");
    // Everything a forger would change in their own repository: a test, the seal, the grader.
    learner.write(
        "exercises/02-greeter/tests/greeter.rs",
        "#[test]\nfn greets_by_name() {}\n",
    );
    learner.write("exercises/tests.lock", "version 2\n");
    learner.write("xtask-was-here.txt", "a changed grader\n");
    // A link to a folder of the grading machine is not followed, and stops nothing.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc", learner.path("exercises/02-greeter/src/machine"))
        .expect("a link can be made");

    let taken = stdout(
        &template
            .xtask(&["take-work", learner.root.to_str().unwrap()])
            .assert()
            .success(),
    );
    assert!(
        taken.contains("took exercises/01-adder/src/lib.rs"),
        "{taken}"
    );
    assert!(
        taken.contains("took exercises/01-adder/src/helper.rs"),
        "{taken}"
    );
    assert_eq!(
        template.read("exercises/01-adder/src/lib.rs"),
        learner.read("exercises/01-adder/src/lib.rs")
    );
    assert_ne!(
        template.read("exercises/02-greeter/tests/greeter.rs"),
        learner.read("exercises/02-greeter/tests/greeter.rs"),
        "the template's tests stay"
    );
    assert!(!template.path("xtask-was-here.txt").exists());
    #[cfg(unix)]
    {
        assert!(taken.contains("not taken:"), "{taken}");
        assert!(!template.path("exercises/02-greeter/src/machine").exists());
    }

    let graded = stdout(&template.xtask(&["verify", "--strict"]).assert().code(1));
    assert!(
        graded.contains("adder     adding.md    2/2    5/5     passed"),
        "{graded}"
    );
    assert!(
        graded.contains("greeter   greeting.md  0/2    0/10    failed"),
        "{graded}"
    );
}

#[test]
fn a_test_harness_of_the_learners_own_never_runs() {
    let fixture = Fixture::new("forge-bin-harness");
    let marker = fixture.path("the-harness-ran");
    // Cargo finds src/bin/*.rs on its own, and builds its tests into a harness.
    fixture.write(
        "exercises/01-adder/src/bin/sneaky.rs",
        &format!(
            "fn main() {{}}\n#[test]\nfn runs_first() {{\n    std::fs::write({marker:?}, \"\").unwrap();\n}}\n"
        ),
    );
    fixture.xtask(&["verify", "adder"]).assert().code(1);
    assert!(!marker.exists(), "only the exercise's test targets run");
}

#[test]
fn forged_results_and_then_a_crash_are_tampering() {
    let fixture = Fixture::new("forge-logfile");
    // Reads the result file's name from its arguments, writes every test as passed, and dies.
    // (Appending: both tests run it at once, and a second truncation could empty the file.)
    write_adder(
        &fixture,
        r#"use std::io::Write;
pub fn add(_a: i32, _b: i32) -> i32 {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--logfile") {
        let mut file = std::fs::OpenOptions::new().append(true).open(&args[at + 1]).unwrap();
        let _ = file.write_all(b"ok adds_small_numbers\nok adds_negative_numbers\n");
    }
    std::process::abort()
}
"#,
    );
    let printed = stdout(&fixture.xtask(&["verify", "adder"]).assert().code(1));
    assert!(printed.contains("tampered"), "{printed}");
    assert!(
        printed.contains("libtest recorded every test as passed, yet the test process failed"),
        "{printed}"
    );
}
