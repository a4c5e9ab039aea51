//! Tamper evidence: `exercises/tests.lock`, the SHA-256 of every file under each exercise's
//! `tests/` folder (its test files and its insta snapshots).
//!
//! An exercise's tests are its specification. A learner who edits a test, or accepts a new
//! snapshot, has not solved the exercise, only changed it: usually by accident (an editor's
//! "accept snapshot" action), sometimes not. `cargo xtask seal` records the hashes; `verify`
//! compares the exercises it grades with them and warns about every file that was edited, added
//! or deleted; `verify --strict` (for teachers' grading) fails those exercises.
//!
//! ```text
//! # The SHA-256 of every file under each exercise's tests/ folder, written by `cargo xtask seal`.
//! # `cargo xtask verify` warns about a test or snapshot that differs (`--strict` fails it).
//! # After changing an exercise's tests, run `cargo xtask seal` and commit this file.
//! version 1
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
//! teacher who must rule out deliberate changes grades with the template's own copy of the file,
//! as `xtask/README.md` explains.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::manifest::{Exercise, Manifest};
use crate::sha256;

/// Where the seal lives, relative to the workspace root.
pub const PATH: &str = "exercises/tests.lock";

/// The version of the format above.
const VERSION: u32 = 1;

const HEADER: &str = "\
# The SHA-256 of every file under each exercise's tests/ folder, written by `cargo xtask seal`.
# `cargo xtask verify` warns about a test or snapshot that differs (`--strict` fails it).
# After changing an exercise's tests, run `cargo xtask seal` and commit this file.
";

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
    /// Hashes the tests of `exercises` as they are on disk now.
    pub fn compute<'a>(
        root: &Path,
        exercises: impl IntoIterator<Item = &'a Exercise>,
    ) -> Result<Seal, String> {
        let mut files = BTreeMap::new();
        for exercise in exercises {
            let tests = format!("{}/tests", exercise.dir);
            hash_folder(root, &tests, &mut files)?;
        }
        Ok(Seal { files })
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
    pub fn changes(&self, actual: &Seal, exercise: &Exercise) -> Vec<Change> {
        let folder = format!("{}/tests/", exercise.dir);
        let in_folder = |files: &BTreeMap<String, String>| {
            files
                .iter()
                .filter(|(path, _)| path.starts_with(&folder))
                .map(|(path, hash)| (path.clone(), hash.clone()))
                .collect::<BTreeMap<String, String>>()
        };
        let (sealed, now) = (in_folder(&self.files), in_folder(&actual.files));
        let mut changes = Vec::new();
        for (path, hash) in &sealed {
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
}

/// `cargo xtask seal`: hashes every exercise's tests into `exercises/tests.lock`.
pub fn run(root: &Path) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let seal = Seal::compute(root, &manifest.exercises)?;
    fs::write(root.join(PATH), seal.render()).map_err(|e| format!("cannot write {PATH}: {e}"))?;
    println!(
        "Sealed {} test and snapshot files of {} exercises in {PATH}; commit it with the tests.",
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
    let listed = |path: &String| {
        let folder = |e: &Exercise| format!("{}/tests/", e.dir);
        manifest
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

/// Adds the hash of every file under `folder` (relative to `root`), recursively, to `files`.
/// A missing folder adds nothing: an exercise without tests is `check`'s business.
fn hash_folder(
    root: &Path,
    folder: &str,
    files: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let Ok(entries) = fs::read_dir(root.join(folder)) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {folder}: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{folder}/{name}");
        if entry.path().is_dir() {
            hash_folder(root, &path, files)?;
        } else if !IGNORED_SUFFIXES.iter().any(|suffix| name.ends_with(suffix)) {
            let bytes = fs::read(entry.path()).map_err(|e| format!("cannot read {path}: {e}"))?;
            files.insert(path, sha256::hex_digest(&with_unix_line_endings(&bytes)));
        }
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
        assert!(text.ends_with(&format!("version 1\n{HASH_A}  exercises/01/tests/a.rs\n")));
        assert_eq!(Seal::parse(&text), Ok(sealed));
        let error = Seal::parse("version 1\nnot-a-hash  x\n").unwrap_err();
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
