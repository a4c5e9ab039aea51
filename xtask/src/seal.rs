//! Tamper evidence: `exercises/tests.lock`, the SHA-256 of every file that decides a grade.
//!
//! An exercise's tests are its specification, and they are not the only files that decide
//! whether it passes: its `Cargo.toml` says which test files are compiled and what the crate
//! depends on (a learner could add the solution as a dependency, or a `build.rs` that rewrites
//! the tests before they compile), its given `src/given.rs` and `src/main.rs` are part of the
//! exercise, and the workspace's manifest, lock file, cargo configuration and the invoker decide
//! what the tests run against. The seal records all of them:
//!
//! - every file of each exercise's folder except the learner's own: `src/lib.rs`, and any file
//!   a learner adds under `src/` (their modules). Any other file added (a `build.rs`, a test, a
//!   `.cargo/config.toml`) is a change;
//! - the shared files, [`SHARED`]: a change there changes every exercise.
//!
//! `cargo xtask seal` records the hashes; `verify` compares the exercises it grades with them
//! before it builds, after it builds and after the tests ran, and warns about every file that
//! was edited, added or deleted; `verify --strict` (for teachers' grading) fails those exercises.
//! A sealed file that changes *while* it is graded is never an accident: that exercise is
//! `tampered`, with or without `--strict`.
//!
//! ```text
//! # The SHA-256 of every file that decides a grade, written by `cargo xtask seal`.
//! …
//! version 2
//! 5d41402abc4b2a76b9719d911017c592…  exercises/01-hello-api/tests/hello_api.rs
//! ```
//!
//! The file lines are `sha256sum`'s own format, so `grep -v '^[#v]' exercises/tests.lock |
//! sha256sum -c` checks it without xtask. Line endings are hashed as `\n` whatever they are on
//! disk, so a Windows checkout that turned them into `\r\n` still matches. Leftovers of insta
//! (`*.snap.new`, `*.pending-snap`) are ignored: the grader never reads them.
//!
//! What it is not: a lock. The learner's copy of the file can be regenerated as easily as a test
//! can be edited. It makes a change visible (in the warnings, and in the file's git diff); a
//! teacher who must rule out deliberate changes grades in the template's own checkout, with the
//! learner's files laid in (`cargo xtask take-work`), as `xtask/README.md` explains.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::manifest::{Exercise, Manifest};
use crate::sha256;

/// Where the seal lives, relative to the workspace root.
pub const PATH: &str = "exercises/tests.lock";

/// The version of the format above. Version 1 sealed only the `tests/` folders.
const VERSION: u32 = 2;

const HEADER: &str = "\
# The SHA-256 of every file that decides a grade, written by `cargo xtask seal`: each exercise's
# folder but the learner's own src/ files, and the workspace's manifests and the invoker.
# `cargo xtask verify` warns about a file that differs (`--strict` fails it).
# After changing an exercise's tests or the invoker, run `cargo xtask seal` and commit this file.
";

/// The files and folders outside the exercises that decide every grade, relative to the
/// workspace root: what the tests are built with and what they run against. (The grader itself,
/// `xtask/`, is not here: a changed grader could skip any check. A teacher grades with their own
/// copy of it: see `cargo xtask take-work`.)
pub const SHARED: [&str; 7] = [
    "Cargo.toml",
    "Cargo.lock",
    ".cargo",
    "rust-toolchain",
    "rust-toolchain.toml",
    "exercises/manifest.toml",
    "invoker",
];

/// Cargo writes the lock file itself when it is out of date, so a change to it while grading is
/// cargo's, not the learner's code's.
const WRITTEN_BY_CARGO: &str = "Cargo.lock";

/// File names under `tests/` that are not part of the tests: insta's proposals for new snapshots.
const IGNORED_SUFFIXES: [&str; 2] = [".snap.new", ".pending-snap"];

/// Hashes by file path (relative to the workspace root, with `/` separators).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seal {
    files: BTreeMap<String, String>,
}

/// How one file differs from its seal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Edited(String),
    Added(String),
    Deleted(String),
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Edited(path) | Change::Added(path) | Change::Deleted(path) => path,
        }
    }

    /// One line for a warning or an error message.
    pub fn describe(&self) -> String {
        match self {
            Change::Edited(path) => format!("{path} was edited"),
            Change::Added(path) => format!("{path} was added"),
            Change::Deleted(path) => format!("{path} was deleted"),
        }
    }
}

impl Seal {
    /// Hashes the shared files and the files of `exercises` that are not the learner's, as they
    /// are on disk now.
    pub fn compute<'a>(
        root: &Path,
        exercises: impl IntoIterator<Item = &'a Exercise>,
    ) -> Result<Seal, String> {
        let mut files = BTreeMap::new();
        for shared in SHARED {
            hash_path(root, shared, &mut files)?;
        }
        for exercise in exercises {
            hash_path(root, &exercise.dir, &mut files)?;
            files.remove(&learners_module(exercise));
        }
        Ok(Seal { files })
    }

    /// The learner's source files of `exercise` (relative to the workspace root): every file
    /// under its `src/` that this seal does not list.
    pub fn learner_files(&self, root: &Path, exercise: &Exercise) -> Result<Vec<String>, String> {
        let mut found = BTreeMap::new();
        hash_path(root, &format!("{}/src", exercise.dir), &mut found)?;
        Ok(found
            .into_keys()
            .filter(|path| !self.files.contains_key(path))
            .collect())
    }

    /// The files that differ between two hashings of the same tree, `self` the earlier one:
    /// what changed while an exercise was being graded (cargo's own lock file aside).
    pub fn changed_since(&self, later: &Seal) -> Vec<Change> {
        let mut changes = diff(&self.files, &later.files);
        changes.retain(|change| change.path() != WRITTEN_BY_CARGO);
        changes
    }

    /// Reads the seal of the workspace at `root`; `None` if it has none.
    pub fn load(root: &Path) -> Result<Option<Seal>, String> {
        match fs::read_to_string(root.join(PATH)) {
            Ok(text) => Seal::parse(&text).map(Some),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(format!("cannot read {PATH}: {error}")),
        }
    }

    pub fn parse(text: &str) -> Result<Seal, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'));
        let regenerate = "a teacher regenerates it with `cargo xtask seal`";
        if lines.next().map(|(_, line)| line.trim()) != Some(&format!("version {VERSION}")) {
            return Err(format!(
                "{PATH} does not start with `version {VERSION}`; {regenerate}"
            ));
        }
        let mut files = BTreeMap::new();
        for (index, line) in lines {
            let parsed = line
                .split_once("  ")
                .filter(|(hash, path)| is_sha256(hash) && !path.is_empty());
            let Some((hash, path)) = parsed else {
                return Err(format!(
                    "{PATH}, line {}: expected `<sha256>  <path>`; {regenerate}",
                    index + 1
                ));
            };
            files.insert(path.to_owned(), hash.to_owned());
        }
        Ok(Seal { files })
    }

    pub fn render(&self) -> String {
        let mut text = format!("{HEADER}version {VERSION}\n");
        for (path, hash) in &self.files {
            text.push_str(&format!("{hash}  {path}\n"));
        }
        text
    }

    /// How the files of `exercise` in `actual` differ from this seal, sorted by kind then path.
    /// A file added under its `src/` is the learner's own module, not a change.
    pub fn changes(&self, actual: &Seal, exercise: &Exercise) -> Vec<Change> {
        let folder = format!("{}/", exercise.dir);
        let learners = format!("{}/src/", exercise.dir);
        let mut changes = diff(
            &subset(&self.files, |path| path.starts_with(&folder)),
            &subset(&actual.files, |path| path.starts_with(&folder)),
        );
        changes
            .retain(|change| !matches!(change, Change::Added(path) if path.starts_with(&learners)));
        changes
    }

    /// How the shared files ([`SHARED`]) in `actual` differ from this seal.
    pub fn shared_changes(&self, actual: &Seal) -> Vec<Change> {
        diff(
            &subset(&self.files, is_shared),
            &subset(&actual.files, is_shared),
        )
    }
}

/// The learner's module, which is never sealed.
fn learners_module(exercise: &Exercise) -> String {
    format!("{}/src/lib.rs", exercise.dir)
}

/// Whether `path` is one of the [`SHARED`] files, or in one of its folders.
pub fn is_shared(path: &str) -> bool {
    SHARED.iter().any(|shared| {
        path == *shared
            || path
                .strip_prefix(shared)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn subset(
    files: &BTreeMap<String, String>,
    keep: impl Fn(&str) -> bool,
) -> BTreeMap<String, String> {
    files
        .iter()
        .filter(|(path, _)| keep(path))
        .map(|(path, hash)| (path.clone(), hash.clone()))
        .collect()
}

/// How `now` differs from `sealed`, sorted by kind then path.
fn diff(sealed: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<Change> {
    let mut changes = Vec::new();
    for (path, hash) in sealed {
        match now.get(path) {
            None => changes.push(Change::Deleted(path.clone())),
            Some(current) if current != hash => changes.push(Change::Edited(path.clone())),
            Some(_) => {}
        }
    }
    for path in now.keys().filter(|path| !sealed.contains_key(*path)) {
        changes.push(Change::Added(path.clone()));
    }
    changes.sort();
    changes
}

/// `cargo xtask seal`: hashes every exercise's tests into `exercises/tests.lock`.
pub fn run(root: &Path) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let seal = Seal::compute(root, &manifest.exercises)?;
    fs::write(root.join(PATH), seal.render()).map_err(|e| format!("cannot write {PATH}: {e}"))?;
    println!(
        "Sealed {} files that decide the grades of {} exercises in {PATH}; commit it.",
        seal.files.len(),
        manifest.exercises.len()
    );
    Ok(0)
}

/// For `check`: whether `exercises/tests.lock` is exactly what `seal` would write now.
pub fn out_of_date(root: &Path, manifest: &Manifest) -> Result<Option<String>, String> {
    let expected = Seal::compute(root, &manifest.exercises)?.render();
    let Ok(found) = fs::read_to_string(root.join(PATH)) else {
        return Ok(Some(format!(
            "{PATH} is missing: run `cargo xtask seal` and commit it"
        )));
    };
    if found == expected {
        return Ok(None);
    }
    let sealed = Seal::parse(&found).unwrap_or_default();
    let actual = Seal::parse(&expected)?;
    let mut changes: Vec<String> = manifest
        .exercises
        .iter()
        .flat_map(|e| sealed.changes(&actual, e))
        .map(|change| change.describe())
        .collect();
    changes.extend(sealed.shared_changes(&actual).iter().map(Change::describe));
    let listed = |path: &String| {
        let folder = |e: &Exercise| format!("{}/", e.dir);
        is_shared(path)
            || manifest
                .exercises
                .iter()
                .any(|e| path.starts_with(&folder(e)))
    };
    for path in sealed.files.keys().filter(|path| !listed(path)) {
        changes.push(format!("{path} is sealed but belongs to no exercise"));
    }
    let why = if changes.is_empty() {
        "its header or format is not the current one".to_owned()
    } else {
        changes.join("\n")
    };
    Ok(Some(format!(
        "{PATH} is out of date: run `cargo xtask seal` and commit it.\n{why}"
    )))
}

/// Adds the hash of the file at `path` (relative to `root`), or of every file under it if it is
/// a folder, recursively, to `files`. A missing path adds nothing: an exercise without tests is
/// `check`'s business, and most workspaces have no `rust-toolchain`.
///
/// Links are not followed (a link to a folder above would never end, and one to anywhere else
/// is not part of the workbook), and inside folders, hidden files and editors' backups
/// (`.DS_Store`, `.idea/`, `lib.rs~`) are passed over: cargo reads none of them.
fn hash_path(root: &Path, path: &str, files: &mut BTreeMap<String, String>) -> Result<(), String> {
    let full = root.join(path);
    let Ok(metadata) = fs::symlink_metadata(&full) else {
        return Ok(());
    };
    if metadata.is_dir() {
        let entries = fs::read_dir(&full).map_err(|e| format!("cannot list {path}: {e}"))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot list {path}: {e}"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') && !name.ends_with('~') {
                hash_path(root, &format!("{path}/{name}"), files)?;
            }
        }
    } else if metadata.is_file() && !IGNORED_SUFFIXES.iter().any(|suffix| path.ends_with(suffix)) {
        let bytes = fs::read(&full).map_err(|e| format!("cannot read {path}: {e}"))?;
        files.insert(
            path.to_owned(),
            sha256::hex_digest(&with_unix_line_endings(&bytes)),
        );
    }
    Ok(())
}

/// `\r\n` becomes `\n`: git on Windows may check text files out either way.
fn with_unix_line_endings(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (index, &byte) in bytes.iter().enumerate() {
        if !(byte == b'\r' && bytes.get(index + 1) == Some(&b'\n')) {
            out.push(byte);
        }
    }
    out
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH_A: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const HASH_B: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn exercise(dir: &str) -> Exercise {
        Exercise {
            dir: dir.to_owned(),
            ..Exercise::named("one")
        }
    }

    fn seal(files: &[(&str, &str)]) -> Seal {
        let files = files
            .iter()
            .map(|(path, hash)| (path.to_string(), hash.to_string()))
            .collect();
        Seal { files }
    }

    #[test]
    fn renders_sha256sum_lines_and_parses_them_back() {
        let sealed = seal(&[("exercises/01/tests/a.rs", HASH_A)]);
        let text = sealed.render();
        assert!(text.ends_with(&format!("version 2\n{HASH_A}  exercises/01/tests/a.rs\n")));
        assert_eq!(Seal::parse(&text), Ok(sealed));
        let error = Seal::parse("version 2\nnot-a-hash  x\n").unwrap_err();
        assert!(
            error.contains("line 2: expected `<sha256>  <path>`"),
            "{error}"
        );
    }

    #[test]
    fn finds_edited_added_and_deleted_files_of_one_exercise() {
        let sealed = seal(&[
            ("exercises/01/tests/a.rs", HASH_A),
            ("exercises/01/tests/snapshots/a.snap", HASH_A),
            ("exercises/02/tests/b.rs", HASH_A),
        ]);
        let now = seal(&[
            ("exercises/01/tests/a.rs", HASH_B),
            ("exercises/01/tests/extra.rs", HASH_A),
            ("exercises/02/tests/b.rs", HASH_B),
        ]);
        assert_eq!(
            sealed.changes(&now, &exercise("exercises/01")),
            [
                Change::Edited("exercises/01/tests/a.rs".to_owned()),
                Change::Added("exercises/01/tests/extra.rs".to_owned()),
                Change::Deleted("exercises/01/tests/snapshots/a.snap".to_owned()),
            ]
        );
        assert_eq!(sealed.changes(&sealed, &exercise("exercises/01")), []);
    }

    #[test]
    fn a_folder_name_that_is_a_prefix_of_another_is_not_confused() {
        let sealed = seal(&[("exercises/01-b/tests/a.rs", HASH_A)]);
        assert_eq!(
            sealed.changes(&Seal::default(), &exercise("exercises/01")),
            []
        );
    }

    #[test]
    fn windows_line_endings_hash_like_unix_ones() {
        assert_eq!(with_unix_line_endings(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }
}
