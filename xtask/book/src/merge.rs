//! Bringing a translation up to date with a new template, as gettext's `msgmerge` does.
//!
//! When the English book changes, `cargo xtask pot` extracts a new template
//! (`messages.pot`) and merges it into each translation (`ko.po`). The result has exactly the
//! template's messages, in its order, with their new sources and comments, and:
//!
//! - a message whose English is unchanged keeps its translation (and its `fuzzy` flag, if the
//!   translator had left one);
//! - a message whose English changed is matched to the most similar old message that had a
//!   translation, whose translation it takes, marked **fuzzy**: a draft to check, not a
//!   translation. The build shows the English until the translator removes the flag;
//! - a new message with nothing similar is **untranslated** (an empty `msgstr`);
//! - messages the book no longer has are dropped (git's history keeps them). `msgmerge` would
//!   keep them as `#~` comments, which only lengthen the file.
//!
//! "Most similar" is measured on the words, like `msgmerge`'s fuzzy matching but simpler: the
//! Dice coefficient of the two messages' sets of words, `2·|common| / (|a| + |b|)`, with the
//! same threshold of 0.6. A sentence with a few words changed scores far above it; two
//! unrelated paragraphs share little beyond "the" and "a" and score below.

use std::collections::BTreeSet;

use polib::catalog::Catalog;
use polib::message::{Message, MessageFlags, MessageView};

use crate::translations;

/// How similar an old message must be to lend its translation to a changed one.
const FUZZY_THRESHOLD: f64 = 0.6;

/// The translation `old` brought up to date with `template`. The header is the translation's
/// own, but for the template's creation date.
pub fn merge(template: &Catalog, mut old: Catalog) -> Catalog {
    let mut header = std::mem::take(&mut old.metadata);
    header.pot_creation_date = template.metadata.pot_creation_date.clone();
    let mut merged = Catalog::new(header);
    // The translated old messages, with their words, as candidates for changed messages.
    let candidates: Vec<(BTreeSet<String>, &dyn MessageView)> = old
        .messages()
        .filter(|message| message.is_translated())
        .map(|message| (words(message.msgid()), message))
        .collect();
    for message in template.messages() {
        let context = translations::context(message);
        let (msgstr, fuzzy) = match old.find_message(context, message.msgid(), None) {
            Some(same) => (
                same.msgstr().unwrap_or_default().to_owned(),
                same.is_fuzzy(),
            ),
            None => match most_similar(message.msgid(), &candidates) {
                Some(similar) => (similar.msgstr().unwrap_or_default().to_owned(), true),
                None => (String::new(), false),
            },
        };
        let mut flags = MessageFlags::new();
        if fuzzy {
            flags.add_flag("fuzzy");
        }
        merged.append_or_update(
            Message::build_singular()
                .with_msgctxt(message.msgctxt().to_owned())
                .with_comments(message.comments().to_owned())
                .with_source(message.source().to_owned())
                .with_flags(flags)
                .with_msgid(message.msgid().to_owned())
                .with_msgstr(msgstr)
                .done(),
        );
    }
    merged
}

/// The old message most like `msgid`, if one is similar enough.
fn most_similar<'a>(
    msgid: &str,
    candidates: &[(BTreeSet<String>, &'a dyn MessageView)],
) -> Option<&'a dyn MessageView> {
    let words = words(msgid);
    candidates
        .iter()
        .map(|(other, message)| (similarity(&words, other), *message))
        .filter(|(score, _)| *score >= FUZZY_THRESHOLD)
        // The first of equals, so the result does not depend on anything but the catalogs.
        .fold(
            None,
            |best: Option<(f64, &dyn MessageView)>, (score, message)| match best {
                Some((best_score, _)) if best_score >= score => best,
                _ => Some((score, message)),
            },
        )
        .map(|(_, message)| message)
}

/// The lower-cased words of a message (runs of letters and digits).
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The Dice coefficient of two sets of words: 1 for the same words, 0 for none in common.
fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translations::tests::catalog;

    fn entries(catalog: &Catalog) -> Vec<(String, String, bool)> {
        catalog
            .messages()
            .map(|m| {
                let msgstr = m.msgstr().unwrap_or_default().to_owned();
                (m.msgid().to_owned(), msgstr, m.is_fuzzy())
            })
            .collect()
    }

    #[test]
    fn keeps_translations_marks_changes_fuzzy_and_drops_the_rest() {
        let old = catalog(&[
            ("Layers and packaging", "계층과 패키징", false),
            (
                "A layer is a ZIP archive of libraries that Lambda extracts into /opt.",
                "계층은 Lambda가 /opt에 푸는 라이브러리 ZIP 아카이브입니다.",
                false,
            ),
            ("Still a draft", "초안", true),
            ("Gone from the book", "사라진 문장", false),
        ]);
        let template = catalog(&[
            ("Still a draft", "", false),
            (
                "A layer is a ZIP archive of libraries that Lambda extracts into /opt first.",
                "",
                false,
            ),
            ("Layers and packaging", "", false),
            ("Concurrency and scaling", "", false),
        ]);
        let merged = merge(&template, old);
        let entry = |msgid: &str, msgstr: &str, fuzzy| (msgid.to_owned(), msgstr.to_owned(), fuzzy);
        assert_eq!(
            entries(&merged),
            [
                entry("Still a draft", "초안", true),
                entry(
                    "A layer is a ZIP archive of libraries that Lambda extracts into /opt first.",
                    "계층은 Lambda가 /opt에 푸는 라이브러리 ZIP 아카이브입니다.",
                    true
                ),
                entry("Layers and packaging", "계층과 패키징", false),
                entry("Concurrency and scaling", "", false),
            ]
        );
    }

    #[test]
    fn a_message_in_two_diagrams_keeps_each_translation() {
        let in_context = |context: &str, msgstr: &str| {
            Message::build_singular()
                .with_msgctxt(context.to_owned())
                .with_msgid("busy".to_owned())
                .with_msgstr(msgstr.to_owned())
                .done()
        };
        let mut old = catalog(&[("busy", "바쁜", false)]);
        old.append_or_update(in_context("images/a.svg", "바쁨"));
        old.append_or_update(in_context("images/b.svg", "처리 중"));
        let mut template = catalog(&[("busy", "", false)]);
        template.append_or_update(in_context("images/b.svg", ""));
        template.append_or_update(in_context("images/a.svg", ""));
        let merged = merge(&template, old);
        let found = |context| {
            let message = merged.find_message(context, "busy", None).unwrap();
            (
                message.msgstr().unwrap().to_owned(),
                message.msgctxt().to_owned(),
            )
        };
        assert_eq!(found(None), ("바쁜".to_owned(), String::new()));
        assert_eq!(
            found(Some("images/a.svg")),
            ("바쁨".to_owned(), "images/a.svg".to_owned())
        );
        assert_eq!(
            found(Some("images/b.svg")),
            ("처리 중".to_owned(), "images/b.svg".to_owned())
        );
    }

    #[test]
    fn similarity_is_on_words() {
        let a = words("Cold starts: the first request waits.");
        assert_eq!(similarity(&a, &a), 1.0);
        let b = words("Cold starts: the first request waits longer.");
        assert!(similarity(&a, &b) > FUZZY_THRESHOLD);
        let c = words("Warm starts reuse the environment.");
        assert!(similarity(&a, &c) < FUZZY_THRESHOLD);
    }
}
