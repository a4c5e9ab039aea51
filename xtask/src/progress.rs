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
//!
//! **Nothing in it is ever lost.** It is the learner's record, and a command whose job is
//! elsewhere must not destroy it:
//!
//! - A line that cannot be read (an edit gone wrong) is set aside, not fatal: the other lines
//!   are read, and before the file is next written, the whole file as it was is copied to
//!   `.workbook/progress.unreadable` (or `.unreadable.2`, …), and the learner is told where.
//! - A file of another version is never written over: the command says so and records nothing.
//! - Every change is a read, a change and a write under a lock ([`update`], with
//!   `.workbook/progress.lock` held through `File::lock`, which the system releases if the
//!   process dies), so two commands at once (a `watch` and a `hint`) cannot lose each other's
//!   lines.
//! - The file is written whole to a temporary file, which is then renamed over the old one. A
//!   rename is atomic, so a `watch` stopped with Ctrl-C mid-write leaves the old file or the new
//!   one, never half of one; a temporary file that cannot be renamed is removed.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process;

use crate::manifest::{Exercise, Manifest};
use crate::report::{Graded, Verdict};

/// Where the file lives, relative to the workspace root.
pub const PATH: &str = ".workbook/progress";

/// The file whose lock is held while the progress is read, changed and written.
const LOCK_PATH: &str = ".workbook/progress.lock";

/// Where a file with unreadable lines is kept, as it was, before it is written over.
const UNREADABLE_PATH: &str = ".workbook/progress.unreadable";

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

/// A progress file as read: what could be read, and the lines that could not, each with why.
#[derive(Debug, Default, PartialEq)]
pub struct Read {
    pub progress: Progress,
    pub unreadable: Vec<String>,
    /// The file's text, if there was a file.
    text: Option<String>,
}

impl Read {
    /// Warns about each unreadable line on standard error.
    fn warn(&self) {
        for line in &self.unreadable {
            eprintln!("warning: {line}");
        }
    }
}

impl Progress {
    /// Reads the file of the workspace at `root` for a command that only looks (`list`, `hint`'s
    /// choice of exercise): no file yet means nothing done yet, and an unreadable line is
    /// warned about and left out. Only a file that cannot be read at all is an error.
    pub fn load(root: &Path) -> Result<Progress, String> {
        let read = read(root)?;
        read.warn();
        Ok(read.progress)
    }

    /// Parses the file's text, setting aside the lines that cannot be read. Only a missing or
    /// foreign `version` line is an error: then nothing in the file can be trusted.
    fn parse_salvaging(text: &str) -> Result<Read, String> {
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
        let mut unreadable = Vec::new();
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
            match entry {
                Some((name, entry)) => {
                    entries.insert(name, entry);
                }
                None => unreadable.push(format!(
                    "{PATH}, line {number}: `{line}` is not `<name> <status> <hints revealed>`; \
                     {start_over}"
                )),
            }
        }
        Ok(Read {
            progress: Progress { entries },
            unreadable,
            text: Some(text.to_owned()),
        })
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
    /// A temporary file that could not be renamed (the path is a folder, say) is removed.
    fn save(&self, root: &Path) -> Result<(), String> {
        let path = root.join(PATH);
        let folder = path.parent().unwrap_or(root);
        let error = |e: std::io::Error| format!("cannot save your progress in {PATH}: {e}");
        fs::create_dir_all(folder).map_err(error)?;
        // One temporary file per process, so two xtasks saving at once do not mix their bytes.
        let temporary: PathBuf = folder.join(format!("progress.{}.tmp", process::id()));
        fs::write(&temporary, self.render()).map_err(error)?;
        fs::rename(&temporary, &path).map_err(|e| {
            let _ = fs::remove_file(&temporary);
            error(e)
        })
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

/// Reads the progress file, if any, setting aside unreadable lines.
fn read(root: &Path) -> Result<Read, String> {
    match fs::read_to_string(root.join(PATH)) {
        Ok(text) => Progress::parse_salvaging(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Read::default()),
        Err(error) => Err(format!("cannot read {PATH}: {error}")),
    }
}

/// Reads the progress, lets `change` change it, and writes it back, all under the lock, so that
/// two commands at once cannot lose each other's changes. A file with unreadable lines is first
/// kept whole in [`UNREADABLE_PATH`] (the learner is told); a file that cannot be read at all is
/// left as it is, and the error says that nothing was recorded.
pub fn update<T>(root: &Path, change: impl FnOnce(&mut Progress) -> T) -> Result<T, String> {
    let not_recorded = |error: String| format!("{error}\n(Nothing was recorded this time.)");
    let folder = root.join(PATH);
    let folder = folder.parent().unwrap_or(root);
    fs::create_dir_all(folder)
        .map_err(|e| not_recorded(format!("cannot create {}: {e}", folder.display())))?;
    let lock = File::create(root.join(LOCK_PATH))
        .map_err(|e| not_recorded(format!("cannot create {LOCK_PATH}: {e}")))?;
    // Released when `lock` is dropped, or by the system if this process dies.
    lock.lock()
        .map_err(|e| not_recorded(format!("cannot lock {LOCK_PATH}: {e}")))?;
    let mut read = read(root).map_err(not_recorded)?;
    read.warn();
    if let (false, Some(text)) = (read.unreadable.is_empty(), &read.text) {
        let kept = keep_unreadable(root, text).map_err(not_recorded)?;
        eprintln!(
            "warning: the lines above could not be read; the other lines are kept, and the \
             whole file as it was is in {kept}"
        );
    }
    let result = change(&mut read.progress);
    read.progress.save(root)?;
    Ok(result)
}

/// Copies `text` to the first free one of `progress.unreadable`, `progress.unreadable.2`, …, and
/// returns its path.
fn keep_unreadable(root: &Path, text: &str) -> Result<String, String> {
    for number in 1.. {
        let path = match number {
            1 => UNREADABLE_PATH.to_owned(),
            n => format!("{UNREADABLE_PATH}.{n}"),
        };
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(root.join(&path))
        {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(text.as_bytes())
                    .map_err(|e| format!("cannot keep a copy in {path}: {e}"))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot keep a copy in {path}: {e}")),
        }
    }
    unreachable!("one of infinitely many names is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses the file's text, strictly: the first unreadable line is the error.
    fn parse(text: &str) -> Result<Progress, String> {
        let read = Progress::parse_salvaging(text)?;
        match read.unreadable.into_iter().next() {
            Some(first) => Err(first),
            None => Ok(read.progress),
        }
    }

    fn manifest(names: &[&str]) -> Manifest {
        let entries: String = names
            .iter()
            .map(|name| {
                format!(
                    "[[exercise]]\nname = \"{name}\"\nchapter = \"{name}.md\"\npoints = 1\nhints = [\"h\"]\n"
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
        assert_eq!(parse(&text), Ok(progress));
    }

    #[test]
    fn unknown_and_missing_exercises_are_harmless() {
        let progress = parse("version 1\nretired-exercise passing 3\n").unwrap();
        assert_eq!(progress.get("brand-new"), Entry::default());
        assert!(progress.render().contains("retired-exercise passing 3"));
    }

    #[test]
    fn a_broken_file_says_how_to_recover() {
        let error = parse("version 1\nhello-api done\n").unwrap_err();
        assert!(error.starts_with(".workbook/progress, line 2:"), "{error}");
        assert!(error.ends_with("delete .workbook/progress to start your progress over"));
        let error = parse("# comment\nversion 2\n").unwrap_err();
        assert!(error.contains("another version of xtask"), "{error}");
        let error = parse("hello-api passing 0\n").unwrap_err();
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

    /// A fresh workspace folder for one test.
    fn workspace(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-progress-{name}-{}", process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join(".workbook")).unwrap();
        root
    }

    #[test]
    fn an_unreadable_line_is_kept_aside_and_the_rest_is_kept() {
        let root = workspace("salvage");
        let text = "version 1\nhello-api passing 2\ncanary  failing two\nconfig failing 1\n";
        fs::write(root.join(PATH), text).unwrap();
        update(&root, |p| p.set_status("blue-green", Status::Passing)).unwrap();
        let progress = Progress::load(&root).unwrap();
        assert_eq!(progress.get("hello-api").hints_revealed, 2);
        assert_eq!(progress.get("config").status, Status::Failing);
        assert_eq!(progress.get("blue-green").status, Status::Passing);
        assert_eq!(
            fs::read_to_string(root.join(UNREADABLE_PATH)).unwrap(),
            text
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_file_of_another_version_is_never_written_over() {
        let root = workspace("version");
        let text = "version 2\nhello-api passing 2 extra\n";
        fs::write(root.join(PATH), text).unwrap();
        let error = update(&root, |p| p.set_status("x", Status::Passing)).unwrap_err();
        assert!(error.contains("Nothing was recorded"), "{error}");
        assert_eq!(fs::read_to_string(root.join(PATH)).unwrap(), text);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn updates_at_the_same_time_lose_nothing() {
        let root = workspace("concurrent");
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let root = root.clone();
                std::thread::spawn(move || {
                    update(&root, |p| p.set_hints_revealed(&format!("exercise-{i}"), i)).unwrap()
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let progress = Progress::load(&root).unwrap();
        for i in 0..8 {
            assert_eq!(progress.get(&format!("exercise-{i}")).hints_revealed, i);
        }
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_progress_path_that_is_a_folder_leaves_no_temporary_file() {
        let root = workspace("folder");
        fs::create_dir_all(root.join(PATH)).unwrap();
        assert!(update(&root, |p| p.set_status("x", Status::Passing)).is_err());
        let names: Vec<String> = fs::read_dir(root.join(".workbook"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert_eq!(names, Vec::<String>::new());
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn saving_replaces_the_file_whole() {
        let root = workspace("save");
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
