//! `cargo xtask book [--serve] [--open] | --check`: builds the book from `book/` into
//! `book/build/`, and serves it or checks its pages in headless Chromium.
//!
//! The book is built with mdBook used as a library, so nobody has to install an `mdbook` binary.
//! mdBook is heavy (about 120 crates), and a learner who only runs `verify` should never compile
//! it, so it is not a dependency of xtask: it lives in the `workbook-book` crate (`xtask/book`),
//! which is in the workspace but not in its default members. This module only starts it through
//! cargo, which builds it the first time it is needed.
//!
//! It is built in the dev profile, not release. The workspace already compiles dependencies
//! with `opt-level = 1`, and on a 2-core machine we measured: dev build about 100 s, then 0.13 s
//! to render the book; release build about 185 s, then 0.05 s. The build is paid once, the
//! render every time, and 80 ms will never make up 85 s.
//!
//! It also says where a chapter is, for the commands that send a learner to one
//! ([`chapter_link`], [`chapter_title`]).

use std::fs;
use std::path::Path;

use crate::cargo_build::cargo;
use crate::cli::BookAction;

/// The book's folder, relative to the workspace root.
const BOOK_DIR: &str = "book";

/// Where `cargo xtask book` writes the HTML, relative to the book's folder (`build-dir` in
/// `book/book.toml`).
const BUILD_DIR: &str = "build";

/// Runs the command and returns the process exit code: 0 built (or served until stopped, or
/// checked), 1 the book has errors (they are printed above).
pub fn run(root: &Path, action: &BookAction, open: bool) -> Result<u8, String> {
    let mut args = vec![match action {
        BookAction::Build => "build",
        BookAction::Serve => "serve",
        BookAction::Check => "check",
    }];
    if open {
        args.push("--open");
    }
    Ok(if run_book_tool(root, &args)? { 0 } else { 1 })
}

/// Builds the book, for `check`. `Ok(false)` means the book has errors, which were printed.
pub fn build(root: &Path) -> Result<bool, String> {
    run_book_tool(root, &["build"])
}

/// `cargo run -p workbook-book -- <args> <root>/book`, with our terminal.
fn run_book_tool(root: &Path, args: &[&str]) -> Result<bool, String> {
    let book = root.join(BOOK_DIR);
    if !book.join("book.toml").is_file() {
        return Err(format!(
            "{} is missing: the book's settings live there, next to book/src/SUMMARY.md",
            book.join("book.toml").display()
        ));
    }
    let status = cargo(root)
        .args(["run", "--package", "workbook-book", "--"])
        .args(args)
        .arg(&book)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}; is cargo on your PATH?"))?;
    Ok(status.success())
}

/// Where to read a chapter (a path relative to `book/src`): its source, which is readable as it
/// is, and, once the book has been built, the page to open in a browser.
pub fn chapter_link(root: &Path, chapter: &str) -> String {
    let source = format!("{BOOK_DIR}/src/{chapter}");
    let page = root
        .join(BOOK_DIR)
        .join(BUILD_DIR)
        .join(Path::new(chapter).with_extension("html"));
    if page.is_file() {
        // A file URL, so that terminals make it clickable.
        let url = page.to_string_lossy().replace('\\', "/");
        let slash = if url.starts_with('/') { "" } else { "/" };
        format!("{source} (or open file://{slash}{url})")
    } else {
        format!("{source} (`cargo xtask book --open` shows it in your browser)")
    }
}

/// A chapter's title: the text of its first `# ` heading, if it has one.
pub fn chapter_title(root: &Path, chapter: &str) -> Option<String> {
    let text = fs::read_to_string(root.join(BOOK_DIR).join("src").join(chapter)).ok()?;
    text.lines()
        .find_map(|line| line.strip_prefix("# "))
        .map(|title| title.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_the_source_and_to_the_built_page_once_there_is_one() {
        let root = std::env::temp_dir().join(format!("xtask-book-{}", std::process::id()));
        let src = root.join("book/src");
        fs::create_dir_all(&src).unwrap();
        fs::write(
            src.join("ch01.md"),
            "Intro\n# 1. Handler, event and context\n",
        )
        .unwrap();
        assert_eq!(
            chapter_link(&root, "ch01.md"),
            "book/src/ch01.md (`cargo xtask book --open` shows it in your browser)"
        );
        assert_eq!(
            chapter_title(&root, "ch01.md").as_deref(),
            Some("1. Handler, event and context")
        );
        assert_eq!(chapter_title(&root, "missing.md"), None);

        fs::create_dir_all(root.join("book/build")).unwrap();
        fs::write(root.join("book/build/ch01.html"), "").unwrap();
        let link = chapter_link(&root, "ch01.md");
        assert!(
            link.starts_with("book/src/ch01.md (or open file:///"),
            "{link}"
        );
        assert!(link.ends_with("/book/build/ch01.html)"), "{link}");
        fs::remove_dir_all(&root).unwrap();
    }
}
