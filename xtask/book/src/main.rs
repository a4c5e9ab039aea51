//! `workbook-book`: builds and serves the workbook's book with mdBook used as a library, in
//! English and in its translations.
//!
//! You normally run it through `cargo xtask book [--lang <code> | --all] [--serve | --open |
//! --check]`, `cargo xtask pot` or `cargo xtask check`, which start it with
//! `cargo run -p workbook-book -- <command> [options] <book folder>`. It is its own crate so that
//! mdBook's ~120 dependencies are compiled only by those who build the book, never on a learner's
//! way to their first `cargo xtask verify`.
//!
//! On top of what the `mdbook` program does, it makes the build strict, because a book that
//! renders with a hole in it is worse than one that does not render:
//!
//! - a chapter listed in `SUMMARY.md` but missing is an error (mdBook would create an empty one);
//! - a broken `{{#include}}` is an error (mdBook logs it and leaves the directive on the page);
//! - a relative link or image to a file that does not exist is an error (mdBook does not look).
//!
//! The translations are gettext catalogs in `book/po/`, applied to the English chapters at build
//! time with mdbook-i18n-helpers, the library behind the `mdbook-gettext` plugin; `pot` keeps
//! them in step with the English book and `translations` says how complete they are.
//!
//! `check` then opens every page of the site in headless Chromium, as a reader would, and checks
//! what the browser shows: scripts ran, images and links resolve, includes are there, search
//! finds, and every character has a glyph in the installed fonts.
//!
//! # Layout
//!
//! - [`languages`]: English and the translations, and where each goes in the site.
//! - [`render`]: load the book (translated, if need be) with strict settings, render it to
//!   `book/build/`, run the checks; [`captions`]: each excerpt named with its file;
//!   [`fragments`]: the hints and answers, each a file of its own, spliced into their pages.
//! - [`diagnostics`]: print and count mdBook's log events, so logged errors can fail the build.
//! - [`links`]: find relative links and images that point at nothing.
//! - [`extract`]: the English book's messages, for the translation template; [`svg_text`]: the
//!   diagrams' text, extracted into the same template and translated into the translations'
//!   copies of the drawings.
//! - [`merge`]: bring a translation up to date with a new template, as `msgmerge` does.
//! - [`translations`]: the catalogs, the `pot` and `translations` commands, translating a book;
//!   [`emphasis`]: emphasis marks a translation left as text; [`heading_ids`]: translated
//!   headings keep their English ids, so links to sections work in every language.
//! - [`search`]: a translation's search index, rebuilt to find words in any script (mdBook's
//!   finds only English words).
//! - [`browser`]: `check`, the built pages as headless Chromium shows them, with scripts added
//!   while it opens them ([`page_scripts`]): [`glyphs`], whether their characters have glyphs;
//!   [`layout`], what a reader would have to scroll sideways to see; [`diagrams`], whether the
//!   diagrams' text stays inside them.
//! - [`serve`]: a small HTTP server for `book/build/`, rebuilding when a source file changes.

mod browser;
mod captions;
mod diagnostics;
mod diagrams;
mod emphasis;
mod extract;
mod fragments;
mod glyphs;
mod heading_ids;
mod languages;
mod layout;
mod links;
mod merge;
mod page_scripts;
mod render;
mod search;
mod serve;
mod svg_text;
mod translations;

use std::env;
use std::path::Path;
use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: workbook-book build [--lang <code> | --all] [--open] <book folder>
       workbook-book serve [--lang <code> | --all] [--open] <book folder>
       workbook-book check <book folder>
       workbook-book pot <book folder>
       workbook-book translations [--require-complete] <book folder>";

/// A parsed command line: the command, its options, and the book folder (always last).
struct Arguments<'a> {
    command: &'a str,
    /// The languages to build, English first: `--lang <code>`, `--all`, or English alone.
    languages: Vec<&'static str>,
    open: bool,
    require_complete: bool,
    book: &'a Path,
}

fn main() -> ExitCode {
    diagnostics::install();
    let args: Vec<String> = env::args().skip(1).collect();
    let arguments = match parse(&args) {
        Ok(arguments) => arguments,
        Err(error) => {
            eprintln!("{error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Arguments {
        command,
        ref languages,
        open,
        require_complete,
        book,
    } = arguments;
    match command {
        "build" => match render::build(book, languages) {
            Ok(site) => {
                let index = site
                    .join(languages::site_folder(languages[0]))
                    .join("index.html");
                println!("The book is in {}", index.display());
                if open {
                    open_in_browser(&index.to_string_lossy());
                }
                ExitCode::SUCCESS
            }
            Err(found) => problems(&found),
        },
        "check" => {
            let site = render::build(book, languages);
            match site.and_then(|site| browser::check(book, &site, languages)) {
                Ok(checked) => {
                    let languages = languages.join(", ");
                    let browser::Checked {
                        pages,
                        code_blocks,
                        wider_code,
                        wider_code_narrow,
                        diagrams,
                        smallest_label_narrow,
                        smallest_label_full_size,
                    } = checked;
                    let share = |blocks: usize| 100.0 * blocks as f64 / code_blocks.max(1) as f64;
                    println!(
                        "The site's {pages} pages ({languages}) load in Chromium at {wide} and \
                         {narrow} px, search works, every character has a glyph, and the text of \
                         its {diagrams} diagrams stays inside them. Code blocks wider than their \
                         box: {wider_code} of {code_blocks} ({:.1}%) at {wide} px, \
                         {wider_code_narrow} ({:.1}%) at {narrow} px. The smallest diagram \
                         label at {narrow} px: {smallest_label_narrow:.1} px on the page, \
                         {smallest_label_full_size:.1} px when tapped open.",
                        share(wider_code),
                        share(wider_code_narrow),
                        wide = browser::WIDE,
                        narrow = browser::NARROW,
                    );
                    ExitCode::SUCCESS
                }
                Err(found) => problems(&found),
            }
        }
        "serve" => match serve::serve(book, languages, open) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => error(&message),
        },
        "pot" => match translations::refresh(book) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => error(&message),
        },
        "translations" => match translations::status(book, require_complete) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(message) => error(&message),
        },
        // `parse` lets no other command through.
        _ => ExitCode::from(2),
    }
}

/// Parses `<command> [options] <book folder>`; each command takes only its own options.
fn parse(args: &[String]) -> Result<Arguments<'_>, String> {
    let [command, options @ .., book] = args else {
        return Err("a command and a book folder are needed".to_owned());
    };
    let mut arguments = Arguments {
        command,
        languages: vec![languages::ENGLISH],
        open: false,
        require_complete: false,
        book: Path::new(book),
    };
    let mut options = options.iter().map(String::as_str);
    while let Some(option) = options.next() {
        match (command.as_str(), option) {
            ("build" | "serve", "--lang") => {
                let code = options.next().ok_or("`--lang` needs a language code")?;
                arguments.languages = vec![languages::parse(code)?];
            }
            ("build" | "serve", "--all") => arguments.languages = languages::all(),
            ("build" | "serve", "--open") => arguments.open = true,
            ("translations", "--require-complete") => arguments.require_complete = true,
            _ => return Err(format!("`{command}` does not take `{option}`")),
        }
    }
    match command.as_str() {
        // The check is of the whole site, every language.
        "check" => arguments.languages = languages::all(),
        "build" | "serve" | "pot" | "translations" => {}
        _ => return Err(format!("there is no command `{command}`")),
    }
    Ok(arguments)
}

/// The book was built, and has problems: one per line.
fn problems(problems: &str) -> ExitCode {
    eprintln!("The book has problems:\n{problems}");
    ExitCode::FAILURE
}

/// The command could not do its work.
fn error(error: &str) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
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
