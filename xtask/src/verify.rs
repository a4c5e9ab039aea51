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
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::audit;
use crate::book;
use crate::cli::VerifyOptions;
use crate::grade::{self, Crate};
use crate::junit;
use crate::language::Language;
use crate::manifest::{Exercise, Manifest};
use crate::process;
use crate::progress;
use crate::report::{self, Graded, Outcome, Verdict};
use crate::seal::{self, Change, Seal, PATH as SEAL_PATH};

/// Runs the command and returns the process exit code.
pub fn run(root: &Path, options: &VerifyOptions) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    if manifest.exercises.is_empty() {
        return Err(format!(
            "{} lists no exercise, so there is nothing to verify; restore it with \
             `git checkout -- exercises/manifest.toml`",
            crate::manifest::PATH
        ));
    }
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

/// Grades `exercises` (in manifest order) and prints the verdicts: warnings for files that
/// differ from their seal and for the ways out of the grader in the learner's code, the table,
/// each first problem, and the next step, the last three in `language`. With `strict`, an
/// exercise whose sealed files differ fails, and so does one whose code uses a way out of the
/// grader ([`crate::audit`]). A sealed file that changes while the exercises are built or run
/// makes the exercises it belongs to `tampered`, strict or not. The verdicts are recorded in the
/// progress file.
pub fn check_exercises<'m>(
    root: &Path,
    manifest: &'m Manifest,
    exercises: Vec<&'m Exercise>,
    strict: bool,
    timeout: Duration,
    language: Language,
) -> Result<Vec<Graded<'m>>, String> {
    let sealed = load_seal(root, strict)?;
    let before = Seal::compute(root, exercises.iter().copied())?;
    // An exercise whose folder is gone cannot be built, and cargo would refuse the whole build
    // for its unknown package: it is reported on its own, and the others are graded.
    // Looked at once: the outcomes below are matched to the exercises by it.
    let present: Vec<bool> = exercises
        .iter()
        .map(|e| root.join(&e.dir).join("Cargo.toml").is_file())
        .collect();
    let crates: Vec<Crate> = exercises
        .iter()
        .zip(&present)
        .filter(|(_, present)| **present)
        .map(|(e, _)| Crate {
            package: e.package.clone(),
            dir: &e.dir,
        })
        .collect();
    let built = grade::build(root, &crates)?;
    let after_build = Seal::compute(root, exercises.iter().copied())?;
    // insta reads the snapshots from a copy made now, from the files just hashed: code that
    // rewrites a snapshot while it runs (and puts it back after) changes nothing insta sees.
    let snapshots = SnapshotCopy::of(root, &exercises)?;
    let mut outcomes = built
        .run(root, &crates, timeout, &snapshots.root)?
        .into_iter();
    let after_run = Seal::compute(root, exercises.iter().copied())?;
    let mut changed_while_graded = before.changed_since(&after_build);
    changed_while_graded.extend(before.changed_since(&after_run));
    changed_while_graded.sort();
    changed_while_graded.dedup();

    let mut graded: Vec<Graded> = exercises
        .into_iter()
        .zip(present)
        .map(|(exercise, present)| {
            let outcome = match present {
                true => outcomes.next(),
                false => None,
            };
            let outcome = outcome.unwrap_or_else(|| {
                Outcome::does_not_compile(format!(
                    "its folder {dir}/ is missing, or has no Cargo.toml: \
                     `git checkout -- {dir}` brings it back",
                    dir = exercise.dir
                ))
            });
            Graded { exercise, outcome }
        })
        .collect();

    println!();
    let shared_changes = sealed
        .as_ref()
        .map(|seal| seal.shared_changes(&before))
        .unwrap_or_default();
    for change in &shared_changes {
        println!(
            "warning: {} since the workbook was sealed in {SEAL_PATH}",
            change.describe()
        );
    }
    let mut any_changes = !shared_changes.is_empty();
    for g in &mut graded {
        let exercise = g.exercise;
        let mut changes = sealed
            .as_ref()
            .map(|seal| seal.changes(&before, exercise))
            .unwrap_or_default();
        for change in &changes {
            println!(
                "warning: {}: {} since it was sealed in {SEAL_PATH}",
                exercise.name,
                change.describe()
            );
        }
        any_changes |= !changes.is_empty();
        changes.extend(shared_changes.iter().cloned());
        if strict && !changes.is_empty() {
            let list: Vec<String> = changes.iter().map(Change::describe).collect();
            g.outcome.mark_tests_changed(format!(
                "files that decide the grade differ from {SEAL_PATH}, so this grade does not \
                 count:\n{}\n{}",
                list.join("\n"),
                restore_advice(&changes)
            ));
        }
        let folder = format!("{}/", exercise.dir);
        let tampered: Vec<String> = changed_while_graded
            .iter()
            .filter(|c| c.path().starts_with(&folder) || seal::is_shared(c.path()))
            .map(Change::describe)
            .collect();
        if !tampered.is_empty() {
            g.outcome.mark_tampered(format!(
                "files that decide the grade changed while it was being built or tested, which \
                 only code can do:\n{}",
                tampered.join("\n")
            ));
        }
        let findings = audit_learner_files(root, sealed.as_ref(), exercise)?;
        for finding in &findings {
            println!("warning: {}: {finding}", exercise.name);
        }
        if strict && !findings.is_empty() {
            g.outcome.mark_tampered(format!(
                "the code uses ways out of the grader that no exercise needs, so a teacher \
                 must read it and grade it by hand:\n{}",
                findings.join("\n")
            ));
        }
    }
    if any_changes && !strict {
        println!(
            "The tests and the files around them are the exercise's specification: restore them \
             (see above; a teacher's grading fails changed files).\n"
        );
    }
    print!("{}", report::table(&graded, language));
    print!("{}", report::details(&graded, language));
    print!("{}", compiler_warnings(&graded, &built, language));

    let progress = progress::update(root, |progress| {
        progress.record(&graded);
        progress.clone()
    })
    .unwrap_or_else(|error| {
        eprintln!("warning: {error}");
        progress::load_or_warn(root)
    });
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

/// A private copy of the graded exercises' `tests/` folders (snapshots included), laid out as in
/// the workspace, in a folder of the system's temporary folder named afresh for each run;
/// removed when dropped.
struct SnapshotCopy {
    root: PathBuf,
}

impl SnapshotCopy {
    fn of(workspace: &Path, exercises: &[&Exercise]) -> Result<SnapshotCopy, String> {
        let copy = SnapshotCopy {
            root: process::fresh_temp_path("tests"),
        };
        for exercise in exercises {
            let tests = format!("{}/tests", exercise.dir);
            copy_folder(&workspace.join(&tests), &copy.root.join(&tests))?;
        }
        Ok(copy)
    }
}

impl Drop for SnapshotCopy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// Copies the files under `from` to `to`, folders and all; a missing `from` copies nothing.
fn copy_folder(from: &Path, to: &Path) -> Result<(), String> {
    let Ok(entries) = fs::read_dir(from) else {
        return Ok(());
    };
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_folder(&source, &target)?;
        } else {
            fs::copy(&source, &target)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// The seal, if there is one. Without one there is nothing to compare, which is a warning, or,
/// for `--strict`, an error, since the grade would claim a check it cannot make.
fn load_seal(root: &Path, strict: bool) -> Result<Option<Seal>, String> {
    let sealed = Seal::load(root)?;
    if sealed.is_none() {
        if strict {
            return Err(format!(
                "{SEAL_PATH} is missing, so `--strict` cannot tell whether the tests were \
                 changed; a teacher creates it with `cargo xtask seal`"
            ));
        }
        eprintln!("warning: {SEAL_PATH} is missing; the tests cannot be checked for changes");
    }
    Ok(sealed)
}

/// The compiler's warnings about the learner's code, for the exercise in focus: the only one
/// graded, or else the one whose first problem is shown. A test verdict says nothing of them,
/// and they often point at the bug (an unused variable, an unused `Result`).
fn compiler_warnings(graded: &[Graded], built: &grade::Built, language: Language) -> String {
    const MAX_LINES: usize = 20;
    let focus = match graded {
        [only] => Some(only),
        _ => graded.iter().find(|g| g.outcome.verdict != Verdict::Passed),
    };
    let Some(focus) = focus else {
        return String::new();
    };
    let warnings = built.warnings(&focus.exercise.package);
    let Some(first) = warnings.first() else {
        return String::new();
    };
    let name = &focus.exercise.name;
    let heading = match language {
        Language::English => format!(
            "\nThe compiler warns about {name}'s code ({} warning(s)); the first:\n",
            warnings.len()
        ),
        Language::Korean => format!(
            "\n컴파일러가 {name}의 코드에 경고를 냈습니다(경고 {}개). 첫 경고:\n",
            warnings.len()
        ),
    };
    let lines: Vec<&str> = first.lines().take(MAX_LINES).collect();
    let body: String = lines.iter().map(|line| format!("    {line}\n")).collect();
    format!("{heading}{body}")
}

/// How to undo `changes`: files that git knows come back with `git checkout`, added ones go.
fn restore_advice(changes: &[Change]) -> String {
    let is_added = |change: &&Change| matches!(change, Change::Added(_));
    let restore: Vec<&str> = changes
        .iter()
        .filter(|change| !is_added(change))
        .map(Change::path)
        .collect();
    let remove: Vec<&str> = changes.iter().filter(is_added).map(Change::path).collect();
    let mut advice = Vec::new();
    if !restore.is_empty() {
        advice.push(format!(
            "Restore with `git checkout -- {}`.",
            restore.join(" ")
        ));
    }
    if !remove.is_empty() {
        advice.push(format!("Remove what was added: `rm {}`.", remove.join(" ")));
    }
    advice.join(" ")
}

/// The ways out of the grader in the learner's files of `exercise` (all the files under its
/// `src/` that the seal does not list; without a seal, its `src/lib.rs`), each `path: line …`.
fn audit_learner_files(
    root: &Path,
    sealed: Option<&Seal>,
    exercise: &Exercise,
) -> Result<Vec<String>, String> {
    let files = match sealed {
        Some(seal) => seal.learner_files(root, exercise)?,
        None => vec![format!("{}/src/lib.rs", exercise.dir)],
    };
    let mut findings = Vec::new();
    // A module's source can be any file (`#[path = "notes.txt"]`), and a scan of `.rs` files
    // would not read it: the learner's files are Rust source.
    for file in files.iter().filter(|file| !file.ends_with(".rs")) {
        findings.push(format!(
            "{file}: a file that is not Rust source, under src/"
        ));
    }
    for file in files.iter().filter(|file| file.ends_with(".rs")) {
        // An unreadable file is the compiler's to report.
        let Ok(source) = fs::read_to_string(root.join(file)) else {
            continue;
        };
        findings.extend(audit::scan(&source).iter().map(|f| format!("{file}, {f}")));
    }
    Ok(findings)
}
