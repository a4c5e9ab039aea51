//! `cargo xtask hint [<exercise>] [--all]`: the manifest's hints, one at a time.
//!
//! Each exercise's hints go from a nudge to nearly the answer, so they are revealed in order:
//! the first call shows hint 1, the next hint 2, and so on; the count is kept in the progress
//! file, so it survives between sessions. `--all` shows again every hint revealed so far, without
//! revealing a new one. Without a name, the hint is for the exercise the learner is on (the first
//! that does not pass, as `list` marks it).

use std::path::Path;

use crate::book;
use crate::manifest::{Exercise, Manifest};
use crate::progress::Progress;

/// Runs the command and returns the process exit code.
pub fn run(root: &Path, exercise: Option<&str>, all: bool) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let mut progress = Progress::load(root)?;
    let exercise = match exercise {
        Some(name) => manifest.find(name)?,
        None => progress.next_from(&manifest, 0).ok_or(
            "every exercise passes, so there is none to hint at; name one, like \
             `cargo xtask hint hello-api`",
        )?,
    };
    let revealed = progress.get(&exercise.name).hints_revealed;
    let (shown, text) = if all {
        (revealed, revealed_so_far(exercise, revealed))
    } else {
        let shown = (revealed + 1).min(exercise.hints.len());
        (shown, next_hint(root, exercise, shown))
    };
    print!("{text}");
    if shown != revealed {
        progress.set_hints_revealed(&exercise.name, shown);
        progress.save(root)?;
    }
    Ok(0)
}

/// Hint number `number` (counting from 1) and what to do after it.
fn next_hint(root: &Path, exercise: &Exercise, number: usize) -> String {
    let (name, count) = (&exercise.name, exercise.hints.len());
    let Some(hint) = number.checked_sub(1).and_then(|i| exercise.hints.get(i)) else {
        return format!("`{name}` has no hints.\n");
    };
    let after = if number < count {
        format!("`cargo xtask hint {name}` again shows hint {}.", number + 1)
    } else {
        format!(
            "That was the last hint. The chapter explains the idea: {}",
            book::chapter_link(root, &exercise.chapter)
        )
    };
    format!(
        "Hint {number} of {count} for {name}:\n\n{}\n\n{after}\n",
        indent(hint)
    )
}

/// Every hint revealed so far, for `--all`.
fn revealed_so_far(exercise: &Exercise, revealed: usize) -> String {
    let (name, count) = (&exercise.name, exercise.hints.len());
    if revealed == 0 {
        return format!(
            "No hint for {name} revealed yet; `cargo xtask hint {name}` shows the first.\n"
        );
    }
    let hints: Vec<String> = exercise.hints[..revealed.min(count)]
        .iter()
        .enumerate()
        .map(|(i, hint)| format!("Hint {} of {count}:\n\n{}\n", i + 1, indent(hint)))
        .collect();
    format!("Hints revealed for {name}:\n\n{}", hints.join("\n"))
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(hints: &[&str]) -> Exercise {
        Exercise {
            chapter: "versions.md".to_owned(),
            hints: hints.iter().map(|h| h.to_string()).collect(),
            ..Exercise::named("canary")
        }
    }

    #[test]
    fn each_hint_says_what_comes_next() {
        let root = Path::new("/nowhere");
        let canary = exercise(&["Look at the alias.", "Use update_alias."]);
        assert_eq!(
            next_hint(root, &canary, 1),
            "Hint 1 of 2 for canary:\n\n    Look at the alias.\n\n\
             `cargo xtask hint canary` again shows hint 2.\n"
        );
        let last = next_hint(root, &canary, 2);
        assert!(last.starts_with("Hint 2 of 2 for canary:\n\n    Use update_alias.\n\n"));
        assert!(last.contains(
            "That was the last hint. The chapter explains the idea: book/src/versions.md"
        ));
        assert_eq!(
            next_hint(root, &exercise(&[]), 0),
            "`canary` has no hints.\n"
        );
    }

    #[test]
    fn all_shows_only_what_was_revealed() {
        let canary = exercise(&["first", "second", "third"]);
        assert_eq!(
            revealed_so_far(&canary, 2),
            "Hints revealed for canary:\n\nHint 1 of 3:\n\n    first\n\nHint 2 of 3:\n\n    second\n"
        );
        assert!(revealed_so_far(&canary, 0).starts_with("No hint for canary revealed yet"));
    }
}
