//! Fragments: Markdown files a chapter includes, such as each hint and each answer, spliced into
//! the chapter when the book is loaded.
//!
//! A hint sits in a file of its own (`book/src/hints/<exercise>/hint-1.md`) so that a learner
//! who reads an exercise's Markdown in their editor sees it only when they choose to open that
//! file. The page includes it in a folded box:
//!
//! ```text
//! <details>
//! <summary>Hint 1</summary>
//!
//! {{#include hints/hello-api/hint-1.md}}
//!
//! </details>
//! ```
//!
//! mdBook would expand that `{{#include}}` itself, but only when it renders, after the chapter
//! has been translated: a translation would never see the hint's text, and the translation
//! template would not have it either. So an include of a `.md` file, alone on its line, is
//! replaced by the file's text as soon as the book is loaded, before anything else reads the
//! chapters. The chapter then reads to gettext as if the fragment were written in it, and a
//! fragment keeps its messages wherever it is included. An include inside a list item (an answer
//! under its question) is indented like the directive, so the fragment stays in the item.
//! Includes of anything else (code, transcripts, templates) are left to mdBook.

use std::fs;
use std::path::Path;

use mdbook_driver::MDBook;

/// Splices the fragments each chapter includes into it. `Err` names every include whose file
/// cannot be read.
pub fn splice(book: &mut MDBook) -> Result<(), String> {
    let src = book.source_dir();
    let mut problems = Vec::new();
    book.book.for_each_chapter_mut(|chapter| {
        let Some(path) = chapter.path.clone() else {
            return;
        };
        let folder = src.join(path.parent().unwrap_or(Path::new("")));
        let read = |file: &str| fs::read_to_string(folder.join(file));
        chapter.content = spliced(&chapter.content, read, |file, error| {
            problems.push(format!(
                "{}: cannot include `{file}`: {error}",
                path.display()
            ));
        });
    });
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n")),
    }
}

/// `markdown` with each fragment it includes in place of its directive. `read` reads a file
/// named relative to the chapter; `failed` hears of one that cannot be read (its directive
/// stays).
fn spliced(
    markdown: &str,
    read: impl Fn(&str) -> std::io::Result<String>,
    mut failed: impl FnMut(&str, std::io::Error),
) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.split_inclusive('\n') {
        let Some((indent, file)) = fragment_include(line) else {
            out.push_str(line);
            continue;
        };
        match read(file) {
            Ok(fragment) => {
                for (number, fragment_line) in fragment.trim_end().lines().enumerate() {
                    if number > 0 {
                        out.push('\n');
                    }
                    if !fragment_line.is_empty() {
                        out.push_str(indent);
                    }
                    out.push_str(fragment_line);
                }
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            Err(error) => {
                failed(file, error);
                out.push_str(line);
            }
        }
    }
    out
}

/// The indentation and the file of a line that is nothing but an include of a Markdown file.
fn fragment_include(line: &str) -> Option<(&str, &str)> {
    let directive = line.trim_start();
    let indent = &line[..line.len() - directive.len()];
    let file = directive
        .trim_end()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?
        .trim();
    file.ends_with(".md").then_some((indent, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(file: &str) -> std::io::Result<String> {
        match file {
            "hints/a/hint-1.md" => Ok("Look at `event.body`.\n".to_owned()),
            "answers/a/question-1.md" => Ok("It was cold.\n\nInit ran first.\n".to_owned()),
            _ => Err(std::io::ErrorKind::NotFound.into()),
        }
    }

    #[test]
    fn a_fragment_takes_the_place_and_the_indentation_of_its_include() {
        let chapter = "<details>\n<summary>Hint 1</summary>\n\n{{#include hints/a/hint-1.md}}\n\n</details>\n\n1. Why?\n\n   {{#include answers/a/question-1.md}}\n\n```rust\n{{#include ../../invoker/src/lib.rs:handler}}\n```\n";
        let mut failures = Vec::new();
        let spliced = spliced(chapter, read, |file, _| failures.push(file.to_owned()));
        assert_eq!(
            spliced,
            "<details>\n<summary>Hint 1</summary>\n\nLook at `event.body`.\n\n</details>\n\n1. Why?\n\n   It was cold.\n\n   Init ran first.\n\n```rust\n{{#include ../../invoker/src/lib.rs:handler}}\n```\n"
        );
        assert!(failures.is_empty());
    }

    #[test]
    fn a_fragment_that_cannot_be_read_is_reported_and_left_as_it_is() {
        let chapter = "{{#include hints/b/hint-9.md}}\n";
        let mut failures = Vec::new();
        let spliced = spliced(chapter, read, |file, _| failures.push(file.to_owned()));
        assert_eq!(spliced, chapter);
        assert_eq!(failures, ["hints/b/hint-9.md"]);
    }
}
