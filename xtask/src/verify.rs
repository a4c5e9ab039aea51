//! `cargo xtask verify [<exercise>] [--json <file>] [--junit <file>] [--strict]`: the learner's
//! command, and the teacher's grader.
//!
//! Grades the starters, the crates the learner edits, and answers three questions: what passes,
//! what the first problem is, and what to do next (with the chapter to read). The exit code lets
//! scripts and teachers' CI tell the cases apart (see [`crate::report::Verdict::exit_code`]).
//!
//! [`check_exercises`] is the part `watch` and `solution` share: compare the tests with their
//! seal, grade, show the verdicts, and record them in the progress file.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::book;
use crate::cli::VerifyOptions;
use crate::grade::{self, Crate};
use crate::junit;
use crate::language::Language;
use crate::manifest::{Exercise, Manifest};
use crate::progress;
use crate::report::{self, Graded};
use crate::seal::{Change, Seal, PATH as SEAL_PATH};

/// Runs the command and returns the process exit code.
pub fn run(root: &Path, options: &VerifyOptions) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let exercises = match &options.exercise {
        Some(name) => vec![manifest.find(name)?],
        None => manifest.exercises.iter().collect(),
    };
    let language = Language::or_from_environment(options.language);
    let graded = check_exercises(
        root,
        &manifest,
        exercises,
        options.strict,
        options.timeout,
        language,
    )?;
    if let Some(path) = &options.json {
        write_report(path, "JSON", &report::json(&graded))?;
    }
    if let Some(path) = &options.junit {
        write_report(path, "JUnit", &junit::junit(&graded))?;
    }
    Ok(report::exit_code(&graded))
}

/// Writes a report. A relative path is relative to where the learner typed the command: xtask
/// runs cargo and the tests in other folders, but never changes its own working directory.
fn write_report(path: &Path, format: &str, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| {
        format!(
            "cannot write the {format} report to {}: {e}",
            path.display()
        )
    })
}

/// Grades `exercises` (in manifest order) and prints the verdicts: warnings for tests that
/// differ from their seal, the table, each first problem, and the next step, the last three in
/// `language`. With `strict`, an exercise whose tests differ fails. The verdicts are recorded
/// in the progress file.
pub fn check_exercises<'m>(
    root: &Path,
    manifest: &'m Manifest,
    exercises: Vec<&'m Exercise>,
    strict: bool,
    timeout: Duration,
    language: Language,
) -> Result<Vec<Graded<'m>>, String> {
    let changes = seal_changes(root, &exercises, strict)?;
    let crates: Vec<Crate> = exercises
        .iter()
        .map(|e| Crate {
            package: e.package.clone(),
            dir: &e.dir,
        })
        .collect();
    let outcomes = grade::grade(root, &crates, timeout)?;
    let mut graded: Vec<Graded> = exercises
        .into_iter()
        .zip(outcomes)
        .map(|(exercise, outcome)| Graded { exercise, outcome })
        .collect();

    println!();
    for (g, changes) in graded.iter_mut().zip(&changes) {
        for change in changes {
            println!(
                "warning: {}: {} since the tests were sealed in {SEAL_PATH}",
                g.exercise.name,
                change.describe()
            );
        }
        if strict && !changes.is_empty() {
            let list: Vec<String> = changes.iter().map(Change::describe).collect();
            g.outcome.mark_tests_changed(format!(
                "the tests differ from {SEAL_PATH}, so this grade does not count:\n{}\n\
                 Restore them with `git checkout -- {}/tests`.",
                list.join("\n"),
                g.exercise.dir
            ));
        }
    }
    if changes.iter().any(|c| !c.is_empty()) && !strict {
        println!(
            "The tests are the exercise's specification: restore them with \
             `git checkout -- <file>` (a teacher's grading fails changed tests).\n"
        );
    }
    print!("{}", report::table(&graded, language));
    print!("{}", report::details(&graded, language));

    let mut progress = progress::load_or_warn(root);
    progress.record(&graded);
    if let Err(error) = progress.save(root) {
        eprintln!("warning: {error}");
    }
    let first = graded
        .first()
        .and_then(|g| manifest.exercises.iter().position(|e| e == g.exercise))
        .unwrap_or(0);
    let next = progress.next_from(manifest, first);
    let link = |next: &Exercise| book::chapter_link(root, &next.chapter, language);
    match (next, language) {
        (Some(next), Language::English) => println!("\nNext: {} — read {}", next.name, link(next)),
        (Some(next), Language::Korean) => {
            println!("\n다음 연습 문제: {} — 읽을 장: {}", next.name, link(next))
        }
        (None, Language::English) => println!("\nEvery exercise passes. Well done!"),
        (None, Language::Korean) => println!("\n모든 연습 문제를 통과했습니다. 잘하셨습니다!"),
    }
    Ok(graded)
}

/// How each exercise's tests differ from the seal, in `exercises` order. Without a seal there is
/// nothing to compare: a warning, or, for `--strict`, an error, since the grade would claim a
/// check it cannot make.
fn seal_changes(
    root: &Path,
    exercises: &[&Exercise],
    strict: bool,
) -> Result<Vec<Vec<Change>>, String> {
    let Some(sealed) = Seal::load(root)? else {
        if strict {
            return Err(format!(
                "{SEAL_PATH} is missing, so `--strict` cannot tell whether the tests were \
                 changed; a teacher creates it with `cargo xtask seal`"
            ));
        }
        eprintln!("warning: {SEAL_PATH} is missing; the tests cannot be checked for changes");
        return Ok(vec![Vec::new(); exercises.len()]);
    };
    let actual = Seal::compute(root, exercises.iter().copied())?;
    Ok(exercises
        .iter()
        .map(|exercise| sealed.changes(&actual, exercise))
        .collect())
}
