//! `cargo xtask list`: the exercises, chapter by chapter, with the learner's progress.
//!
//! ```text
//! 1. Handler, event and context  (book/src/ch01-handler-event-context.md)
//!    hello-api       passing      2/3 hints
//! Versions and aliases  (book/src/versions-and-aliases.md)
//!    blue-green      failing      0/3 hints   <- next
//!    canary          not started  0/3 hints
//!
//! 1 of 3 exercises pass. Next: `cargo xtask watch blue-green`
//! ```
//!
//! Chapters come in the order the manifest first names them, each with all of its exercises.
//! The statuses come from the progress file ([`crate::progress`]), so they are as of the last
//! `verify` or `watch`; nothing is built, and the list appears at once.

use std::path::Path;

use crate::book;
use crate::manifest::Manifest;
use crate::progress::{Progress, Status};

/// Runs the command and returns the process exit code.
pub fn run(root: &Path) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let progress = Progress::load(root)?;
    print!(
        "{}",
        render(&manifest, &progress, |chapter| {
            book::chapter_title(root, chapter)
        })
    );
    Ok(0)
}

/// The list; `title` gives a chapter's title, if it has one.
fn render(
    manifest: &Manifest,
    progress: &Progress,
    title: impl Fn(&str) -> Option<String>,
) -> String {
    let next = progress.next_from(manifest, 0);
    let width = manifest
        .exercises
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0);
    // Chapters in the order the manifest first names them; each with all of its exercises.
    let mut chapters: Vec<&str> = Vec::new();
    for exercise in &manifest.exercises {
        if !chapters.contains(&exercise.chapter.as_str()) {
            chapters.push(&exercise.chapter);
        }
    }
    let mut text = String::new();
    for chapter in chapters {
        let heading = title(chapter).unwrap_or_else(|| chapter.to_owned());
        text.push_str(&format!("{heading}  (book/src/{chapter})\n"));
        for exercise in manifest.exercises.iter().filter(|e| e.chapter == chapter) {
            let entry = progress.get(&exercise.name);
            let hints = format!("{}/{} hints", entry.hints_revealed, exercise.hints.len());
            let marker = if next == Some(exercise) {
                "   <- next"
            } else {
                ""
            };
            let line = format!(
                "   {:width$}  {:11}  {hints}{marker}",
                exercise.name,
                entry.status.label()
            );
            text.push_str(line.trim_end());
            text.push('\n');
        }
    }
    let passing = manifest
        .exercises
        .iter()
        .filter(|e| progress.get(&e.name).status == Status::Passing)
        .count();
    let total = manifest.exercises.len();
    text.push_str(&match next {
        Some(next) => format!(
            "\n{passing} of {total} exercises pass. Next: `cargo xtask watch {}`\n",
            next.name
        ),
        None => format!("\nAll {total} exercises pass. Well done!\n"),
    });
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
        [[exercise]]
        name = "hello-api"
        chapter = "ch01.md"
        points = 10
        hints = ["one", "two", "three"]

        [[exercise]]
        name = "blue-green"
        chapter = "versions.md"
        points = 10
        hints = ["one"]

        [[exercise]]
        name = "canary"
        chapter = "versions.md"
        points = 10
        hints = ["one", "two"]

        [[exercise]]
        name = "extra"
        chapter = "ch01.md"
        points = 10
        hints = ["one"]
    "#;

    #[test]
    fn groups_by_chapter_even_when_apart_and_marks_the_next_exercise() {
        let manifest = Manifest::parse(MANIFEST).unwrap();
        let mut progress = Progress::default();
        progress.set_status("hello-api", Status::Passing);
        progress.set_hints_revealed("hello-api", 2);
        progress.set_status("blue-green", Status::Failing);
        let title = |chapter: &str| (chapter == "ch01.md").then(|| "1. Handler".to_owned());
        assert_eq!(
            render(&manifest, &progress, title),
            "\
1. Handler  (book/src/ch01.md)
   hello-api   passing      2/3 hints
   extra       not started  0/1 hints
versions.md  (book/src/versions.md)
   blue-green  failing      0/1 hints   <- next
   canary      not started  0/2 hints

1 of 4 exercises pass. Next: `cargo xtask watch blue-green`
"
        );
        for name in ["blue-green", "canary", "extra"] {
            progress.set_status(name, Status::Passing);
        }
        let text = render(&manifest, &progress, |_| None);
        assert!(!text.contains("<- next"), "{text}");
        assert!(
            text.ends_with("\nAll 4 exercises pass. Well done!\n"),
            "{text}"
        );
    }
}
