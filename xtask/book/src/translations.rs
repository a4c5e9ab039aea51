//! The translations: the gettext catalogs in `book/po/`, the two commands that keep them in step
//! with the English book, and applying one to the book when it is built.
//!
//! - `messages.pot`, the *template*, holds every message of the English book with an empty
//!   translation ([`crate::extract`]). It is committed, so a change to the English text shows
//!   up in review as a change to the template.
//! - `<code>.po` (`ko.po`) holds the translation of each message, written by translators.
//!
//! `pot` ([`refresh`]) extracts the template again and merges it into each translation
//! ([`crate::merge`]). `translations` ([`status`]) says whether the committed template is what
//! the English book gives now, and counts each translation's messages the way
//! `msgfmt --statistics` does. [`translate`] applies a catalog to the loaded book, as the
//! `mdbook-gettext` preprocessor does: a message that is untranslated or fuzzy stays English.
//!
//! PO files are read and written with `polib`, the library mdbook-i18n-helpers uses. Its writer
//! does not keep translator comments (`# …` lines); a note for translators belongs in the English
//! source, as `<!-- i18n:comment … -->`, which the extraction turns into a `#.` comment.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use mdbook_driver::book::BookItem;
use mdbook_driver::MDBook;
use mdbook_i18n_helpers::gettext::{add_stripped_summary_translations, translate_book};
use polib::catalog::Catalog;
use polib::message::{MessageMutView, MessageView};
use polib::metadata::CatalogMetadata;
use polib::po_file;

use crate::extract::extract;
use crate::heading_ids;
use crate::languages::{self, ENGLISH};
use crate::merge::merge;
use crate::render;

/// The catalogs' folder, relative to the book folder (mdbook-i18n-helpers' default `po-dir`).
pub const PO_DIR: &str = "po";

/// The template's file name in [`PO_DIR`].
const TEMPLATE: &str = "messages.pot";

/// The header line that changes on every extraction, and is ignored when comparing catalogs.
const CREATION_DATE: &str = "\"POT-Creation-Date:";

/// How complete one translation is, counted over the template's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statistics {
    /// Translated, and not fuzzy: what the build shows.
    pub translated: usize,
    /// Translated, but marked `fuzzy`: a draft the build does not use.
    pub fuzzy: usize,
    /// Empty, or missing from the catalog.
    pub untranslated: usize,
}

impl Statistics {
    /// Counts the messages of `template` in `translation`.
    pub fn of(template: &Catalog, translation: &Catalog) -> Statistics {
        let mut statistics = Statistics {
            translated: 0,
            fuzzy: 0,
            untranslated: 0,
        };
        for message in template.messages() {
            match translation.find_message(context(message), message.msgid(), None) {
                Some(found) if !found.is_translated() => statistics.untranslated += 1,
                Some(found) if found.is_fuzzy() => statistics.fuzzy += 1,
                Some(_) => statistics.translated += 1,
                None => statistics.untranslated += 1,
            }
        }
        statistics
    }

    /// Whether the build shows every message translated: none fuzzy, none untranslated.
    pub fn is_complete(&self) -> bool {
        self.fuzzy == 0 && self.untranslated == 0
    }
}

impl std::fmt::Display for Statistics {
    /// As `msgfmt --statistics` prints it, but always with all three counts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let Statistics {
            translated,
            fuzzy,
            untranslated,
        } = *self;
        write!(
            f,
            "{translated} translated message{}, {fuzzy} fuzzy translation{}, \
             {untranslated} untranslated message{}.",
            s(translated),
            s(fuzzy),
            s(untranslated)
        )
    }
}

/// A message's context (`msgctxt`), if it has one: a diagram's messages have their file's path
/// ([`crate::svg_text`]), the chapters' have none.
pub fn context(message: &dyn MessageView) -> Option<&str> {
    Some(message.msgctxt()).filter(|context| !context.is_empty())
}

/// The translations of the diagram `context`'s messages into `code`, as a build uses them: a
/// message that is untranslated or fuzzy has none.
pub fn diagram_translations(
    book_dir: &Path,
    code: &str,
) -> Result<impl Fn(&str, &str) -> Option<String>, String> {
    let catalog = read(&catalog_path(book_dir, code))?;
    Ok(move |context: &str, msgid: &str| {
        catalog
            .find_message(Some(context), msgid, None)
            .filter(|message| message.is_translated() && !message.is_fuzzy())
            .and_then(|message| message.msgstr().ok())
            .map(str::to_owned)
    })
}

/// The catalog of the translation into `code`.
pub fn catalog_path(book_dir: &Path, code: &str) -> PathBuf {
    book_dir.join(PO_DIR).join(format!("{code}.po"))
}

fn template_path(book_dir: &Path) -> PathBuf {
    book_dir.join(PO_DIR).join(TEMPLATE)
}

/// Translates a loaded English book into `code`: its chapters, the titles of its table of
/// contents, and its title.
pub fn translate(book: &mut MDBook, code: &str) -> Result<(), String> {
    let mut catalog = read(&catalog_path(&book.root, code))?;
    // A fuzzy translation is a draft: it must not be shown. The library skips fuzzy messages,
    // but the stripped copies of the table of contents' titles it adds would lose the flag.
    for mut message in catalog.messages_mut() {
        if message.is_fuzzy() {
            message.set_msgstr(String::new()).ok();
        }
    }
    if let Some(title) = &book.config.book.title {
        let translated = catalog
            .find_message(None, title, None)
            .and_then(|message| message.msgstr().ok())
            .filter(|msgstr| !msgstr.is_empty());
        if let Some(translated) = translated {
            book.config.book.title = Some(translated.to_owned());
        }
    }
    add_stripped_summary_translations(&mut catalog);
    let english = chapter_texts(book);
    translate_book(&catalog, &mut book.book)
        .map_err(|e| format!("cannot translate the book into `{code}`: {e:#}"))?;
    book.book.for_each_chapter_mut(|chapter| {
        if let Some(original) = english.get(&chapter.path) {
            chapter.content = heading_ids::keep_english_ids(original, &chapter.content);
        }
    });
    Ok(())
}

/// Each chapter's English text, by its path, before it is translated.
fn chapter_texts(book: &MDBook) -> HashMap<Option<PathBuf>, String> {
    book.iter()
        .filter_map(|item| match item {
            BookItem::Chapter(chapter) => Some((chapter.path.clone(), chapter.content.clone())),
            _ => None,
        })
        .collect()
}

/// `pot`: extracts the template from the English book and merges it into every translation,
/// creating a translation's catalog if it has none. A file is rewritten only if more than its
/// creation date changed. Prints what it did and each translation's statistics.
pub fn refresh(book_dir: &Path) -> Result<(), String> {
    let book = render::load(book_dir, ENGLISH, false)?;
    let mut template = extract(&book)?;
    let template_path = template_path(book_dir);
    if let Ok(committed) = read(&template_path) {
        if same_messages(&to_text(&template)?, &to_text(&committed)?) {
            // Unchanged: keep its date, so the translations' headers need not change either.
            template.metadata.pot_creation_date = committed.metadata.pot_creation_date;
        }
    }
    fs::create_dir_all(book_dir.join(PO_DIR))
        .map_err(|e| format!("cannot create {}: {e}", book_dir.join(PO_DIR).display()))?;
    let count = template.count();
    match write_if_changed(&template_path, &to_text(&template)?)? {
        true => println!(
            "Wrote {} ({count} messages).",
            shown(book_dir, &template_path)
        ),
        false => println!(
            "{} is up to date ({count} messages).",
            shown(book_dir, &template_path)
        ),
    }

    for code in languages::TRANSLATIONS {
        let path = catalog_path(book_dir, code);
        let old = match path.exists() {
            true => read(&path)?,
            false => new_translation(code, &template)?,
        };
        let merged = merge(&template, old);
        let statistics = Statistics::of(&template, &merged);
        let verb = match write_if_changed(&path, &to_text(&merged)?)? {
            true => "Updated",
            false => "Unchanged:",
        };
        println!("{verb} {}: {statistics}", shown(book_dir, &path));
    }
    Ok(())
}

/// `translations`: whether the committed template is what the English book gives now (it must
/// be), and each translation's statistics. With `require_complete`, an untranslated or fuzzy
/// message is a problem too. `Ok(false)` when there are problems (printed).
pub fn status(book_dir: &Path, require_complete: bool) -> Result<bool, String> {
    let book = render::load(book_dir, ENGLISH, false)?;
    let template = extract(&book)?;
    let path = template_path(book_dir);
    let mut sound = true;
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if same_messages(&to_text(&template)?, &committed) {
        println!(
            "{} is up to date with the English book ({} messages).",
            shown(book_dir, &path),
            template.count()
        );
    } else {
        sound = false;
        println!(
            "error: {} is out of date: {}. Run `cargo xtask pot` to extract it again and merge it \
             into the translations, then translate what it marks new or fuzzy.",
            shown(book_dir, &path),
            what_changed(&template, &path)
        );
    }
    for code in languages::TRANSLATIONS {
        let path = catalog_path(book_dir, code);
        let translation = match path.exists() {
            true => read(&path)?,
            false => Catalog::new(CatalogMetadata::new()),
        };
        let statistics = Statistics::of(&template, &translation);
        println!("{}: {statistics}", shown(book_dir, &path));
        if require_complete && !statistics.is_complete() {
            sound = false;
            println!(
                "error: the `{code}` translation must be complete: translate the empty messages \
                 of {} and check the fuzzy ones (then remove their `fuzzy` flag)",
                shown(book_dir, &path)
            );
        }
    }
    Ok(sound)
}

/// How the English book's messages differ from the committed template's, in a few words.
fn what_changed(template: &Catalog, committed: &Path) -> String {
    let Ok(committed) = read(committed) else {
        return "it is missing or cannot be read".to_owned();
    };
    let has = |catalog: &Catalog, msgid: &str| catalog.find_message(None, msgid, None).is_some();
    let new = template
        .messages()
        .filter(|m| !has(&committed, m.msgid()))
        .count();
    let gone = committed
        .messages()
        .filter(|m| !has(template, m.msgid()))
        .count();
    match (new, gone) {
        (0, 0) => "the book's messages moved (their order or chapters changed)".to_owned(),
        _ => format!(
            "{new} message(s) of the English book are not in it, and {gone} of its messages are \
             no longer in the book"
        ),
    }
}

/// A path under the book folder as the person at the workspace root names it: `book/po/ko.po`.
fn shown(book_dir: &Path, path: &Path) -> String {
    let root = book_dir.parent().unwrap_or(book_dir);
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Reads a catalog.
fn read(path: &Path) -> Result<Catalog, String> {
    po_file::parse(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A new translation into `code`, with no message translated yet.
fn new_translation(code: &str, template: &Catalog) -> Result<Catalog, String> {
    let metadata = &template.metadata;
    // Markdown messages have no plural forms, so one form is right whatever the language.
    let header = format!(
        "Project-Id-Version: {}\nPOT-Creation-Date: {}\nPO-Revision-Date: \nLast-Translator: \n\
         Language-Team: \nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\
         Content-Transfer-Encoding: 8bit\nLanguage: {code}\nPlural-Forms: nplurals=1; plural=0;\n",
        metadata.project_id_version, metadata.pot_creation_date
    );
    let metadata = CatalogMetadata::parse(&header).map_err(|e| e.to_string())?;
    Ok(Catalog::new(metadata))
}

/// A catalog as polib writes it to a file.
fn to_text(catalog: &Catalog) -> Result<String, String> {
    // polib writes only to files. A name of our own per call, as tests call this in parallel.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let scratch =
        std::env::temp_dir().join(format!("workbook-book-{}-{call}.po", std::process::id()));
    let text = po_file::write(catalog, &scratch).and_then(|()| fs::read_to_string(&scratch));
    let _ = fs::remove_file(&scratch);
    text.map_err(|e| format!("cannot write a catalog to {}: {e}", scratch.display()))
}

/// Whether two catalogs' texts are the same but for the creation date.
fn same_messages(a: &str, b: &str) -> bool {
    let without_date = |text: &str| {
        text.lines()
            .filter(|line| !line.starts_with(CREATION_DATE))
            .collect::<Vec<_>>()
            .join("\n")
    };
    without_date(a) == without_date(b)
}

/// Writes `text` to `path` unless the file already says the same but for the creation date.
/// Returns whether it wrote.
fn write_if_changed(path: &Path, text: &str) -> Result<bool, String> {
    let current = fs::read_to_string(path).unwrap_or_default();
    if path.exists() && same_messages(&current, text) {
        return Ok(false);
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(true)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use polib::message::Message;

    /// A catalog of `(msgid, msgstr, fuzzy)` messages, for tests here and in `merge`.
    pub(crate) fn catalog(messages: &[(&str, &str, bool)]) -> Catalog {
        let mut catalog = Catalog::new(CatalogMetadata::new());
        for &(msgid, msgstr, fuzzy) in messages {
            let mut message = Message::build_singular()
                .with_msgid(msgid.to_owned())
                .with_msgstr(msgstr.to_owned())
                .done();
            if fuzzy {
                message.flags_mut().add_flag("fuzzy");
            }
            catalog.append_or_update(message);
        }
        catalog
    }

    #[test]
    fn counts_like_msgfmt() {
        let template = catalog(&[
            ("a", "", false),
            ("b", "", false),
            ("c", "", false),
            ("d", "", false),
        ]);
        let translation = catalog(&[("a", "가", false), ("b", "나", true), ("c", "", false)]);
        let statistics = Statistics::of(&template, &translation);
        assert_eq!(
            statistics,
            Statistics {
                translated: 1,
                fuzzy: 1,
                untranslated: 2
            }
        );
        assert!(!statistics.is_complete());
        assert_eq!(
            statistics.to_string(),
            "1 translated message, 1 fuzzy translation, 2 untranslated messages."
        );
        let done = Statistics::of(&catalog(&[("a", "", false)]), &translation);
        assert!(done.is_complete());
        assert_eq!(
            done.to_string(),
            "1 translated message, 0 fuzzy translations, 0 untranslated messages."
        );
    }

    #[test]
    fn the_creation_date_alone_is_no_change() {
        let a = "msgid \"\"\nmsgstr \"\"\n\"POT-Creation-Date: 2025-01-01T00:00:00Z\\n\"\n";
        let b = "msgid \"\"\nmsgstr \"\"\n\"POT-Creation-Date: 2026-02-02T00:00:00Z\\n\"\n";
        assert!(same_messages(a, b));
        assert!(!same_messages(a, &b.replace("msgstr", "msgid")));
    }

    #[test]
    fn a_new_translation_is_a_valid_empty_catalog() {
        let template = catalog(&[("a", "", false)]);
        let translation = new_translation("ko", &template).unwrap();
        assert_eq!(translation.metadata.language, "ko");
        assert!(translation.is_empty());
        let text = to_text(&translation).unwrap();
        assert!(
            text.contains("\"Plural-Forms: nplurals=1; plural=0;\\n\""),
            "{text}"
        );
    }
}
