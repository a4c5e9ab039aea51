//! Headings keep their English ids in a translation, so `#anchor` links work in every language.
//!
//! mdBook gives each heading an id made from its text: `## Run it` becomes `id="run-it"`, and the
//! chapters link to one another's sections with those ids (`best-practices.md#run-it`). Once a
//! heading is translated its text, and so its id, changes, and every link to it would point at
//! nothing. So after a chapter is translated, each of its headings gets the id its English
//! heading has, written as a heading attribute (`## 실행하기 {#run-it}`), which mdBook honours.
//! A translation keeps the English structure, so the n-th heading of the translated chapter is
//! the n-th heading of the English one; if the counts differ, the chapter is left as it is (and
//! the link check reports what broke).

use std::collections::HashSet;
use std::ops::Range;

use mdbook_markdown::pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// `translated`, with each heading given the id of the English heading in its place.
pub fn keep_english_ids(english: &str, translated: &str) -> String {
    let ids = english_ids(english);
    let headings = headings(translated);
    if ids.len() != headings.len() {
        return translated.to_owned();
    }
    let mut out = translated.to_owned();
    // From the end, so the earlier ranges stay valid as text is inserted.
    for (heading, id) in headings.iter().zip(ids).rev() {
        if heading.explicit_id {
            continue;
        }
        let line_end = translated[heading.range.clone()]
            .trim_end_matches(['\n', '\r'])
            .trim_end()
            .len();
        // An ATX heading may close with #s: the attribute goes before them.
        let text = &translated[heading.range.start..heading.range.start + line_end];
        let insert_at = heading.range.start + text.trim_end_matches('#').trim_end().len();
        out.insert_str(insert_at, &format!(" {{#{id}}}"));
    }
    out
}

/// A heading in a chapter: where it is, and whether it already names its id.
struct Heading {
    range: Range<usize>,
    explicit_id: bool,
}

fn headings(markdown: &str) -> Vec<Heading> {
    Parser::new_ext(markdown, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Heading { id, .. }) => Some(Heading {
                range,
                explicit_id: id.is_some(),
            }),
            _ => None,
        })
        .collect()
}

/// The ids mdBook gives a chapter's headings: an explicit `{#id}`, or one made from the text,
/// made unique within the page with `-1`, `-2`… as mdBook does.
fn english_ids(markdown: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut used = HashSet::new();
    let mut current: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((id.map(|id| id.to_string()), String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, content)) = &mut current {
                    content.push_str(&text);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((explicit, content)) = current.take() {
                    let id = explicit.unwrap_or_else(|| id_from_content(&content));
                    ids.push(unique(id, &mut used));
                }
            }
            _ => {}
        }
    }
    ids
}

/// mdBook's id for a heading's text: lower case, letters, digits, `_` and `-` kept, spaces as
/// `-`, the rest dropped (mdbook-html's `id_from_content`, which it does not export).
fn id_from_content(content: &str) -> String {
    content
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|ch| match ch {
            ch if ch.is_alphanumeric() || ch == '_' || ch == '-' => Some(ch),
            ch if ch.is_whitespace() => Some('-'),
            _ => None,
        })
        .collect()
}

fn unique(id: String, used: &mut HashSet<String>) -> String {
    if used.insert(id.clone()) {
        return id;
    }
    (1..)
        .map(|n| format!("{id}-{n}"))
        .find(|candidate| used.insert(candidate.clone()))
        .expect("some suffix is free")
}

/// The parser options mdBook uses that matter for headings.
fn options() -> Options {
    Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_headings_keep_the_english_ids() {
        let english = "# 3. Event models\n\nText.\n\n## Run it\n\n### Hints\n\n## Run it\n";
        let korean = "# 3. 이벤트 모델\n\n본문.\n\n## 실행하기\n\n### 힌트\n\n## 실행하기\n";
        assert_eq!(
            keep_english_ids(english, korean),
            "# 3. 이벤트 모델 {#3-event-models}\n\n본문.\n\n## 실행하기 {#run-it}\n\n### 힌트 {#hints}\n\n## 실행하기 {#run-it-1}\n"
        );
    }

    #[test]
    fn code_in_a_heading_counts_and_explicit_ids_are_kept() {
        let english = "## The `verify` command {#verify}\n\n## `Lambda::invoke` ##\n";
        let korean = "## `verify` 명령\n\n## `Lambda::invoke` 호출 {#call}\n";
        assert_eq!(
            keep_english_ids(english, korean),
            "## `verify` 명령 {#verify}\n\n## `Lambda::invoke` 호출 {#call}\n"
        );
        assert_eq!(english_ids(english), ["verify", "lambdainvoke"]);
    }

    #[test]
    fn a_chapter_whose_headings_do_not_line_up_is_left_alone() {
        let english = "## One\n\n## Two\n";
        let korean = "## 하나\n";
        assert_eq!(keep_english_ids(english, korean), korean);
    }
}
