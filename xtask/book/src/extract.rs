//! The messages to translate: what `mdbook-xgettext` extracts from the English book, less what
//! stays English.
//!
//! Gettext works on *messages*: each paragraph, heading, list item and table cell of a chapter
//! is one, and so is each title in `SUMMARY.md`. [`extract`] asks mdbook-i18n-helpers for them,
//! the way its `mdbook-xgettext` renderer does, then leaves out two kinds a translator would
//! only have to copy:
//!
//! - **text from code blocks.** The library offers the comments and string literals of code
//!   for translation, but our rule is that code and its comments stay English (learners meet
//!   the same code in the exercises);
//! - **messages with no words outside inline code**, such as a table cell that is just
//!   `` `END RequestId: …` ``: they read the same in every language.
//!
//! Neither needs a translation at build time: a message the catalog does not translate is left
//! as it is. The book's title, from `book.toml`, is added as the first message.
//!
//! Messages point at their chapter file, without line numbers (`#: src/concurrency.md`), so the
//! template changes only when a message does: it is stale exactly when the English text
//! changed, which is what `cargo xtask check` looks for.
//!
//! After the chapters' messages come the diagrams' ([`crate::svg_text`] says how and why): each
//! SVG file's, in drawing order, with the file's path under `src/` as the message's context.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use mdbook_driver::book::BookItem;
use mdbook_driver::MDBook;
use mdbook_i18n_helpers::xgettext::create_catalogs;
use mdbook_i18n_helpers::{extract_events, group_events, reconstruct_markdown, Group};
use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
use mdbook_renderer::RenderContext;
use polib::catalog::Catalog;
use polib::message::{Message, MessageView};

use crate::{diagrams, svg_text};

/// Where a message comes from when it is the book's title.
const TITLE_SOURCE: &str = "book.toml";

/// The English book's messages, as `book/po/messages.pot` holds them. `book` is the book as
/// loaded from disk: its chapters as written, with their fragments (hints, answers) spliced in
/// ([`crate::fragments`]), before mdBook expands the other `{{#include}}`s.
pub fn extract(book: &MDBook) -> Result<Catalog, String> {
    let mut config = book.config.clone();
    // 0: sources without line numbers (see the module documentation).
    config
        .set("output.xgettext.granularity", 0)
        .map_err(|e| format!("cannot configure the extraction: {e:#}"))?;
    // The context a renderer gets; the extraction only reads it, and writes nothing.
    let context = RenderContext::new(&book.root, book.book.clone(), config, &book.root);
    let catalogs = create_catalogs(&context, fs::read_to_string)
        .map_err(|e| format!("cannot extract the book's messages: {e:#}"))?;
    // With the default depth of 0, the library puts every message in one catalog.
    let mut extracted = catalogs
        .into_values()
        .next()
        .ok_or("the extraction found no catalog")?;

    let mut prose = BTreeSet::new();
    for item in book.iter() {
        if let BookItem::Chapter(chapter) = item {
            prose.extend(
                prose_messages(&chapter.content)
                    .map_err(|e| format!("cannot read the messages of `{}`: {e}", chapter.name))?,
            );
        }
    }
    let keep = |message: &dyn MessageView| {
        let from_summary = message.source().contains("SUMMARY.md");
        (from_summary || prose.contains(message.msgid())) && has_words(message.msgid())
    };

    let mut catalog = Catalog::new(std::mem::take(&mut extracted.metadata));
    if let Some(title) = &book.config.book.title {
        catalog.append_or_update(
            Message::build_singular()
                .with_source(TITLE_SOURCE.to_owned())
                .with_msgid(title.clone())
                .done(),
        );
    }
    let msgids: Vec<String> = extracted
        .messages()
        .filter(|message| keep(*message))
        .map(|message| message.msgid().to_owned())
        .collect();
    for msgid in msgids {
        if let Some(message) = extracted.detach_message(None, &msgid, None) {
            catalog.append_or_update(message);
        }
    }
    let source_dir = book.root.join(&book.config.book.src);
    for message in diagram_messages(&source_dir, &book.config.book.src)? {
        catalog.append_or_update(message);
    }
    Ok(catalog)
}

/// The messages of every diagram under `source_dir`, the book's source folder (`book.toml`
/// names it `source_name`, `src`): each with the diagram's path in that folder as its context,
/// the path the chapters link it by (`images/concurrency.svg`), and as its source the path a
/// translator finds it at (`src/images/concurrency.svg`).
fn diagram_messages(source_dir: &Path, source_name: &Path) -> Result<Vec<Message>, String> {
    let cannot =
        |e: std::io::Error| format!("cannot read the diagrams in {}: {e}", source_dir.display());
    let mut messages = Vec::new();
    for file in diagrams::svg_files(source_dir).map_err(cannot)? {
        let svg = fs::read_to_string(&file).map_err(cannot)?;
        let context = diagram_context(file.strip_prefix(source_dir).unwrap_or(&file));
        let source = source_name
            .join(&context)
            .display()
            .to_string()
            .replace('\\', "/");
        for msgid in svg_text::messages(&svg) {
            messages.push(
                Message::build_singular()
                    .with_source(source.clone())
                    .with_msgctxt(context.clone())
                    .with_msgid(msgid)
                    .done(),
            );
        }
    }
    Ok(messages)
}

/// The context of a diagram's messages: its path under `src`, with `/` on every system.
pub fn diagram_context(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

/// The messages of a chapter that are prose, not text from a code block, spelt exactly as the
/// extraction spells them. It walks the chapter as `mdbook_i18n_helpers::extract_messages`
/// does, noting whether each message lies within a code block.
fn prose_messages(markdown: &str) -> Result<Vec<String>, String> {
    let events = extract_events(markdown, None);
    let groups = group_events(&events).map_err(|e| e.to_string())?;
    let mut messages = Vec::new();
    // The Markdown writer's state, carried from group to group as the extraction carries it:
    // the same message can be spelt differently in another context (inside a list, say).
    let mut state = None;
    let mut in_code_block = false;
    for group in &groups {
        let (events, translatable) = match group {
            Group::Translate { events, .. } => (events, true),
            Group::Skip(events) => (events, false),
        };
        if translatable && events.is_empty() {
            continue;
        }
        let (text, next_state) = reconstruct_markdown(events, state).map_err(|e| e.to_string())?;
        state = Some(next_state);
        // A code block whose language the library does not know is one group, start to end;
        // one it knows is split into its comments and strings, between a start and an end.
        let starts_code_block =
            matches!(events.first(), Some((_, Event::Start(Tag::CodeBlock(_)))));
        if translatable && !in_code_block && !starts_code_block && !text.trim().is_empty() {
            messages.push(text);
        }
        for (_, event) in events {
            match event {
                Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
                Event::End(TagEnd::CodeBlock) => in_code_block = false,
                _ => {}
            }
        }
    }
    Ok(messages)
}

/// Whether a message has something to translate: a letter outside inline code.
fn has_words(msgid: &str) -> bool {
    extract_events(msgid, None).iter().any(
        |(_, event)| matches!(event, Event::Text(text) if text.chars().any(char::is_alphabetic)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAPTER: &str = r#"# Cold starts

A *cold start* runs your init code.

```rust
// Connect once, outside the handler.
let db = connect("postgres://db");
```

| A line like | What it means |
|---|---|
| `END RequestId: …` | The handler has finished. |

```sh
cargo xtask verify # every exercise
```
"#;

    #[test]
    fn code_blocks_are_not_prose() {
        assert_eq!(
            prose_messages(CHAPTER).unwrap(),
            [
                "Cold starts",
                "A _cold start_ runs your init code.",
                "A line like",
                "What it means",
                "`END RequestId: …`",
                "The handler has finished.",
            ]
        );
    }

    #[test]
    fn a_message_of_inline_code_alone_has_no_words() {
        assert!(!has_words("`END RequestId: …`"));
        assert!(!has_words("`a` → `b`, 6"));
        assert!(has_words("The `END` line"));
        assert!(has_words("[the guide](guide.md)"));
        assert!(has_words("동기식 호출"));
    }
}
