//! `cargo xtask new <name> --chapter <file>`: a new exercise, in one command.
//!
//! Exercises are numbered in the order of the chapters that teach them, so a new one goes after
//! the last exercise of its chapter (or of the chapters before it, in `book/src/SUMMARY.md`'s
//! order), and the exercises after it move up by one: their folders are renamed, and every
//! mention of the old folders in the workspace's text files (the book's includes, the solutions'
//! `#[path]`s) is rewritten. Then the new exercise is written:
//!
//! - its entry in `exercises/manifest.toml`, with 10 points and a hint to replace;
//! - a starter, `exercises/NN-<name>`: a function with `todo!()`, its doc saying what to do, and
//!   a test file with one test that fails on it;
//! - a solution, `solutions/NN-<name>`, that passes that test, and its `variants.toml` with the
//!   two alternatives and three mutants `check` asks of every exercise;
//!
//! and what follows from the manifest is generated ([`crate::generate`]: the solution's
//! `Cargo.toml`, the numbers, the Classroom step) and the seal rewritten. The workbook is sound
//! straight away (`cargo xtask check` passes), and every file the teacher now fills in is named.

use std::fs;
use std::path::Path;
use std::process::Stdio;

use crate::cargo_build::cargo;
use crate::generate;
use crate::manifest::{self, Manifest};
use crate::seal;

/// Runs the command and returns the process exit code.
pub fn run(root: &Path, name: &str, chapter: &str) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    check_name(&manifest, name)?;
    let chapters = chapter_order(root)?;
    let place = |chapter: &str| chapters.iter().position(|c| c == chapter);
    let position = place(chapter).ok_or_else(|| {
        format!(
            "book/src/SUMMARY.md lists no chapter `{chapter}`; name one of: {}",
            chapters.join(", ")
        )
    })?;
    // After every exercise of this chapter and of the chapters before it.
    let index = manifest
        .exercises
        .iter()
        .take_while(|e| place(&e.chapter).is_some_and(|p| p <= position))
        .count();
    let number = index + 1;

    // Make room: the exercises from `index` on move up by one, the last first.
    for (offset, exercise) in manifest.exercises.iter().enumerate().skip(index).rev() {
        let moved = format!("{:02}-{}", offset + 2, exercise.name);
        for (folder, old) in [
            ("exercises", &exercise.dir),
            ("solutions", &exercise.solution),
        ] {
            let new = format!("{folder}/{moved}");
            fs::rename(root.join(old), root.join(&new))
                .map_err(|e| format!("cannot move {old} to {new}: {e}"))?;
            rewrite_mentions(root, old, &new)?;
            println!("moved {old} to {new}");
        }
    }

    insert_entry(root, &manifest, index, name, chapter)?;
    let folder = format!("{number:02}-{name}");
    write_exercise(
        root,
        &folder,
        name,
        chapter,
        &inherited_settings(root, &manifest),
    )?;
    generate::run(root)?;
    // Cargo adds the two new packages to the lock file, which the seal covers: first that.
    let locked = cargo(root)
        .args(["metadata", "--format-version", "1", "--offline"])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !locked.success() {
        return Err("cargo could not read the workspace with the new exercise (above)".to_owned());
    }
    seal::run(root)?;
    println!(
        "\nExercise {number}, `{name}`, is in exercises/{folder} and solutions/{folder}. Now write:\n\
         - its instructions and starter: exercises/{folder}/src/lib.rs\n\
         - its tests: exercises/{folder}/tests/ (then `cargo xtask seal`)\n\
         - its solution: solutions/{folder}/src/lib.rs\n\
         - its other right answers and its mutants: solutions/{folder}/variants.toml\n\
         - its hints and points: exercises/manifest.toml\n\
         - its page in the book: book/src/{page}, listed under its chapter in \
         book/src/SUMMARY.md, each hint in a file of its own, book/src/hints/{name}/hint-<n>.md, \
         that the page includes in a folded box (CONTRIBUTING.md says how)\n\
         and check it all with `cargo xtask check`.",
        page = exercise_page(chapter, name),
    );
    Ok(0)
}

/// An exercise's page in the book, next to its chapter's overview page:
/// `patterns-exercise-email.md` for the exercise `email` of `patterns.md`.
fn exercise_page(chapter: &str, name: &str) -> String {
    let chapter = chapter.strip_suffix(".md").unwrap_or(chapter);
    format!("{chapter}-exercise-{name}.md")
}

/// A name must be new, and fit a package and a folder: lowercase words joined by hyphens.
fn check_name(manifest: &Manifest, name: &str) -> Result<(), String> {
    let words_ok = !name.is_empty()
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && name.as_bytes()[0].is_ascii_lowercase();
    if !words_ok {
        return Err(format!(
            "`{name}` cannot name an exercise: use lowercase words joined by hyphens, like \
             `dead-letter-queue`"
        ));
    }
    if manifest.exercises.iter().any(|e| e.name == name) {
        return Err(format!("there is already an exercise `{name}`"));
    }
    Ok(())
}

/// The `[package]` lines an exercise takes from the workspace (`edition.workspace = true`, …),
/// as the first exercise has them.
fn inherited_settings(root: &Path, manifest: &Manifest) -> String {
    let first = manifest
        .exercises
        .first()
        .and_then(|e| fs::read_to_string(root.join(&e.dir).join("Cargo.toml")).ok())
        .unwrap_or_default();
    let lines: Vec<&str> = generate::section(&first, "[package]")
        .unwrap_or_default()
        .lines()
        .filter(|line| line.ends_with(".workspace = true"))
        .collect();
    match lines.is_empty() {
        true => "edition = \"2021\"\n".to_owned(),
        false => lines.join("\n") + "\n",
    }
}

/// The chapters of `book/src/SUMMARY.md`, in order.
fn chapter_order(root: &Path) -> Result<Vec<String>, String> {
    let summary = fs::read_to_string(root.join("book/src/SUMMARY.md"))
        .map_err(|e| format!("cannot read book/src/SUMMARY.md: {e}"))?;
    Ok(summary
        .lines()
        .filter_map(|line| line.split_once("](")?.1.split_once(')'))
        .map(|(file, _)| file.to_owned())
        .collect())
}

/// Rewrites `old` (a folder, like `exercises/09-canary`) as `new` in the workspace's text files:
/// the book's includes and the solutions' `#[path]`s name the folders.
fn rewrite_mentions(root: &Path, old: &str, new: &str) -> Result<(), String> {
    const TEXT: [&str; 7] = ["rs", "md", "toml", "yml", "po", "pot", "snap"];
    const SKIPPED: [&str; 4] = ["target", ".git", ".workbook", "build"];
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = fs::read_dir(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if !SKIPPED.contains(&name.as_str()) {
                    folders.push(path);
                }
                continue;
            }
            let is_text = path
                .extension()
                .is_some_and(|e| TEXT.contains(&e.to_string_lossy().as_ref()));
            let Some(text) = is_text.then(|| fs::read_to_string(&path).ok()).flatten() else {
                continue;
            };
            if text.contains(old) {
                fs::write(&path, text.replace(old, new))
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Writes the manifest entry before the `index`th `[[exercise]]` (or at the end).
fn insert_entry(
    root: &Path,
    manifest: &Manifest,
    index: usize,
    name: &str,
    chapter: &str,
) -> Result<(), String> {
    let path = root.join(manifest::PATH);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", manifest::PATH))?;
    let entry = format!(
        "[[exercise]]\nname = \"{name}\"\nchapter = \"{chapter}\"\npoints = 10\nhints = [\n    \
         \"Replace this hint with a nudge; the last hint is nearly the answer.\",\n]\n\n"
    );
    let at = match manifest.exercises.get(index) {
        Some(_) => text
            .match_indices("[[exercise]]")
            .nth(index)
            .map(|(at, _)| at)
            .ok_or("the manifest's entries could not be found again")?,
        None => text.len(),
    };
    let separator = if at == text.len() && !text.ends_with("\n\n") {
        "\n"
    } else {
        ""
    };
    let updated = format!("{}{separator}{entry}{}", &text[..at], &text[at..]);
    fs::write(&path, updated.trim_end().to_owned() + "\n")
        .map_err(|e| format!("cannot write {}: {e}", manifest::PATH))?;
    println!("added `{name}` to {}", manifest::PATH);
    Ok(())
}

/// The starter, its test, the solution and its variants, for the example function `answer`.
/// `inherited` are the `key.workspace = true` lines of the other exercises' `[package]`.
fn write_exercise(
    root: &Path,
    folder: &str,
    name: &str,
    chapter: &str,
    inherited: &str,
) -> Result<(), String> {
    let library = name.replace('-', "_");
    let title = name.replace('-', " ");
    let starter = format!(
        "//! # Exercise 0 — {title}
//!
//! Read first: `book/src/{chapter}` (`cargo xtask book --serve`).
//!
//! Replace this with what the learner is to do, and why.
//!
//! Check your work: `cargo xtask verify {name}`.

/// The answer to the exercise.
pub fn answer() -> u32 {{
    // TODO: say what to achieve and where to look, not how.
    todo!(\"the answer\")
}}
"
    );
    let solution = format!(
        "//! # Exercise 0 — {title}: reference solution
//!
//! The exercise, with its instructions, is `exercises/{folder}/src/lib.rs`.

/// The answer to the exercise.
pub fn answer() -> u32 {{
    42
}}
"
    );
    let test = format!(
        "//! Tests for exercise 0. Replace this with what they check, and how.

use {library}::answer;

#[test]
fn answers_42() {{
    assert_eq!(answer(), 42);
}}
"
    );
    let cargo_toml = format!(
        "[package]
name = \"{name}\"
version = \"0.1.0\"
description = \"Exercise: {title}.\"
{inherited}
# Only the tests in tests/ grade the exercise; skipping the empty unit-test and doc-test
# harnesses saves a link or two on every verify.
[lib]
name = \"{library}\"
test = false
doctest = false

# Code the grader cannot see through does not compile: raw pointers, foreign functions, and
# the attributes that run code before main (no_mangle, export_name, link_section).
[lints.rust]
unsafe_code = \"forbid\"
"
    );
    let variants = "\
# Other right answers and wrong answers to this exercise, run by `cargo xtask variants`.

[[alternative]]
name = \"computed\"
idea = \"The same number, computed.\"
[[alternative.edit]]
find = \"    42\"
replace = \"    6 * 7\"

[[alternative]]
name = \"bound-first\"
idea = \"The same number, named first.\"
[[alternative.edit]]
find = \"    42\"
replace = \"    let answer = 42;\\n    answer\"

[[mutant]]
name = \"zero\"
misconception = \"Replace with the misconception the chapter warns about.\"
[[mutant.edit]]
find = \"    42\"
replace = \"    0\"

[[mutant]]
name = \"off-by-one\"
misconception = \"Replace with the misconception the chapter warns about.\"
[[mutant.edit]]
find = \"    42\"
replace = \"    43\"

[[mutant]]
name = \"never-answers\"
misconception = \"Replace with the misconception the chapter warns about.\"
[[mutant.edit]]
find = \"    42\"
replace = \"    unimplemented!()\"
";
    let files = [
        (format!("exercises/{folder}/Cargo.toml"), cargo_toml.clone()),
        (format!("exercises/{folder}/src/lib.rs"), starter),
        (format!("exercises/{folder}/tests/{library}.rs"), test),
        (format!("solutions/{folder}/src/lib.rs"), solution),
        (
            format!("solutions/{folder}/variants.toml"),
            variants.to_owned(),
        ),
        // A first solution manifest: `generate` writes the real one from the starter's.
        (
            format!("solutions/{folder}/Cargo.toml"),
            cargo_toml.replacen(
                &format!("name = \"{name}\""),
                &format!("name = \"{name}-solution\""),
                1,
            ),
        ),
    ];
    for (path, text) in files {
        let full = root.join(&path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("cannot create {path}: {e}"))?;
        }
        fs::write(&full, text).map_err(|e| format!("cannot write {path}: {e}"))?;
        println!("wrote {path}");
    }
    Ok(())
}
