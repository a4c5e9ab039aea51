//! Relative links and images that point at nothing.
//!
//! mdBook renders a link to a missing chapter as a link to a missing page, silently. We read each
//! chapter's Markdown with the parser mdBook itself uses (so a link inside a code block is not
//! mistaken for one) and look for the target of every relative link and image on disk, relative
//! to the chapter's own file, as a reader's browser would resolve it.
//!
//! Not checked: links to other sites (that needs the network), `#anchors` within pages, and links
//! inside files brought in with `{{#include}}` (the chapter is read as written), but for the
//! hints and answers, which are spliced in when the book is loaded ([`crate::fragments`]).

use std::path::{Path, PathBuf};

use mdbook_driver::book::BookItem;
use mdbook_driver::MDBook;
use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag};

/// One line per broken link in the book's chapters.
pub fn broken_links(book: &MDBook) -> Vec<String> {
    let src = book.source_dir();
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(chapter) => Some(chapter),
            _ => None,
        })
        // Draft chapters have no file, so nothing to be relative to.
        .filter_map(|chapter| Some((chapter.source_path.as_deref()?, chapter.content.as_str())))
        .flat_map(|(path, markdown)| broken_links_in(markdown, path, |p| src.join(p).exists()))
        .collect()
}

/// The broken relative links of one chapter. `chapter` is its path relative to `book/src`, and
/// `exists` says whether a path relative to `book/src` exists.
fn broken_links_in(markdown: &str, chapter: &Path, exists: impl Fn(&Path) -> bool) -> Vec<String> {
    let folder = chapter.parent().unwrap_or(Path::new(""));
    Parser::new(markdown)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url)
            }
            _ => None,
        })
        .filter_map(|destination| {
            let target = folder.join(local_path(&destination)?);
            (!exists(&target) && !exists(&as_source(&target))).then(|| {
                format!(
                    "{}: the link `{destination}` points to book/src/{}, which does not exist",
                    chapter.display(),
                    target.display()
                )
            })
        })
        .collect()
}

/// The file part of a link that stays within the book, or `None` for a link to another site, a
/// mail address, an anchor on the same page, or the site root.
fn local_path(destination: &str) -> Option<&str> {
    let external = destination.contains("://") || destination.starts_with("mailto:");
    let path = destination.split(['#', '?']).next().unwrap_or_default();
    (!external && !path.is_empty() && !path.starts_with('/')).then_some(path)
}

/// A link to `chapter.html` is fine when `chapter.md` exists: mdBook renders one into the other.
fn as_source(target: &Path) -> PathBuf {
    match target.extension() {
        Some(extension) if extension == "html" => target.with_extension("md"),
        _ => target.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = "
See [the next chapter](ch02.md#intro), [the rendered one](ch02.html), [nowhere](ch09.md),
[a folder](../../exercises/), ![a picture](img/missing.png), [the web](https://aws.amazon.com),
[this page](#top) and [mail](mailto:a@b.c).

```rust
// [not a link](in-code.md)
```
";

    #[test]
    fn reports_only_local_targets_that_do_not_exist() {
        let existing = ["part/ch02.md", "part/../../exercises/"].map(PathBuf::from);
        let broken = broken_links_in(CHAPTER, Path::new("part/ch01.md"), |path| {
            existing.iter().any(|e| e == path)
        });
        assert_eq!(
            broken,
            [
                "part/ch01.md: the link `ch09.md` points to book/src/part/ch09.md, \
                 which does not exist",
                "part/ch01.md: the link `img/missing.png` points to book/src/part/img/missing.png, \
                 which does not exist",
            ]
        );
    }
}
