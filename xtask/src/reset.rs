//! `cargo xtask reset <exercise> | --all [--yes]`: start an exercise over, from its starter.
//!
//! The starter is what git has: the exercise's folder is restored as it is in the last commit
//! (`git restore --source=HEAD --staged --worktree -- <dir>`), which undoes edits and deletions
//! of files git tracks. Files the learner created and never committed are left alone and listed:
//! they may be work worth keeping, and deleting what git cannot bring back is not a reset's job.
//! That includes a new file the learner `git add`ed: the last commit does not have it, so the
//! restore above would delete it; it is taken out of git's index first (`git restore --staged`),
//! which leaves the file itself as it is.
//!
//! It asks `Throw away your work in <dir>? [y/N]` first, and anything but `y`/`yes` (including the
//! end of input) keeps the work; `--yes` is for scripts. A folder without uncommitted changes is
//! not asked about. Work the learner committed is not undone either: the message says how to
//! find an older version in git's history.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::Command;

use crate::cli::Which;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{self, Status};

/// Runs the command and returns the process exit code: 0 whether or not the learner confirmed.
pub fn run(root: &Path, which: &Which, yes: bool) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let exercises: Vec<&Exercise> = match which {
        Which::One(name) => vec![manifest.find(name)?],
        Which::All => manifest.exercises.iter().collect(),
    };
    let mut to_restore = Vec::new();
    let mut untracked = Vec::new();
    let mut added = Vec::new();
    for exercise in &exercises {
        let status = ["status", "--porcelain", "-z", "--untracked-files=all", "--"];
        let changes = parse_status(&git(root, &status, &[exercise.dir.as_str()])?);
        if !changes.tracked.is_empty() {
            to_restore.push(*exercise);
        }
        untracked.extend(changes.untracked);
        added.extend(changes.added);
    }

    if to_restore.is_empty() {
        let folders: Vec<&str> = exercises.iter().map(|e| e.dir.as_str()).collect();
        println!(
            "Nothing to reset: {} has no uncommitted changes.",
            folders.join(", ")
        );
        if let [exercise] = exercises[..] {
            let dir = &exercise.dir;
            println!(
                "If you committed the work you want to undo, `git log --oneline -- {dir}` lists \
                 the commits, and `git restore --source=<commit> -- {dir}` brings one back."
            );
        }
    } else {
        let folders: Vec<&str> = to_restore.iter().map(|e| e.dir.as_str()).collect();
        let question = format!("Throw away your work in {}? [y/N] ", folders.join(", "));
        if !yes && !confirm(&question)? {
            println!("Kept your work: nothing was changed.");
            return Ok(0);
        }
        if !added.is_empty() {
            // Out of the index only: the files stay, and the restore below no longer sees them.
            let paths: Vec<&str> = added.iter().map(String::as_str).collect();
            git(root, &["restore", "--staged", "--"], &paths)?;
        }
        let restore = ["restore", "--source=HEAD", "--staged", "--worktree", "--"];
        git(root, &restore, &folders)?;
        untracked.append(&mut added);
        progress::update(root, |progress| {
            for exercise in &to_restore {
                progress.set_status(&exercise.name, Status::NotStarted);
            }
        })?;
        println!("Restored {} as in the last commit.", folders.join(", "));
    }
    if !untracked.is_empty() {
        println!(
            "Kept the files you created, which git does not track (delete them if you do not \
             want them):\n  {}",
            untracked.join("\n  ")
        );
    }
    Ok(0)
}

/// Asks a yes/no question on the terminal; only `y` or `yes` is a yes.
fn confirm(question: &str) -> Result<bool, String> {
    print!("{question}");
    io::stdout()
        .flush()
        .map_err(|e| format!("cannot ask: {e}"))?;
    let mut answer = String::new();
    // The end of input (no answer at all) is a no: nothing is thrown away without a yes.
    io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| format!("cannot read your answer: {e}"))?;
    Ok(is_yes(&answer))
}

fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

/// Runs `git <args> <paths>` at the workspace root and returns its standard output, or an error
/// that says what to do when git could not help.
fn git(root: &Path, args: &[&str], paths: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .current_dir(root)
        .args(args)
        .args(paths)
        .output()
        .map_err(|e| {
            format!(
                "`reset` restores exercises with git, which could not be run ({e}); install git"
            )
        })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "`reset` restores exercises with git, and git refused: {}\n\
             Is this folder a git clone of the workbook? (A downloaded copy has no history to \
             restore from: download the exercise again instead.)",
            said.trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The paths in `git status --porcelain -z` output, split into files with changes that the last
/// commit has, new files added to git's index but never committed (`A`), and files git does not
/// track (`??`).
#[derive(Debug, Default, PartialEq)]
struct Changes {
    tracked: Vec<String>,
    added: Vec<String>,
    untracked: Vec<String>,
}

fn parse_status(output: &str) -> Changes {
    let mut changes = Changes::default();
    let mut entries = output.split('\0').filter(|entry| !entry.is_empty());
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(entry.len().min(3));
        if code.starts_with("??") {
            changes.untracked.push(path.to_owned());
        } else if code.starts_with('A') {
            changes.added.push(path.to_owned());
        } else {
            if code.contains('R') || code.contains('C') {
                entries.next(); // a rename or copy is followed by the path it came from
            }
            changes.tracked.push(path.to_owned());
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_git_status_porcelain_z() {
        let output = " M exercises/01/src/lib.rs\0?? exercises/01/src/extra.rs\0\
                      R  exercises/01/src/new.rs\0exercises/01/src/old.rs\0 D exercises/01/x\0\
                      AM exercises/01/src/staged.rs\0";
        assert_eq!(
            parse_status(output),
            Changes {
                tracked: vec![
                    "exercises/01/src/lib.rs".to_owned(),
                    "exercises/01/src/new.rs".to_owned(),
                    "exercises/01/x".to_owned(),
                ],
                added: vec!["exercises/01/src/staged.rs".to_owned()],
                untracked: vec!["exercises/01/src/extra.rs".to_owned()],
            }
        );
        assert_eq!(parse_status(""), Changes::default());
    }

    #[test]
    fn only_yes_is_yes() {
        for yes in ["y\n", "Y", " yes \n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yep"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
