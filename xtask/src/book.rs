//! `cargo xtask book [--lang <code> | --all] [--serve] [--open] | --check`: builds the book from
//! `book/` into `book/build/` (a translation into `book/build/<code>/`), and serves it or checks
//! its pages in headless Chromium; `cargo xtask pot`: refreshes the translations' catalogs.
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
//! `check` uses it too: [`build_all`] builds every language, and [`translations`] asks whether
//! the translations are in step with the English book.
//!
//! It also says where a chapter is, for the commands that send a learner to one
//! ([`chapter_link`], [`chapter_title`]).

use std::fs;
use std::path::Path;

use crate::cargo_build::cargo;
use crate::cli::{BookAction, Editions};
use crate::language::Language;

/// The book's folder, relative to the workspace root.
const BOOK_DIR: &str = "book";

/// Where `cargo xtask book` writes the HTML, relative to the book's folder (`build-dir` in
/// `book/book.toml`).
const BUILD_DIR: &str = "build";

/// The folder the built book is in: the English pages, and each translation's in a subfolder
/// named by its code.
pub fn build_dir(root: &Path) -> std::path::PathBuf {
    root.join(BOOK_DIR).join(BUILD_DIR)
}

/// Runs the command and returns the process exit code: 0 built (or served until stopped, or
/// checked), 1 the book has errors (they are printed above).
pub fn run(
    root: &Path,
    action: &BookAction,
    open: bool,
    editions: &Editions,
) -> Result<u8, String> {
    let mut args = vec![match action {
        BookAction::Build => "build",
        BookAction::Serve => "serve",
        // It builds and checks every language.
        BookAction::Check => "check",
    }];
    match (action, editions) {
        (BookAction::Check, _) => {}
        (_, Editions::All) => args.push("--all"),
        (_, Editions::One(language)) => args.extend(["--lang", language.code()]),
    }
    if open {
        args.push("--open");
    }
    Ok(if run_book_tool(root, &args)? { 0 } else { 1 })
}

/// `cargo xtask pot`: extracts the English book's messages into `book/po/messages.pot` and
/// merges them into each translation. Returns the process exit code.
pub fn pot(root: &Path) -> Result<u8, String> {
    Ok(if run_book_tool(root, &["pot"])? { 0 } else { 1 })
}

/// Builds the book in every language, for `check`. `Ok(false)` means the book has errors, which
/// were printed.
pub fn build_all(root: &Path) -> Result<bool, String> {
    run_book_tool(root, &["build", "--all"])
}

/// Prints whether the template `book/po/messages.pot` is what the English book gives now, and
/// how complete each translation is (`msgfmt --statistics`-style). `Ok(false)` means the
/// template is out of date or, with `require_complete`, a translation has an untranslated or
/// fuzzy message; the problem was printed.
pub fn translations(root: &Path, require_complete: bool) -> Result<bool, String> {
    match require_complete {
        true => run_book_tool(root, &["translations", "--require-complete"]),
        false => run_book_tool(root, &["translations"]),
    }
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

/// Where to read a chapter (a path relative to `book/src`), in `language`: its source, which is
/// readable as it is, and, once the book has been built, the page to open in a browser (the
/// translated page, for a translation: its source is the English Markdown).
pub fn chapter_link(root: &Path, chapter: &str, language: Language) -> String {
    let source = format!("{BOOK_DIR}/src/{chapter}");
    let site = root.join(BOOK_DIR).join(BUILD_DIR);
    let site = match language {
        Language::English => site,
        translation => site.join(translation.code()),
    };
    let page = site.join(Path::new(chapter).with_extension("html"));
    if page.is_file() {
        // A file URL, so that terminals make it clickable.
        let url = page.to_string_lossy().replace('\\', "/");
        let slash = if url.starts_with('/') { "" } else { "/" };
        match language {
            Language::English => format!("{source} (or open file://{slash}{url})"),
            Language::Korean => format!("file://{slash}{url} (원문: {source})"),
        }
    } else {
        match language {
            Language::English => {
                format!("{source} (`cargo xtask book --open` shows it in your browser)")
            }
            Language::Korean => format!(
                "{source} (`cargo xtask book --lang ko --open` 명령으로 한국어판을 브라우저에서 \
                 볼 수 있습니다)"
            ),
        }
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
            chapter_link(&root, "ch01.md", Language::English),
            "book/src/ch01.md (`cargo xtask book --open` shows it in your browser)"
        );
        assert!(chapter_link(&root, "ch01.md", Language::Korean)
            .starts_with("book/src/ch01.md (`cargo xtask book --lang ko --open` 명령으로"));
        assert_eq!(
            chapter_title(&root, "ch01.md").as_deref(),
            Some("1. Handler, event and context")
        );
        assert_eq!(chapter_title(&root, "missing.md"), None);

        fs::create_dir_all(root.join("book/build/ko")).unwrap();
        fs::write(root.join("book/build/ch01.html"), "").unwrap();
        let link = chapter_link(&root, "ch01.md", Language::English);
        assert!(
            link.starts_with("book/src/ch01.md (or open file:///"),
            "{link}"
        );
        assert!(link.ends_with("/book/build/ch01.html)"), "{link}");
        fs::write(root.join("book/build/ko/ch01.html"), "").unwrap();
        let link = chapter_link(&root, "ch01.md", Language::Korean);
        assert!(link.starts_with("file:///"), "{link}");
        assert!(
            link.ends_with("/book/build/ko/ch01.html (원문: book/src/ch01.md)"),
            "{link}"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
