//! `cargo xtask check [--timeout <seconds>]`: the maintainers' and CI's command.
//!
//! `verify` trusts that the workbook is sound; `check` is what makes it so. It checks, in order:
//!
//! 1. the manifest and the workspace agree ([`crate::manifest::drift`]), and each entry has its
//!    chapter and hints ([`crate::manifest::incomplete_entries`]);
//! 2. every reference solution passes all of its tests;
//! 3. every test FAILS on its starter. A test that passes on the `todo!()` starter passes
//!    whatever the learner writes, so it cannot tell a right answer from a wrong one;
//! 4. the solutions are clean: `cargo clippy -- -D warnings -D clippy::todo` and `cargo fmt
//!    --check`, one cargo call each for all of them. Learners compare their code with these;
//! 5. the tests grade both ways: each solution's variants ([`crate::variants`]), at least
//!    two other right answers that must pass and three wrong ones that must fail;
//! 6. what follows from the manifest is what [`crate::generate`] writes (solution manifests,
//!    exercise numbers, the Classroom workflow), and the seal (`exercises/tests.lock`,
//!    [`crate::seal`]) matches the files it seals;
//! 7. the book builds, in English and in every translation, with no broken include or link;
//! 8. the translations are in step with the English book: the template `book/po/messages.pot`
//!    is what a fresh extraction gives (else `cargo xtask pot` was not run after the English
//!    changed), and, once [`KOREAN_EDITION_COMPLETE`] says so, `book/po/ko.po` has no
//!    untranslated or fuzzy message. Each translation's counts are printed either way;
//! 9. the book's "On real AWS" sections pass AWS's own tools ([`crate::real_aws`]): its SAM
//!    templates are files that cfn-lint passes, and the AWS CLI accepts every `aws` command.
//!
//! Solutions and starters are graded by the same code as `verify` ([`crate::grade`]), in one
//! cargo build. Every problem is listed, not just the first, so one CI run shows all the work.

use std::path::Path;
use std::time::Duration;

use crate::book;
use crate::cargo_build::cargo;
use crate::generate;
use crate::grade::{self, Crate};
use crate::language::Language;
use crate::manifest::{self, Exercise, Manifest};
use crate::pictures;
use crate::real_aws;
use crate::report::{Outcome, TestStatus, Verdict};
use crate::seal;
use crate::variants;

/// **The switch for the Korean edition.** `true`: `check` (and so CI) fails on any message of
/// `book/po/ko.po` left untranslated or fuzzy, so the edition stays complete as the English book
/// changes. Set to `false`, `check` only prints how complete the catalog is and warns: for the
/// time a new language, or a large rewrite, is being translated. That the template is current
/// is checked either way.
pub const KOREAN_EDITION_COMPLETE: bool = true;

/// Runs the command and returns the process exit code: 0 all good, 1 problems (listed).
pub fn run(root: &Path, timeout: Duration) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let crates = manifest::crates_on_disk(root)?;
    let book_src = root.join("book").join("src");
    let mut problems =
        manifest::incomplete_entries(&manifest, |chapter| book_src.join(chapter).is_file());
    // The tests are only run when the manifest matches the crates: cargo refuses a `--package`
    // that does not exist, and verdicts could be given to the wrong exercise.
    let drift = manifest::drift(&manifest, &crates);
    let manifest_is_sound = drift.is_empty();
    problems.extend(drift);
    let mut tests = 0;
    if manifest_is_sound {
        let exercises = &manifest.exercises;
        let solutions = exercises.iter().map(|e| Crate {
            package: e.solution_package(),
            dir: &e.solution,
        });
        let starters = exercises.iter().map(|e| Crate {
            package: e.package.clone(),
            dir: &e.dir,
        });
        let to_grade: Vec<Crate> = solutions.chain(starters).collect();
        let outcomes = grade::grade(root, &to_grade, timeout)?;
        let (solutions, starters) = outcomes.split_at(exercises.len());
        for ((exercise, solution), starter) in exercises.iter().zip(solutions).zip(starters) {
            problems.extend(judge(exercise, solution, starter));
        }
        tests = solutions.iter().map(|o| o.tests.len()).sum();
        problems.extend(lint_solutions(root, exercises)?);
        let all: Vec<&Exercise> = exercises.iter().collect();
        let (tallies, variant_problems) = variants::run(root, &all, timeout)?;
        println!("\n{}", variants::table(&all, &tallies));
        problems.extend(variant_problems);
        problems.extend(variants::too_few(&all, &tallies));
    }
    for path in generate::stale(root, &manifest)? {
        problems.push(format!(
            "{path} does not say what exercises/manifest.toml says: run `cargo xtask generate`"
        ));
    }
    problems.extend(seal::out_of_date(root, &manifest)?);
    problems.extend(pictures::out_of_date(root)?);

    let built = book::build_all(root)?;
    if !built {
        problems.push("the book does not build; its problems are printed above".to_owned());
    }
    println!();
    if !book::translations(root, KOREAN_EDITION_COMPLETE)? {
        problems
            .push("the translations are not in step with the English book; see above".to_owned());
    }
    println!();
    let built_book = book::build_dir(root);
    problems.extend(real_aws::problems(
        root,
        built.then_some(built_book.as_path()),
    )?);
    if !KOREAN_EDITION_COMPLETE {
        println!(
            "warning: the Korean edition may still have untranslated or fuzzy messages (counted \
             above); KOREAN_EDITION_COMPLETE in xtask/src/check.rs makes that an error once the \
             translation is done"
        );
    }

    println!();
    if problems.is_empty() {
        println!(
            "check: all good. The solutions of {} exercise(s) pass all {tests} tests and are \
             clean, every test fails on its starter, every alternative passes and every mutant \
             is caught, the seal is up to date, the book builds in every language, its \
             translation template is current, and its templates and aws commands pass AWS's \
             tools.",
            manifest.exercises.len()
        );
        return Ok(0);
    }
    println!("check: {} problem(s):", problems.len());
    for problem in &problems {
        let mut lines = problem.lines();
        println!("  - {}", lines.next().unwrap_or_default());
        for line in lines {
            match line {
                "" => println!(),
                line => println!("    {line}"),
            }
        }
    }
    if !manifest_is_sound {
        println!("The tests were not run: the manifest and the crates must agree first.");
    }
    Ok(1)
}

/// Runs clippy (no warnings, no `todo!()`) and then rustfmt on every solution, one cargo call
/// each. What they find is printed by cargo; each tool that finds something is one problem.
fn lint_solutions(root: &Path, exercises: &[Exercise]) -> Result<Vec<String>, String> {
    let packages: Vec<String> = exercises.iter().map(Exercise::solution_package).collect();
    if packages.is_empty() {
        return Ok(Vec::new()); // without `--package`, cargo would lint the whole workspace
    }
    let selected: Vec<&str> = packages
        .iter()
        .flat_map(|package| ["--package", package.as_str()])
        .collect();
    let succeeds = |tool: &str, options: &[&str]| {
        cargo(root)
            .arg(tool)
            .args(&selected)
            .args(options)
            .status()
            .map(|status| status.success())
            .map_err(|e| format!("cannot run `cargo {tool}`: {e}"))
    };
    let mut problems = Vec::new();
    let deny = [
        "--all-targets",
        "--",
        "-D",
        "warnings",
        "-D",
        "clippy::todo",
    ];
    if !succeeds("clippy", &deny)? {
        problems.push(
            "clippy finds problems in the solutions (printed above); learners compare their \
             code with these, so fix them"
                .to_owned(),
        );
    }
    if !succeeds("fmt", &["--check"])? {
        problems.push(
            "the solutions are not formatted as rustfmt would (the diff is above): run `cargo fmt`"
                .to_owned(),
        );
    }
    Ok(problems)
}

/// The problems of one exercise, given how its solution and its starter fared.
fn judge(exercise: &Exercise, solution: &Outcome, starter: &Outcome) -> Vec<String> {
    let name = &exercise.name;
    let mut problems = Vec::new();

    match solution.verdict {
        Verdict::Passed | Verdict::Failed if solution.tests.is_empty() => {
            problems.push(format!(
                "`{name}` has no tests; a test suite is the exercise"
            ));
        }
        Verdict::Passed => {}
        // (`check` grades without `--strict`, so `TestsChanged` does not happen here.)
        Verdict::DoesNotCompile | Verdict::TimedOut | Verdict::TestsChanged | Verdict::Tampered => {
            problems.push(format!(
                "`{name}`: the solution {}:\n{}",
                solution.verdict.label(Language::English),
                solution.message.as_deref().unwrap_or_default()
            ))
        }
        Verdict::Failed => {
            for test in solution
                .tests
                .iter()
                .filter(|t| t.status != TestStatus::Pass)
            {
                problems.push(format!(
                    "`{name}`: the solution fails `{}`:\n{}",
                    test.name,
                    test.message.as_deref().unwrap_or_default()
                ));
            }
        }
    }

    match starter.verdict {
        Verdict::DoesNotCompile => problems.push(format!(
            "`{name}`: the starter does not compile; a starter must compile, with `todo!()` \
             where the learner's code goes, so their first verify shows failing tests:\n{}",
            starter.message.as_deref().unwrap_or_default()
        )),
        Verdict::TimedOut => problems.push(format!(
            "`{name}`: the starter's tests timed out; with `todo!()` bodies they should fail \
             at once"
        )),
        Verdict::Passed | Verdict::Failed | Verdict::TestsChanged | Verdict::Tampered => {}
    }
    for test in starter
        .tests
        .iter()
        .filter(|t| t.status == TestStatus::Pass)
    {
        problems.push(format!(
            "`{name}`: `{}` passes on the starter, so it passes whatever the learner writes; \
             make it check something the learner has to write",
            test.name
        ));
    }

    for test in &starter.tests {
        if !solution.tests.iter().any(|t| t.name == test.name) {
            problems.push(format!(
                "`{name}`: `{}` runs on the starter but not on the solution; point the \
                 solution's [[test]] targets at the starter's tests/*.rs files",
                test.name
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::TestResult;

    fn exercise() -> Exercise {
        Exercise::named("hello-api")
    }

    fn outcome(verdict: Verdict, tests: &[(&str, TestStatus)]) -> Outcome {
        Outcome {
            verdict,
            message: None,
            tests: tests
                .iter()
                .map(|&(name, status)| TestResult {
                    name: name.to_owned(),
                    status,
                    message: Some("why".to_owned()).filter(|_| status != TestStatus::Pass),
                    output: None,
                })
                .collect(),
        }
    }

    #[test]
    fn a_sound_exercise_has_no_problems() {
        let solution = outcome(
            Verdict::Passed,
            &[("a", TestStatus::Pass), ("b", TestStatus::Pass)],
        );
        let starter = outcome(
            Verdict::Failed,
            &[("a", TestStatus::Fail), ("b", TestStatus::Error)],
        );
        assert_eq!(
            judge(&exercise(), &solution, &starter),
            Vec::<String>::new()
        );
    }

    #[test]
    fn names_a_test_that_passes_on_the_starter() {
        let solution = outcome(
            Verdict::Passed,
            &[("a", TestStatus::Pass), ("b", TestStatus::Pass)],
        );
        let starter = outcome(
            Verdict::Failed,
            &[("a", TestStatus::Fail), ("b", TestStatus::Pass)],
        );
        let problems = judge(&exercise(), &solution, &starter);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("`hello-api`: `b` passes on the starter"));
    }

    #[test]
    fn names_each_test_the_solution_fails() {
        let solution = outcome(
            Verdict::Failed,
            &[("a", TestStatus::Fail), ("b", TestStatus::Pass)],
        );
        let starter = outcome(
            Verdict::Failed,
            &[("a", TestStatus::Fail), ("b", TestStatus::Fail)],
        );
        assert_eq!(
            judge(&exercise(), &solution, &starter),
            ["`hello-api`: the solution fails `a`:\nwhy"]
        );
    }

    #[test]
    fn starter_tests_must_all_run_on_the_solution() {
        let solution = outcome(Verdict::Passed, &[("a", TestStatus::Pass)]);
        let starter = outcome(
            Verdict::Failed,
            &[("a", TestStatus::Fail), ("b", TestStatus::Fail)],
        );
        let problems = judge(&exercise(), &solution, &starter);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("`hello-api`: `b` runs on the starter but not"));
    }

    #[test]
    fn an_exercise_needs_tests_and_a_compiling_starter() {
        let solution = outcome(Verdict::Passed, &[]);
        let starter = Outcome::does_not_compile("error: oops".to_owned());
        let problems = judge(&exercise(), &solution, &starter);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("has no tests"));
        assert!(problems[1].contains("the starter does not compile"));
        assert!(problems[1].ends_with("error: oops"));
    }
}
