//! Loading the book with strict settings, in English or translated, rendering it, and checking
//! the result.

use std::fs;
use std::path::{Path, PathBuf};

use mdbook_driver::config::Config;
use mdbook_driver::MDBook;

use crate::languages::{self, ENGLISH};
use crate::translations;
use crate::{
    captions, diagnostics, diagrams, emphasis, extract, fragments, links, search, svg_text,
};

/// Where the site goes, relative to the book folder: `book/build/`, which `.gitignore` ignores.
/// (With HTML as the book's only output, mdBook writes the site straight into it.) A
/// translation goes into a folder of it named after the language, `book/build/ko/`.
pub const BUILD_DIR: &str = "build";

/// The script that adds the language switch to each page's menu bar, relative to the book
/// folder. It is added only when the site has every language, so that it never links to a
/// page that was not built.
const LANGUAGE_SWITCH: &str = "theme/language-switch.js";

/// Renders the book in each of `languages` (English first, if it is one of them: its build
/// empties the site's folder) and returns the site's folder. `Err` lists every problem found,
/// one per line, a translation's prefixed with its language code.
pub fn build(book_dir: &Path, languages: &[&str]) -> Result<PathBuf, String> {
    let switch = languages.len() == languages::all().len();
    let mut problems = Vec::new();
    for language in languages {
        if let Err(found) = build_one(book_dir, language, switch) {
            problems.extend(found.lines().map(|problem| match *language {
                ENGLISH => problem.to_owned(),
                code => format!("{code}: {problem}"),
            }));
        }
    }
    if problems.is_empty() {
        Ok(book_dir.join(BUILD_DIR))
    } else {
        Err(problems.join("\n"))
    }
}

fn build_one(book_dir: &Path, language: &str, switch: bool) -> Result<(), String> {
    let errors_before = diagnostics::errors();
    let mut book = load(book_dir, language, switch)?;
    book.book.for_each_chapter_mut(|chapter| {
        let folder = chapter
            .path
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(Path::new(""));
        chapter.content = captions::caption_excerpts(&chapter.content, folder, language);
    });
    book.build().map_err(|e| format!("{e:#}"))?;

    let mut problems = links::broken_links(&book);
    if language != ENGLISH {
        problems.extend(emphasis::stray_emphasis(&book));
        let site = book_dir
            .join(BUILD_DIR)
            .join(languages::site_folder(language));
        problems.extend(search::reindex(&site).err());
        problems.extend(translate_diagrams(book_dir, &site, language).err());
    }
    let logged = diagnostics::errors() - errors_before;
    if logged > 0 {
        problems.push(format!(
            "mdBook logged {logged} error(s), printed above; a broken {{{{#include}}}} is one"
        ));
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n")),
    }
}

/// Rewrites every diagram in a translation's `site` folder (mdBook copied them there from
/// `src`) with the translations of its messages into `language` ([`svg_text`]), so that its
/// pages show the drawings in their own language. `Err`: the labels whose translation would
/// not fit, one per line.
fn translate_diagrams(book_dir: &Path, site: &Path, language: &str) -> Result<(), String> {
    let translated = translations::diagram_translations(book_dir, language)?;
    let cannot =
        |e: std::io::Error| format!("cannot translate the diagrams in {}: {e}", site.display());
    let mut problems = Vec::new();
    for file in diagrams::svg_files(site).map_err(cannot)? {
        let context = extract::diagram_context(file.strip_prefix(site).unwrap_or(&file));
        let svg = fs::read_to_string(&file).map_err(cannot)?;
        match svg_text::translate(&svg, |msgid| translated(&context, msgid)) {
            Ok(svg) => fs::write(&file, svg).map_err(cannot)?,
            Err(found) => problems.extend(found.lines().map(|p| format!("src/{context}: {p}"))),
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(problems.join("\n")),
    }
}

/// Loads `book.toml` and the chapters in `language`, with the fragments they include spliced in
/// (a translation's are then translated from its catalog), with a few settings forced whatever
/// `book.toml` says; `switch` adds the language switch to the pages.
pub fn load(book_dir: &Path, language: &str, switch: bool) -> Result<MDBook, String> {
    let book_toml = book_dir.join("book.toml");
    let mut config = Config::from_disk(&book_toml)
        .map_err(|e| format!("cannot read {}: {e:#}", book_toml.display()))?;
    configure(&mut config, language, switch)
        .map_err(|e| format!("cannot configure mdBook: {e:#}"))?;
    let mut book = MDBook::load_with_config(book_dir, config).map_err(|e| format!("{e:#}"))?;
    // Before anything reads the chapters: the hints and answers are text to translate.
    fragments::splice(&mut book)?;
    if language != ENGLISH {
        translations::translate(&mut book, language)?;
    }
    Ok(book)
}

fn configure(
    config: &mut Config,
    language: &str,
    switch: bool,
) -> mdbook_driver::errors::Result<()> {
    // A chapter listed in SUMMARY.md but missing on disk must be an error. mdBook's default is
    // to create it, empty, which would publish a blank page and hide the typo.
    config.set("build.create-missing", false)?;
    let folder = languages::site_folder(language);
    let build_dir = Path::new(BUILD_DIR).join(folder);
    config.set("build.build-dir", build_dir)?;
    // `<html lang>`, which the language switch, the fonts (`:lang(ko)`) and screen readers go by.
    config.book.language = Some(language.to_owned());
    // The 404 page's links start at the site's address; a translation's pages are in its folder.
    let site_url = match folder {
        "" => "/".to_owned(),
        folder => format!("/{folder}/"),
    };
    config.set("output.html.site-url", site_url)?;
    if switch {
        let mut scripts: Vec<PathBuf> =
            config.get("output.html.additional-js")?.unwrap_or_default();
        scripts.push(PathBuf::from(LANGUAGE_SWITCH));
        config.set("output.html.additional-js", scripts)?;
    }
    Ok(())
}
