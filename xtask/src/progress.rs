//! The learner's progress, kept between runs in `.workbook/progress`.
//!
//! `verify` and `watch` record each exercise's last verdict there, `hint` how many hints were
//! revealed, `reset` that an exercise starts over; `list`, `hint` and `solution` read it. It is a
//! small text file a person can read (and delete, to start over), ignored by git:
//!
//! ```text
//! # The Lambda Workbook: your progress, written by `cargo xtask`. Delete this file to start over.
//! # One line per exercise: <name> <status> <hints revealed>; status is not-started, failing or passing.
//! version 1
//! blue-green failing 1
//! hello-api passing 2
//! ```
//!
//! - Lines starting with `#` and blank lines are comments. The `version` line comes first; a file
//!   of another version was written by another xtask, and is refused with advice rather than
//!   misread.
//! - Exercises are keyed by name, so the file survives updates of the workbook: a name the
//!   manifest no longer has is kept but not shown, and an exercise without a line is not started.
//! - The file is written whole to a temporary file, which is then renamed over the old one. A
//!   rename is atomic, so a `watch` stopped with Ctrl-C mid-write leaves the old file or the new
//!   one, never half of one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process;

use crate::manifest::{Exercise, Manifest};
use crate::report::{Graded, Verdict};

/// Where the file lives, relative to the workspace root.
pub const PATH: &str = ".workbook/progress";

/// The version of the format above. Bump it only if a line changes meaning.
const VERSION: u32 = 1;

const HEADER: &str = "\
# The Lambda Workbook: your progress, written by `cargo xtask`. Delete this file to start over.
# One line per exercise: <name> <status> <hints revealed>; status is not-started, failing or passing.
";

/// Where an exercise stands, as of its last `verify` or `watch`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    NotStarted,
    Failing,
    Passing,
}

impl Status {
    /// Its word in the file.
    fn word(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::Failing => "failing",
            Status::Passing => "passing",
        }
    }

    fn from_word(word: &str) -> Option<Status> {
        [Status::NotStarted, Status::Failing, Status::Passing]
            .into_iter()
            .find(|status| status.word() == word)
    }

    /// Its name on screen.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Failing => "failing",
            Status::Passing => "passing",
        }
    }
}

/// What is known of one exercise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Entry {
    pub status: Status,
    /// How many of its hints have been shown, counting from the first.
    pub hints_revealed: usize,
}

/// Every exercise's entry, by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    entries: BTreeMap<String, Entry>,
}

impl Progress {
    /// Reads the file of the workspace at `root`; no file yet means nothing done yet.
    pub fn load(root: &Path) -> Result<Progress, String> {
        match fs::read_to_string(root.join(PATH)) {
            Ok(text) => Progress::parse(&text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(error) => Err(format!("cannot read {PATH}: {error}")),
        }
    }

    /// Parses the file's text. Every error names the line and says how to recover.
    pub fn parse(text: &str) -> Result<Progress, String> {
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(index, line)| (index + 1, line.trim()))
            .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
        let start_over = format!("fix it, or delete {PATH} to start your progress over");
        match lines.next() {
            Some((_, line)) if line == format!("version {VERSION}") => {}
            Some((number, line)) if line.starts_with("version ") => {
                return Err(format!(
                    "{PATH}, line {number}: `{line}` was written by another version of xtask, \
                     which this one cannot read; update the workbook (`git pull`), or {start_over}"
                ))
            }
            _ => {
                return Err(format!(
                    "{PATH} does not start with `version {VERSION}`; {start_over}"
                ))
            }
        }
        let mut entries = BTreeMap::new();
        for (number, line) in lines {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let entry = match fields[..] {
                [name, status, hints] => match (Status::from_word(status), hints.parse()) {
                    (Some(status), Ok(hints_revealed)) => Some((
                        name.to_owned(),
                        Entry {
                            status,
                            hints_revealed,
                        },
                    )),
                    _ => None,
                },
                _ => None,
            };
            let (name, entry) = entry.ok_or_else(|| {
                format!(
                    "{PATH}, line {number}: `{line}` is not `<name> <status> <hints revealed>`; \
                     {start_over}"
                )
            })?;
            entries.insert(name, entry);
        }
        Ok(Progress { entries })
    }

    /// The file's text: the header, the version, then one line per exercise, sorted by name.
    pub fn render(&self) -> String {
        let mut text = format!("{HEADER}version {VERSION}\n");
        for (name, entry) in &self.entries {
            let status = entry.status.word();
            text.push_str(&format!("{name} {status} {}\n", entry.hints_revealed));
        }
        text
    }

    /// Writes the file atomically: whole to a temporary file, then renamed over the old one.
    pub fn save(&self, root: &Path) -> Result<(), String> {
        let path = root.join(PATH);
        let folder = path.parent().unwrap_or(root);
        let error = |e: std::io::Error| format!("cannot save your progress in {PATH}: {e}");
        fs::create_dir_all(folder).map_err(error)?;
        // One temporary file per process, so two xtasks saving at once do not mix their bytes.
        let temporary: PathBuf = folder.join(format!("progress.{}.tmp", process::id()));
        fs::write(&temporary, self.render()).map_err(error)?;
        fs::rename(&temporary, &path).map_err(error)
    }

    /// What is known of `name`; an exercise never seen is not started, with no hint revealed.
    pub fn get(&self, name: &str) -> Entry {
        self.entries.get(name).copied().unwrap_or_default()
    }

    pub fn set_status(&mut self, name: &str, status: Status) {
        self.entries.entry(name.to_owned()).or_default().status = status;
    }

    pub fn set_hints_revealed(&mut self, name: &str, count: usize) {
        self.entries
            .entry(name.to_owned())
            .or_default()
            .hints_revealed = count;
    }

    /// Records each graded exercise's verdict: passing, or failing whatever went wrong.
    pub fn record(&mut self, graded: &[Graded]) {
        for g in graded {
            let status = match g.outcome.verdict {
                Verdict::Passed => Status::Passing,
                _ => Status::Failing,
            };
            self.set_status(&g.exercise.name, status);
        }
    }

    /// The exercise to work on next: the first that does not pass, starting at the manifest's
    /// `from`th exercise and wrapping around to the first. `None` when every exercise passes.
    pub fn next_from<'m>(&self, manifest: &'m Manifest, from: usize) -> Option<&'m Exercise> {
        let all = &manifest.exercises;
        let from = from.min(all.len());
        all[from..]
            .iter()
            .chain(&all[..from])
            .find(|e| self.get(&e.name).status != Status::Passing)
    }
}

/// Loads the progress for a command whose real job is elsewhere (`verify`, `watch`): a broken
/// progress file is reported, and the command goes on as if nothing were recorded yet.
pub fn load_or_warn(root: &Path) -> Progress {
    Progress::load(root).unwrap_or_else(|error| {
        eprintln!("warning: {error}");
        Progress::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(names: &[&str]) -> Manifest {
        let entries: String = names
            .iter()
            .map(|name| {
                format!(
                    "[[exercise]]\nname = \"{name}\"\npackage = \"{name}\"\ndir = \"exercises/{name}\"\n\
                     solution = \"solutions/{name}\"\nchapter = \"{name}.md\"\npoints = 1\nhints = [\"h\"]\n"
                )
            })
            .collect();
        Manifest::parse(&entries).unwrap()
    }

    #[test]
    fn writes_and_reads_back_the_documented_format() {
        let mut progress = Progress::default();
        progress.set_status("hello-api", Status::Passing);
        progress.set_hints_revealed("hello-api", 2);
        progress.set_hints_revealed("blue-green", 1);
        progress.set_status("blue-green", Status::Failing);
        let text = progress.render();
        assert_eq!(
            text.lines().skip(2).collect::<Vec<_>>(),
            ["version 1", "blue-green failing 1", "hello-api passing 2"]
        );
        assert_eq!(Progress::parse(&text), Ok(progress));
    }

    #[test]
    fn unknown_and_missing_exercises_are_harmless() {
        let progress = Progress::parse("version 1\nretired-exercise passing 3\n").unwrap();
        assert_eq!(progress.get("brand-new"), Entry::default());
        assert!(progress.render().contains("retired-exercise passing 3"));
    }

    #[test]
    fn a_broken_file_says_how_to_recover() {
        let error = Progress::parse("version 1\nhello-api done\n").unwrap_err();
        assert!(error.starts_with(".workbook/progress, line 2:"), "{error}");
        assert!(error.ends_with("delete .workbook/progress to start your progress over"));
        let error = Progress::parse("# comment\nversion 2\n").unwrap_err();
        assert!(error.contains("another version of xtask"), "{error}");
        let error = Progress::parse("hello-api passing 0\n").unwrap_err();
        assert!(error.contains("does not start with `version 1`"), "{error}");
    }

    #[test]
    fn next_is_the_first_unfinished_from_a_place_wrapping_around() {
        let manifest = manifest(&["one", "two", "three"]);
        let mut progress = Progress::default();
        let next = |p: &Progress, from| p.next_from(&manifest, from).map(|e| e.name.clone());
        assert_eq!(next(&progress, 0).as_deref(), Some("one"));
        progress.set_status("two", Status::Passing);
        assert_eq!(next(&progress, 1).as_deref(), Some("three"));
        progress.set_status("three", Status::Passing);
        assert_eq!(next(&progress, 1).as_deref(), Some("one"));
        progress.set_status("one", Status::Passing);
        assert_eq!(next(&progress, 0), None);
        assert_eq!(next(&progress, 99), None);
    }

    #[test]
    fn saving_replaces_the_file_whole() {
        let root = std::env::temp_dir().join(format!("xtask-progress-{}", process::id()));
        let mut progress = Progress::default();
        progress.set_status("one", Status::Failing);
        progress.save(&root).unwrap();
        progress.set_status("one", Status::Passing);
        progress.save(&root).unwrap();
        assert_eq!(Progress::load(&root), Ok(progress));
        let leftovers: Vec<_> = fs::read_dir(root.join(".workbook")).unwrap().collect();
        assert_eq!(
            leftovers.len(),
            1,
            "only the progress file, no temporary file"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
