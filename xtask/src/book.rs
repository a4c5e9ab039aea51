//! `cargo xtask book [--serve] [--open]`: builds the book from `book/` into `book/build/`.
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

use std::path::Path;

use crate::cargo_build::cargo;

/// The book's folder, relative to the workspace root.
const BOOK_DIR: &str = "book";

/// Runs the command and returns the process exit code: 0 built (or served until stopped), 1 the
/// book has errors (they are printed above).
pub fn run(root: &Path, serve: bool, open: bool) -> Result<u8, String> {
    let mut args = vec![if serve { "serve" } else { "build" }];
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
