//! Captions for excerpts: each code block that includes a file of the workbook
//! (` ```rust ` then `{{#include ../../invoker/src/lib.rs:anchor}}`) gets a line above it naming
//! that file from the workbook's root, so a reader can open the whole of it in their editor.
//!
//! The caption is added when a book is rendered, in every language (a path needs no
//! translation), and never written into the chapters: the translation template does not see it.
//!
//! An excerpt of the code a learner writes (`exercises/01-hello-api/src/lib.rs`, "the part you
//! write") comes from their own copy of the file, as it is when the book is built: the starter
//! until they change it, their own code once they have. Its caption says so, in the page's
//! language, so that a learner who rebuilds the book after solving the exercise knows why the
//! `todo!()` has gone. (The starter itself is what git has: `cargo xtask reset` brings it back.)

use std::path::{Component, Path, PathBuf};

/// The folder of the book's chapters, from the workbook's root.
const CHAPTERS: &str = "book/src";

/// `markdown`, a chapter in the folder `folder` of the chapters, with a caption above each code
/// block whose first line includes a file; `language` is the page's, for the note on a learner's
/// own file.
pub fn caption_excerpts(markdown: &str, folder: &Path, language: &str) -> String {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut captioned = String::with_capacity(markdown.len());
    for (number, line) in lines.iter().enumerate() {
        let fence = line.trim_start();
        let included = (fence.starts_with("```") || fence.starts_with("~~~"))
            .then(|| lines.get(number + 1))
            .flatten()
            .and_then(|next| included_file(next));
        if let Some(file) = included {
            let indent = &line[..line.len() - fence.len()];
            let file = from_root(folder, file)
                .display()
                .to_string()
                .replace('\\', "/");
            let note = match is_learners_code(&file) {
                true => format!(" ({})", learners_copy(language)),
                false => String::new(),
            };
            captioned.push_str(&format!(
                "{indent}<p class=\"excerpt-file\"><code>{file}</code>{note}</p>\n\n"
            ));
        }
        captioned.push_str(line);
        captioned.push('\n');
    }
    captioned
}

/// Whether a file, from the workbook's root, is the code a learner writes: an exercise's
/// `src/lib.rs` (its `given.rs` is given, and its tests and snapshots are the grader's).
fn is_learners_code(file: &str) -> bool {
    let parts: Vec<&str> = file.split('/').collect();
    matches!(parts[..], ["exercises", _, "src", "lib.rs"])
}

/// What an excerpt of a learner's own file shows, in `language`.
fn learners_copy(language: &str) -> &'static str {
    match language {
        "ko" => "여러분의 사본: 고치기 전까지는 시작 코드",
        _ => "your copy: the starter until you change it",
    }
}

/// The file an `{{#include …}}` (or `{{#rustdoc_include …}}`) line includes, as written.
fn included_file(line: &str) -> Option<&str> {
    let directive = line.trim();
    let arguments = directive
        .strip_prefix("{{#include ")
        .or_else(|| directive.strip_prefix("{{#rustdoc_include "))?
        .strip_suffix("}}")?;
    // After the path may come `:anchor` or `:start:end`.
    arguments.split(':').next().map(str::trim)
}

/// `file`, written relative to the chapter's folder `folder`, from the workbook's root.
fn from_root(folder: &Path, file: &str) -> PathBuf {
    let mut path = PathBuf::new();
    for component in Path::new(CHAPTERS).join(folder).join(file).components() {
        match component {
            Component::ParentDir => {
                path.pop();
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_included_excerpt_is_captioned_with_its_file() {
        let chapter = "Text.\n\n```rust\n{{#include ../../invoker/tests/it/book/ch01.rs:handler}}\n```\n\n   ```text\n   {{#include ./snapshots/a.snap:5:}}\n   ```\n\n```sh\naws lambda invoke\n```\n";
        assert_eq!(
            caption_excerpts(chapter, Path::new(""), "en"),
            "Text.\n\n<p class=\"excerpt-file\"><code>invoker/tests/it/book/ch01.rs</code></p>\n\n```rust\n{{#include ../../invoker/tests/it/book/ch01.rs:handler}}\n```\n\n   <p class=\"excerpt-file\"><code>book/src/snapshots/a.snap</code></p>\n\n   ```text\n   {{#include ./snapshots/a.snap:5:}}\n   ```\n\n```sh\naws lambda invoke\n```\n"
        );
    }

    #[test]
    fn an_excerpt_of_a_learners_file_says_it_is_their_copy() {
        let chapter = "```rust\n{{#include ../../exercises/01-hello-api/src/lib.rs:handler}}\n```\n\n```rust\n{{#include ../../exercises/17-email/src/given.rs:notifier}}\n```\n\n```text\n{{#include ../../exercises/01-hello-api/tests/snapshots/a.snap:5:}}\n```\n";
        let captioned = caption_excerpts(chapter, Path::new(""), "ko");
        assert!(captioned.starts_with(
            "<p class=\"excerpt-file\"><code>exercises/01-hello-api/src/lib.rs</code> (여러분의 \
             사본: 고치기 전까지는 시작 코드)</p>"
        ), "{captioned}");
        for given in [
            "exercises/17-email/src/given.rs",
            "exercises/01-hello-api/tests/snapshots/a.snap",
        ] {
            let caption = format!("<p class=\"excerpt-file\"><code>{given}</code></p>");
            assert!(captioned.contains(&caption), "{captioned}");
        }
        assert!(caption_excerpts(chapter, Path::new(""), "en")
            .contains("</code> (your copy: the starter until you change it)</p>"));
    }
}
