//! Captions for excerpts: each code block that includes a file of the workbook
//! (` ```rust ` then `{{#include ../../invoker/src/lib.rs:anchor}}`) gets a line above it naming
//! that file from the workbook's root, so a reader can open the whole of it in their editor.
//!
//! The caption is added when a book is rendered, in every language (a path needs no
//! translation), and never written into the chapters: the translation template does not see it.

use std::path::{Component, Path, PathBuf};

/// The folder of the book's chapters, from the workbook's root.
const CHAPTERS: &str = "book/src";

/// `markdown`, a chapter in the folder `folder` of the chapters, with a caption above each code
/// block whose first line includes a file.
pub fn caption_excerpts(markdown: &str, folder: &Path) -> String {
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
            let file = from_root(folder, file);
            captioned.push_str(&format!(
                "{indent}<p class=\"excerpt-file\"><code>{}</code></p>\n\n",
                file.display().to_string().replace('\\', "/")
            ));
        }
        captioned.push_str(line);
        captioned.push('\n');
    }
    captioned
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
            caption_excerpts(chapter, Path::new("")),
            "Text.\n\n<p class=\"excerpt-file\"><code>invoker/tests/it/book/ch01.rs</code></p>\n\n```rust\n{{#include ../../invoker/tests/it/book/ch01.rs:handler}}\n```\n\n   <p class=\"excerpt-file\"><code>book/src/snapshots/a.snap</code></p>\n\n   ```text\n   {{#include ./snapshots/a.snap:5:}}\n   ```\n\n```sh\naws lambda invoke\n```\n"
        );
    }
}
