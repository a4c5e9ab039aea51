//! Loading the book with strict settings, rendering it, and checking the result.

use std::path::{Path, PathBuf};

use mdbook_driver::config::Config;
use mdbook_driver::MDBook;

use crate::{diagnostics, links};

/// Where the HTML goes, relative to the book folder: `book/build/`, which `.gitignore` ignores.
/// (With HTML as the book's only output, mdBook writes the site straight into it.)
pub const BUILD_DIR: &str = "build";

/// Renders the book in `book_dir` and returns the folder holding its `index.html`. `Err` lists
/// every problem found, one per line.
pub fn build(book_dir: &Path) -> Result<PathBuf, String> {
    let errors_before = diagnostics::errors();
    let book = load(book_dir)?;
    book.build().map_err(|e| format!("{e:#}"))?;

    let mut problems = links::broken_links(&book);
    let logged = diagnostics::errors() - errors_before;
    if logged > 0 {
        problems.push(format!(
            "mdBook logged {logged} error(s), printed above; a broken {{{{#include}}}} is one"
        ));
    }
    if problems.is_empty() {
        Ok(book.build_dir_for("html"))
    } else {
        Err(problems.join("\n"))
    }
}

/// Loads `book.toml` and the chapters, with two settings forced whatever `book.toml` says.
fn load(book_dir: &Path) -> Result<MDBook, String> {
    let book_toml = book_dir.join("book.toml");
    let mut config = Config::from_disk(&book_toml)
        .map_err(|e| format!("cannot read {}: {e:#}", book_toml.display()))?;
    // A chapter listed in SUMMARY.md but missing on disk must be an error. mdBook's default is
    // to create it, empty, which would publish a blank page and hide the typo.
    config
        .set("build.create-missing", false)
        .and_then(|()| config.set("build.build-dir", BUILD_DIR))
        .map_err(|e| format!("cannot configure mdBook: {e:#}"))?;
    MDBook::load_with_config(book_dir, config).map_err(|e| format!("{e:#}"))
}
