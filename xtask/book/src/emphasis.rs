//! Emphasis marks that a translation left as text.
//!
//! CommonMark decides whether `**` or `_` opens or closes emphasis by what is around the mark,
//! with rules made for languages that put spaces between words. In Korean a particle follows
//! the word without a space, and a translator naturally writes `**콜드 스타트(cold start)**를`:
//! that closing mark has punctuation before it and a letter after it, so it closes nothing, and
//! the reader sees the asterisks. `_올림_합니다` fails the same way (`_` never closes between
//! two letters). mdBook renders such marks as text without a word, so the translated book is
//! checked for them when it is built.

use mdbook_driver::book::BookItem;
use mdbook_driver::MDBook;
use mdbook_markdown::pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The emphasis marks left as text in the chapters of a translated book, one line each. Such a
/// mark is found as a `**`, or a `_` or `*` beside a letter outside ASCII, in the text of a
/// chapter (outside code, where marks are only characters).
pub fn stray_emphasis(book: &MDBook) -> Vec<String> {
    let mut problems = Vec::new();
    for item in book.iter() {
        let BookItem::Chapter(chapter) = item else {
            continue;
        };
        let Some(path) = &chapter.source_path else {
            continue;
        };
        problems.extend(texts(&chapter.content).iter().filter_map(|text| {
            let context = stray_mark(text)?;
            Some(format!(
                "{}: an emphasis mark shows as text in `{context}`; in Korean, end emphasis \
                 before punctuation and put a space or punctuation after it \
                 (`**콜드 스타트**(cold start)를`), see book/po/README.md",
                path.display()
            ))
        }));
    }
    problems
}

/// The runs of text of a Markdown document, outside code. The parser gives a mark that opens
/// or closes nothing as a text event of its own, so consecutive text events are joined.
fn texts(markdown: &str) -> Vec<String> {
    let mut texts = vec![String::new()];
    let mut in_code_block = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) if !in_code_block => {
                if let Some(run) = texts.last_mut() {
                    run.push_str(&text);
                }
                continue;
            }
            _ => {}
        }
        texts.push(String::new());
    }
    texts.retain(|text| !text.is_empty());
    texts
}

/// The words around the first stray emphasis mark in `text`, if it has one.
fn stray_mark(text: &str) -> Option<String> {
    let characters: Vec<char> = text.chars().collect();
    let foreign_letter = |i: Option<usize>| {
        i.and_then(|i| characters.get(i))
            .is_some_and(|c| c.is_alphabetic() && !c.is_ascii())
    };
    let at = (0..characters.len()).find(|&i| match characters[i] {
        '*' if characters.get(i + 1) == Some(&'*') => true,
        '_' | '*' => foreign_letter(i.checked_sub(1)) || foreign_letter(Some(i + 1)),
        _ => false,
    })?;
    let start = at.saturating_sub(20);
    let end = (at + 20).min(characters.len());
    Some(characters[start..end].iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_emphasis_marks_left_as_text() {
        let shown = |markdown: &str| -> Vec<String> {
            texts(markdown)
                .iter()
                .filter_map(|text| stray_mark(text))
                .collect()
        };
        assert_eq!(
            shown("**콜드 스타트**(cold start)를 _올림한_ 값"),
            Vec::<String>::new()
        );
        assert_eq!(shown("`a_b` and snake_case"), Vec::<String>::new());
        assert_eq!(
            shown("```rust\nlet 값 = **참조;\n```"),
            Vec::<String>::new()
        );
        let found = shown("먼저 **콜드 스타트(cold start)**를 봅니다");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("먼저 **콜드 스타트(cold start)"),
            "{found:?}"
        );
        assert_eq!(
            shown("1 ms 단위로 _올림_합니다"),
            ["1 ms 단위로 _올림_합니다"]
        );
    }
}
