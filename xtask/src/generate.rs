//! `cargo xtask generate`: the files, and the lines of files, that follow from the manifest.
//!
//! An exercise is named once, in `exercises/manifest.toml`; its number is its place there. What
//! follows from that is written by this module, never by hand, so adding or moving an exercise
//! cannot leave a stale copy behind (`check` fails on one, and `generate` rewrites it):
//!
//! - each solution's `Cargo.toml`: the starter's library, binary and dependencies, and a
//!   `[[test]]` target for each of the starter's test files ([`solution_manifest`]);
//! - the first line of each starter's and each solution's `src/lib.rs`, and of each test file,
//!   which says the exercise's number ([`starter_source`], [`solution_source`],
//!   [`test_source`]), and the starter's lines that say how to check the work and where to find
//!   help;
//! - the GitHub Classroom workflow, a step per exercise worth its points
//!   ([`classroom_workflow`]).
//!
//! The folders (`exercises/NN-name`, `solutions/NN-name`) and package names follow from the
//! name and the number too; [`crate::manifest`] derives them.

use std::fs;
use std::path::Path;

use toml::Table;

use crate::manifest::{Exercise, Manifest};

/// The Classroom workflow, relative to the workspace root.
pub const CLASSROOM: &str = ".github/classroom/classroom.yml";

/// What a doc comment line of a starter says first: the exercise's number and title.
const HEADING: &str = "//! # Exercise ";

/// The paragraph of a starter's doc comment that says how to check the work; it is rewritten.
const CHECK_YOUR_WORK: &str = "//! Check your work";

/// Every generated file, as it should be: `(path relative to the root, text)`.
pub fn files(root: &Path, manifest: &Manifest) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for (index, exercise) in manifest.exercises.iter().enumerate() {
        let number = index + 1;
        let read = |path: &str| {
            fs::read_to_string(root.join(path)).map_err(|e| format!("cannot read {path}: {e}"))
        };
        let starter_lib = format!("{}/src/lib.rs", exercise.dir);
        let starter = read(&starter_lib)?;
        let title = title(&starter).ok_or_else(|| {
            format!("{starter_lib} must start with `{HEADING}<number> — <title>`")
        })?;
        files.push((
            starter_lib,
            starter_source(&starter, number, &title, &exercise.name),
        ));
        let solution_lib = format!("{}/src/lib.rs", exercise.solution);
        let solution = read(&solution_lib)?;
        files.push((solution_lib, solution_source(&solution, number, &title)));
        let starter_manifest = read(&format!("{}/Cargo.toml", exercise.dir))?;
        let tests = test_files(root, exercise)?;
        for test in &tests {
            let path = format!("{}/tests/{test}", exercise.dir);
            let source = read(&path)?;
            files.push((path, test_source(&source, number)));
        }
        files.push((
            format!("{}/Cargo.toml", exercise.solution),
            solution_manifest(exercise, number, &starter_manifest, &tests)?,
        ));
    }
    files.push((CLASSROOM.to_owned(), classroom_workflow(manifest)));
    Ok(files)
}

/// The generated files that differ from what `generate` would write, with what it would write.
fn stale_files(root: &Path, manifest: &Manifest) -> Result<Vec<(String, String)>, String> {
    Ok(files(root, manifest)?
        .into_iter()
        .filter(|(path, text)| fs::read_to_string(root.join(path)).ok().as_ref() != Some(text))
        .collect())
}

/// The paths of the generated files that differ from what `generate` would write.
pub fn stale(root: &Path, manifest: &Manifest) -> Result<Vec<String>, String> {
    Ok(stale_files(root, manifest)?
        .into_iter()
        .map(|(path, _)| path)
        .collect())
}

/// `cargo xtask generate`: writes every generated file that is stale.
pub fn run(root: &Path) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let stale = stale_files(root, &manifest)?;
    for (path, text) in &stale {
        let full = root.join(path);
        if let Some(folder) = full.parent() {
            fs::create_dir_all(folder).map_err(|e| format!("cannot create {path}: {e}"))?;
        }
        fs::write(full, text).map_err(|e| format!("cannot write {path}: {e}"))?;
        println!("wrote {path}");
    }
    println!(
        "{} generated file(s) rewritten; the others were current.",
        stale.len()
    );
    Ok(0)
}

/// The title in a starter's first line, `//! # Exercise 3 — Right-size the memory`.
fn title(starter: &str) -> Option<String> {
    let heading = starter.lines().next()?.strip_prefix(HEADING)?;
    let (_number, title) = heading.split_once(" — ")?;
    Some(title.trim().to_owned())
}

/// A starter's source with its number in the first line, and its "check your work" paragraph
/// (which must be there) said the same way as every other exercise's.
pub fn starter_source(source: &str, number: usize, title: &str, name: &str) -> String {
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    lines[0] = format!("{HEADING}{number} — {title}");
    if let Some(start) = lines.iter().position(|l| l.starts_with(CHECK_YOUR_WORK)) {
        let end = lines[start..]
            .iter()
            .position(|l| l.trim_end() == "//!" || !l.starts_with("//!"))
            .map_or(lines.len(), |offset| start + offset);
        lines.splice(
            start..end,
            [
                format!("{CHECK_YOUR_WORK}: `cargo xtask verify {name}`."),
                format!("//! Stuck? `cargo xtask hint {name}` shows the next hint."),
            ],
        );
    }
    with_final_newline(lines)
}

/// A solution's source with its heading, `//! # Exercise 3 — Right-size the memory: reference
/// solution`, in place of whatever heading lines it had. The title is the starter's, up to its
/// first colon, so that the heading fits one line.
pub fn solution_source(source: &str, number: usize, title: &str) -> String {
    let short = title.split(':').next().unwrap_or(title).trim();
    let mut lines: Vec<String> = source.lines().map(str::to_owned).collect();
    let heading_end = lines
        .iter()
        .position(|l| l.trim_end() == "//!" || !l.starts_with("//!"))
        .unwrap_or(lines.len())
        .max(1);
    lines.splice(
        0..heading_end,
        [format!("{HEADING}{number} — {short}: reference solution")],
    );
    with_final_newline(lines)
}

/// What a test file's first line says of its exercise: `//! Tests for exercise 3. …`.
const TESTS_FOR: &str = "//! Tests for exercise ";

/// A test file with its exercise's number in its first line, if that line names one.
pub fn test_source(source: &str, number: usize) -> String {
    let Some(rest) = source.strip_prefix(TESTS_FOR) else {
        return source.to_owned();
    };
    let after_number = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    format!("{TESTS_FOR}{number}{after_number}")
}

fn with_final_newline(lines: Vec<String>) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The file names of an exercise's `tests/*.rs`, sorted.
fn test_files(root: &Path, exercise: &Exercise) -> Result<Vec<String>, String> {
    let folder = format!("{}/tests", exercise.dir);
    let entries =
        fs::read_dir(root.join(&folder)).map_err(|e| format!("cannot list {folder}: {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    names.sort();
    Ok(names)
}

/// A solution's `Cargo.toml`: the starter's library (so the tests' `use` lines work unchanged),
/// its binary built from its own `main.rs`, its test files as the solution's tests, and its
/// dependency sections, comments and all.
pub fn solution_manifest(
    exercise: &Exercise,
    number: usize,
    starter_manifest: &str,
    tests: &[String],
) -> Result<String, String> {
    let parsed: Table = starter_manifest
        .parse()
        .map_err(|e| format!("{}/Cargo.toml is not valid TOML: {e}", exercise.dir))?;
    let library = parsed
        .get("lib")
        .and_then(|lib| lib.get("name"))
        .and_then(|name| name.as_str())
        .map_or_else(|| exercise.package.replace('-', "_"), str::to_owned);
    let (name, package, dir) = (&exercise.name, &exercise.package, &exercise.dir);
    // The starter's [package] table, as written (it inherits from the workspace), renamed.
    let package_table = section(starter_manifest, "[package]")
        .ok_or_else(|| format!("{dir}/Cargo.toml has no [package]"))?;
    let mut text = String::from("[package]\n");
    for line in package_table.lines() {
        match line.split_once(" = ").map(|(key, _)| key.trim()) {
            Some("name") => text.push_str(&format!("name = \"{package}-solution\"\n")),
            Some("description") => {}
            _ => text.push_str(&format!("{line}\n")),
        }
        if line.starts_with("version = ") {
            text.push_str(&format!(
                "description = \"Reference solution of exercise {number} ({name}); it runs the \
                 exercise's own tests.\"\n"
            ));
        }
    }
    text.push_str(&format!(
        "
[lib]
name = \"{library}\"
test = false
doctest = false
"
    ));
    if parsed.contains_key("bin") {
        text.push_str(&format!(
            "
# The exercise's binary, built from the exercise's own main.rs.
[[bin]]
name = \"{package}-solution\"
path = \"../../{dir}/src/main.rs\"
test = false
"
        ));
    }
    text.push_str(
        "\n# One source of truth: the solution runs the very test files (and snapshots) of the exercise.\n",
    );
    for test in tests {
        let target = test.trim_end_matches(".rs");
        text.push_str(&format!(
            "[[test]]\nname = \"{target}\"\npath = \"../../{dir}/tests/{test}\"\n\n"
        ));
    }
    // The dependency tables, comments and all, from the first of them to the end.
    if let Some(at) = starter_manifest.find("\n[dependencies]") {
        text.push_str(&starter_manifest[at + 1..]);
    } else if let Some(at) = starter_manifest.find("\n[dev-dependencies]") {
        text.push_str(&starter_manifest[at + 1..]);
    }
    Ok(text.trim_end().to_owned() + "\n")
}

/// The lines of the table `heading` (`[package]`) of a manifest, up to its first blank line
/// (after which come the comments of the next table).
pub fn section<'a>(manifest: &'a str, heading: &str) -> Option<&'a str> {
    let start = manifest.find(heading)? + heading.len();
    let rest = manifest[start..].trim_start_matches('\n');
    let end = rest.find("\n\n").unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The GitHub Classroom workflow: a job per exercise, each on a fresh runner with the student's
/// work and the template checked out side by side, the student's own files laid into the
/// template, and that one exercise graded; then a job that adds the results up.
///
/// Why a job each: the tests run the student's code, and code can write any file its user can
/// (the grader's checkout, the build's test binaries, cargo's settings). On a runner of its own,
/// what one exercise's code does cannot touch another's grade. Why side by side: cargo and
/// rustup read `.cargo/config.toml` and `rust-toolchain.toml` from every folder above the one
/// they run in, so the template must not sit inside the student's checkout.
pub fn classroom_workflow(manifest: &Manifest) -> String {
    let mut text = CLASSROOM_HEAD.to_owned();
    for exercise in &manifest.exercises {
        let (name, points) = (&exercise.name, exercise.points);
        text.push_str(&format!(
            "  {name}:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    outputs:
      result: ${{{{ steps.grade.outputs.result }}}}
    steps:
{CHECKOUTS}      - name: {name}
        id: grade
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {name}
          command: cd grader && cargo xtask verify {name} --strict
          timeout: 15
          max-score: {points}
"
        ));
    }
    let names: Vec<&str> = manifest.exercises.iter().map(|e| e.name.as_str()).collect();
    text.push_str(&format!(
        "  report:
    runs-on: ubuntu-latest
    if: always() && github.actor != 'github-classroom[bot]'
    needs: [{}]
    steps:
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
",
        names.join(", ")
    ));
    for name in &names {
        text.push_str(&format!(
            "          {}_RESULTS: \"${{{{needs.{name}.outputs.result}}}}\"\n",
            name.to_uppercase()
        ));
    }
    text.push_str(&format!(
        "        with:\n          runners: {}\n",
        names.join(",")
    ));
    text
}

/// Everything of the workflow before the jobs.
const CLASSROOM_HEAD: &str = "\
# GitHub Classroom autograding for the Lambda Workbook: an example workflow.
#
# Copy it to .github/workflows/classroom.yml in your assignment's template repository (the
# README.md beside this file explains). Each exercise is one test, worth the points it has in
# exercises/manifest.toml, graded by `cargo xtask verify <exercise> --strict` in a checkout of the
# template with the student's own files laid in: it scores when all of its tests pass.
#
# Each exercise is graded in a job of its own, on a fresh runner: the tests run the student's
# code, which could otherwise reach the files that grade the next exercise. The template is
# checked out beside the student's work, not inside it, so that no settings file of the
# student's (.cargo/config.toml, rust-toolchain.toml) applies to the grader. Set the variable
# WORKBOOK_TEMPLATE to the template's owner/name (an organization variable serves every student
# repository) and, for a private template, a secret WORKBOOK_TEMPLATE_TOKEN that can read it.
# GitHub's Ubuntu runners come with Rust.
#
# Written by `cargo xtask generate` from exercises/manifest.toml (xtask/src/generate.rs): change
# it there, not here; `cargo xtask check` fails while this file is stale.
name: Autograding Tests
'on':
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
";

/// The steps every grading job starts with: the two checkouts, side by side, and the student's
/// own files (each exercise's `src/` files that the template's seal does not list) laid into the
/// template.
const CHECKOUTS: &str = "      - name: Check out the student's work
        uses: actions/checkout@v4
        with:
          path: student
      - name: Check out the template, which grades
        uses: actions/checkout@v4
        with:
          repository: ${{ vars.WORKBOOK_TEMPLATE }}
          token: ${{ secrets.WORKBOOK_TEMPLATE_TOKEN || github.token }}
          path: grader
      - name: Lay the student's own files into the template
        run: cd grader && cargo xtask take-work ../student
";

#[cfg(test)]
mod tests {
    use super::*;

    const STARTER: &str = "\
//! # Exercise 7 — Add two numbers: the plus sign
//!
//! Check your work with `cargo xtask verify adder`. Stuck? The chapter has hints,
//! folded.
//!
//! More text.

pub fn add() {}
";

    #[test]
    fn a_starter_gets_its_number_and_the_common_words_on_checking() {
        assert_eq!(
            title(STARTER).as_deref(),
            Some("Add two numbers: the plus sign")
        );
        assert_eq!(
            starter_source(STARTER, 2, "Add two numbers: the plus sign", "adder"),
            "\
//! # Exercise 2 — Add two numbers: the plus sign
//!
//! Check your work: `cargo xtask verify adder`.
//! Stuck? `cargo xtask hint adder` shows the next hint.
//!
//! More text.

pub fn add() {}
"
        );
    }

    #[test]
    fn a_test_file_names_its_exercise_by_number() {
        assert_eq!(
            test_source("//! Tests for exercise 4. They call it.\n", 9),
            "//! Tests for exercise 9. They call it.\n"
        );
        assert_eq!(test_source("use x;\n", 9), "use x;\n");
    }

    #[test]
    fn a_solution_heading_is_one_line_with_the_short_title() {
        let solution = "//! # Exercise 4 — Add: reference\n//! solution\n//!\n//! Text.\n";
        assert_eq!(
            solution_source(solution, 2, "Add two numbers: the plus sign"),
            "//! # Exercise 2 — Add two numbers: reference solution\n//!\n//! Text.\n"
        );
    }
}
