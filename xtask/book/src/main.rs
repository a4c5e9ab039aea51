//! `workbook-book`: builds and serves the workbook's book with mdBook used as a library.
//!
//! You normally run it through `cargo xtask book [--serve | --open | --check]` (or `cargo xtask
//! check`),
//! which starts it with `cargo run -p workbook-book -- <command> <book folder>`. It is its own
//! crate so that mdBook's ~120 dependencies are compiled only by those who build the book, never
//! on a learner's way to their first `cargo xtask verify`.
//!
//! On top of what the `mdbook` program does, it makes the build strict, because a book that
//! renders with a hole in it is worse than one that does not render:
//!
//! - a chapter listed in `SUMMARY.md` but missing is an error (mdBook would create an empty one);
//! - a broken `{{#include}}` is an error (mdBook logs it and leaves the directive on the page);
//! - a relative link or image to a file that does not exist is an error (mdBook does not look).
//!
//! `check` then opens every page in headless Chromium, as a reader would, and checks what the
//! browser shows: scripts ran, images and links resolve, includes are there, search finds.
//!
//! # Layout
//!
//! - [`render`]: load the book with strict settings, render it to `book/build/`, run the checks.
//! - [`diagnostics`]: print and count mdBook's log events, so logged errors can fail the build.
//! - [`links`]: find relative links and images that point at nothing.
//! - [`browser`]: `check`, the built pages as headless Chromium shows them.
//! - [`serve`]: a small HTTP server for `book/build/`, rebuilding when a source file changes.

mod browser;
mod diagnostics;
mod links;
mod render;
mod serve;

use std::env;
use std::path::Path;
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: workbook-book build [--open] <book folder>
       workbook-book serve [--open] <book folder>
       workbook-book check <book folder>";

fn main() -> ExitCode {
    diagnostics::install();
    let args: Vec<String> = env::args().skip(1).collect();
    let (command, open, book) = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [command, book] => (command, false, book),
        [command, "--open", book] => (command, true, book),
        _ => return usage_error(),
    };
    let book = Path::new(book);
    match command {
        "build" => match render::build(book) {
            Ok(site) => {
                let index = site.join("index.html");
                println!("The book is in {}", index.display());
                if open {
                    open_in_browser(&index.to_string_lossy());
                }
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("The book has problems:\n{problems}");
                ExitCode::FAILURE
            }
        },
        "check" if !open => match render::build(book).and_then(|site| browser::check(&site)) {
            Ok(pages) => {
                println!("The book's {pages} pages load in Chromium, and search works.");
                ExitCode::SUCCESS
            }
            Err(problems) => {
                eprintln!("The book has problems:\n{problems}");
                ExitCode::FAILURE
            }
        },
        "serve" => match serve::serve(book, open) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        },
        _ => usage_error(),
    }
}

fn usage_error() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// Opens a file or URL with the system's default program, or says where to open it by hand.
fn open_in_browser(target: &str) {
    let mut command = if cfg!(target_os = "windows") {
        let mut command = Command::new("cmd");
        command.args(["/C", "start", ""]);
        command
    } else if cfg!(target_os = "macos") {
        Command::new("open")
    } else {
        Command::new("xdg-open")
    };
    let opened = command.arg(target).status().is_ok_and(|s| s.success());
    if !opened {
        eprintln!("Could not start a browser; open {target} yourself.");
    }
}
