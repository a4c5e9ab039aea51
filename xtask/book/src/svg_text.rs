//! The text of the book's diagrams, translated through the same catalog as the chapters.
//!
//! The diagrams are SVG files in `book/src/images/` (drawn by hand, or by the invoker in
//! `generated/`), shown with `![…](images/x.svg)`. Their words are in `<text>` and `<tspan>`
//! elements, and in `<title>` and `<desc>`, which a reader sees when the drawing is opened on
//! its own. The design:
//!
//! - **Extraction.** `cargo xtask pot` adds each piece of a diagram's text to `messages.pot`
//!   ([`messages`]), after the chapters' messages, with the diagram's path as its context
//!   (`msgctxt "images/x.svg"`) and its source (`#: src/images/x.svg`). A translator meets
//!   them in the catalog like any other message, diagram by diagram, in drawing order, so the
//!   lines of one label are read together. The context keeps them apart from the chapters'
//!   messages: the chapters are translated by a library that looks messages up without a
//!   context, so a short label ("event", "busy") can never translate a word in a code block,
//!   and the same word may be translated differently in two drawings that need different
//!   lengths.
//! - **Translation.** After the Korean book is rendered, the SVG files mdBook copied into its
//!   folder (`book/build/ko/images/`) are rewritten with the catalog's translations
//!   ([`translate`]), so every Korean page shows its Korean drawings through the same
//!   `images/x.svg` link as the English page; the English files are never touched.
//! - **Fit.** A translated label may be wider than the English one the author fitted into its
//!   box. Only a browser knows the exact width, and the build has none, so the widths are
//!   estimated from the kind of each character ([`estimated_width`]: a Hangul syllable is
//!   about a square, a Latin letter about half of one), and a label whose translation is
//!   estimated wider than its English is drawn smaller by that ratio, so it takes no more room
//!   than the English did. At most down to [`SMALLEST_SCALE`]: a translation that would need
//!   more is a build error that asks for a shorter one. `book --check` then measures every
//!   drawing of both languages in Chromium ([`crate::diagrams`]).
//!
//! Inlining the drawings into the pages (so that mdBook translates them as text) was the other
//! way: it would put 8 KB of SVG into a chapter's Markdown for every drawing, make the drawings
//! share the page's styles, and give translators markup instead of sentences.
//!
//! What is not a message: text set in a monospace font (code, as in the chapters, stays as it
//! is) and text without a letter (`429`, `1 000`).

use std::ops::Range;

/// The smallest a translated label may be drawn, relative to its English size.
pub const SMALLEST_SCALE: f64 = 0.8;

/// The size text is drawn at when nothing sets it, as in a browser.
const DEFAULT_FONT_SIZE: f64 = 16.0;

/// The elements whose character data a reader sees (or hears) as text.
const TEXT_ELEMENTS: [&str; 4] = ["text", "tspan", "title", "desc"];

/// One run of character data in a diagram, inside one of [`TEXT_ELEMENTS`].
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Where it is in the SVG source, without the whitespace around it.
    pub range: Range<usize>,
    /// The text, with XML's escapes (`&lt;`) resolved.
    pub text: String,
    /// Set in a monospace font: code, which stays as it is.
    pub code: bool,
    /// The `<text>`, `<title>` or `<desc>` it belongs to (a `<tspan>` belongs to its `<text>`).
    pub label: usize,
}

impl Piece {
    /// Whether a translator translates it: words, not code.
    pub fn is_message(&self) -> bool {
        !self.code && self.text.chars().any(char::is_alphabetic)
    }
}

/// A `<text>` (or `<title>`, `<desc>`) element of a diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Its start tag, `<text …>`, in the SVG source.
    pub start_tag: Range<usize>,
    /// The size its text is drawn at: its own `font-size`, or the one it inherits.
    pub font_size: f64,
    /// Whether it is drawn (a `<text>`); titles and descriptions are not.
    pub drawn: bool,
}

/// The diagram's labels and every piece of their text, in the order they are written.
#[derive(Debug, Default, PartialEq)]
pub struct Text {
    pub labels: Vec<Label>,
    pub pieces: Vec<Piece>,
}

/// An open element while [`read`] walks the source.
struct Open<'a> {
    name: &'a str,
    monospace: bool,
    font_size: Option<f64>,
    label: Option<usize>,
}

/// Reads the text of an SVG drawing. The drawings are the book's own, written as plain SVG:
/// elements, attributes in quotes, comments; no CDATA sections or entity declarations.
pub fn read(svg: &str) -> Text {
    let mut text = Text::default();
    let mut open: Vec<Open> = Vec::new();
    let mut at = 0;
    while at < svg.len() {
        let Some(offset) = svg[at..].find('<') else {
            break;
        };
        let data = at..at + offset;
        add_piece(svg, data, &open, &mut text);
        let tag_start = at + offset;
        let rest = &svg[tag_start..];
        let skip_to = |end: &str| {
            rest.find(end)
                .map_or(svg.len(), |i| tag_start + i + end.len())
        };
        if rest.starts_with("<!--") {
            at = skip_to("-->");
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            at = skip_to(">");
            continue;
        }
        let tag_end = skip_to(">");
        let tag = &svg[tag_start..tag_end];
        at = tag_end;
        if let Some(closing) = tag.strip_prefix("</") {
            let name = closing.trim_end_matches('>').trim();
            if let Some(index) = open.iter().rposition(|element| element.name == name) {
                open.truncate(index);
            }
            continue;
        }
        let name_end = tag[1..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(tag.len(), |i| i + 1);
        let name = &tag[1..name_end];
        let monospace = attribute(tag, "font-family").is_some_and(|f| f.contains("monospace"))
            || open.last().is_some_and(|parent| parent.monospace);
        let font_size = attribute(tag, "font-size")
            .and_then(|size| size.trim_end_matches("px").parse().ok())
            .or_else(|| open.last().and_then(|parent| parent.font_size));
        let inherited_label = open.last().and_then(|parent| parent.label);
        let label = match name {
            "text" | "title" | "desc" => {
                text.labels.push(Label {
                    start_tag: tag_start..tag_end,
                    font_size: font_size.unwrap_or(DEFAULT_FONT_SIZE),
                    drawn: name == "text",
                });
                Some(text.labels.len() - 1)
            }
            _ => inherited_label,
        };
        if !tag.ends_with("/>") {
            open.push(Open {
                name,
                monospace,
                font_size,
                label,
            });
        }
    }
    text
}

/// Adds the character data at `range` to `text` as a piece, if it is inside a text element
/// and is more than whitespace.
fn add_piece(svg: &str, range: Range<usize>, open: &[Open], text: &mut Text) {
    let Some(element) = open.last() else {
        return;
    };
    let (Some(label), true) = (element.label, TEXT_ELEMENTS.contains(&element.name)) else {
        return;
    };
    let data = &svg[range.clone()];
    let trimmed = data.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = range.start + (data.len() - data.trim_start().len());
    text.pieces.push(Piece {
        range: start..start + trimmed.len(),
        text: unescape(trimmed),
        code: element.monospace,
        label,
    });
}

/// The value of `name="…"` (or `'…'`) in a start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut search = 0;
    while let Some(found) = tag[search..].find(name) {
        let start = search + found;
        search = start + name.len();
        let preceded = tag[..start].ends_with(char::is_whitespace);
        let rest = tag[search..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let Some(quote) = value.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        if preceded {
            let value = &value[1..];
            return value.find(quote).map(|end| &value[..end]);
        }
    }
    None
}

/// The size of the smallest text the drawing draws, in its own pixels.
pub fn smallest_label(svg: &str) -> Option<f64> {
    read(svg)
        .labels
        .iter()
        .filter(|label| label.drawn)
        .map(|label| label.font_size)
        .min_by(f64::total_cmp)
}

/// The diagram's messages, as a translator sees them: each once, in drawing order.
pub fn messages(svg: &str) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    for piece in read(svg).pieces {
        if piece.is_message() && !messages.contains(&piece.text) {
            messages.push(piece.text);
        }
    }
    messages
}

/// The drawing with each message replaced by its translation (`translated` gives it, or `None`
/// to leave it as it is), and each label whose translation is estimated wider than its English
/// drawn smaller to take the same room. `Err` names the labels that would have to be drawn
/// smaller than [`SMALLEST_SCALE`].
pub fn translate(svg: &str, translated: impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let text = read(svg);
    // (range, new text) edits, applied from the end so the earlier ranges stay right.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut widths = vec![(0.0, 0.0); text.labels.len()];
    for piece in &text.pieces {
        let translation = piece
            .is_message()
            .then(|| translated(&piece.text))
            .flatten()
            .unwrap_or_else(|| piece.text.clone());
        widths[piece.label].0 += estimated_width(&piece.text);
        widths[piece.label].1 += estimated_width(&translation);
        if translation != piece.text {
            edits.push((piece.range.clone(), escape(&translation)));
        }
    }
    let mut too_wide = Vec::new();
    for (label, (english, translation)) in text.labels.iter().zip(&widths) {
        if !label.drawn || *translation <= *english {
            continue;
        }
        let scale = english / translation;
        if scale < SMALLEST_SCALE {
            let words: Vec<&str> = text
                .pieces
                .iter()
                .filter(|piece| text.labels[piece.label] == *label)
                .map(|piece| piece.text.as_str())
                .collect();
            too_wide.push(format!(
                "the translation of \"{}\" is about {:.0}% as wide as the English, more than \
                 the {:.0}% a label may shrink back to; make it shorter",
                words.join(" "),
                100.0 / scale,
                100.0 / SMALLEST_SCALE,
            ));
            continue;
        }
        let size = (label.font_size * scale * 10.0).floor() / 10.0;
        let tag = &svg[label.start_tag.clone()];
        edits.push((label.start_tag.clone(), with_font_size(tag, size)));
    }
    if !too_wide.is_empty() {
        return Err(too_wide.join("\n"));
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = svg.to_owned();
    for (range, replacement) in edits {
        out.replace_range(range, &replacement);
    }
    Ok(out)
}

/// The English text left in `served`, a translation's copy of the drawing `english`: each
/// message of the English drawing that `served` still shows as it is, although the catalog
/// (`translated`) translates it into something else, or does not translate it at all. A message
/// a translator kept as it is (`S3`, `API Gateway`) is its own translation, and not left over.
pub fn english_left(
    english: &str,
    served: &str,
    translated: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let english = messages(english);
    let mut left: Vec<String> = Vec::new();
    for piece in read(served).pieces {
        let is_english = english.contains(&piece.text);
        let kept = translated(&piece.text).is_some_and(|translation| translation == piece.text);
        if piece.is_message() && is_english && !kept && !left.contains(&piece.text) {
            left.push(piece.text);
        }
    }
    left
}

/// A start tag with its `font-size` set to `size`.
fn with_font_size(tag: &str, size: f64) -> String {
    let value = format!("font-size=\"{size}\"");
    match attribute(tag, "font-size") {
        Some(old) => tag.replacen(&format!("font-size=\"{old}\""), &value, 1),
        None => {
            let end = tag.trim_end_matches('>').trim_end_matches('/').len();
            format!("{} {value}{}", &tag[..end], &tag[end..])
        }
    }
}

/// About how wide `text` is drawn, in ems of its font size. Only the ratio of two such
/// estimates is used, so what matters is that each kind of character gets its share: a Hangul
/// syllable (or a CJK character) is drawn about a square, a Latin letter or a digit about half
/// of one, a space or a narrow mark about a quarter.
pub fn estimated_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{11FF}'
            | '\u{3000}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7AF}'
            | '\u{FF00}'..='\u{FFEF}' => 0.92,
            ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'i' | 'l' | 'j' | 'I' | 't' | 'f'
            | '(' | ')' | '[' | ']' => 0.3,
            'm' | 'w' | 'M' | 'W' => 0.85,
            'A'..='Z' => 0.65,
            _ => 0.55,
        })
        .sum()
}

/// `text` as XML character data.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// XML character data as text: the predefined entities and numeric references.
fn unescape(data: &str) -> String {
    let mut out = String::with_capacity(data.len());
    let mut rest = data;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semicolon) = after.find(';') else {
            out.push_str(&rest[amp..]);
            return out;
        };
        let entity = &after[..semicolon];
        let character = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                out.push(character);
                rest = &after[semicolon + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAWING: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">
  <title id="title">One invocation</title>
  <!-- <text>a comment is not text</text> -->
  <rect x="0" y="0" width="100" height="50"/>
  <text x="10" y="20" font-size="12">Caller &amp; callee</text>
  <text x="10" y="40" font-size="15" font-family="ui-monospace, monospace">handler(event)</text>
  <text x="10" y="60"><tspan font-family="monospace">cron(0 3 * * ? *)</tspan>: at 03:00</text>
  <text x="10" y="80" font-size="12">429</text>
</svg>"##;

    #[test]
    fn reads_words_but_not_code_comments_or_numbers() {
        assert_eq!(
            messages(DRAWING),
            ["One invocation", "Caller & callee", ": at 03:00"]
        );
        let text = read(DRAWING);
        let code: Vec<&str> = text
            .pieces
            .iter()
            .filter(|piece| piece.code)
            .map(|piece| piece.text.as_str())
            .collect();
        assert_eq!(code, ["handler(event)", "cron(0 3 * * ? *)"]);
        let sizes: Vec<f64> = text.labels.iter().map(|label| label.font_size).collect();
        assert_eq!(sizes, [16.0, 12.0, 15.0, 16.0, 12.0]);
        // The title is not drawn: the smallest drawn text is 12 px.
        assert_eq!(smallest_label(DRAWING), Some(12.0));
    }

    #[test]
    fn translates_in_place_and_escapes() {
        let korean = translate(DRAWING, |english| match english {
            "One invocation" => Some("호출 하나".to_owned()),
            "Caller & callee" => Some("호출자 & 피호출자".to_owned()),
            ": at 03:00" => Some(": 03:00에".to_owned()),
            _ => None,
        })
        .unwrap();
        assert!(
            korean.contains("<title id=\"title\">호출 하나</title>"),
            "{korean}"
        );
        assert!(korean.contains(">호출자 &amp; 피호출자</text>"), "{korean}");
        assert!(
            korean.contains("cron(0 3 * * ? *)</tspan>: 03:00에</text>"),
            "{korean}"
        );
        assert_eq!(
            messages(&korean),
            ["호출 하나", "호출자 & 피호출자", ": 03:00에"]
        );
    }

    #[test]
    fn a_wider_translation_is_drawn_smaller_within_a_limit() {
        let svg = r#"<svg><text x="1" font-size="12">abcdef</text></svg>"#;
        // Six Latin letters (one of them narrow) are about 3 em; three syllables about 2.8: no
        // change.
        let same = translate(svg, |_| Some("가나다".to_owned())).unwrap();
        assert!(same.contains("font-size=\"12\""), "{same}");
        // Four syllables, about 3.7 em: drawn at 12 × 3.05 / 3.68.
        let smaller = translate(svg, |_| Some("가나다라".to_owned())).unwrap();
        assert!(smaller.contains("font-size=\"9.9\">가나다라"), "{smaller}");
        // Eight syllables would need less than the smallest scale.
        let problem = translate(svg, |_| Some("가나다라마바사아".to_owned())).unwrap_err();
        assert!(problem.contains("\"abcdef\""), "{problem}");
        // A label that sets no size of its own gets one.
        let bare = r#"<svg font-size="10"><text x="1">abc</text></svg>"#;
        let sized = translate(bare, |_| Some("가나".to_owned())).unwrap();
        assert!(
            sized.contains("<text x=\"1\" font-size=\"8.9\">가나</text>"),
            "{sized}"
        );
    }

    #[test]
    fn english_left_on_a_translated_drawing_is_found() {
        let catalog = |english: &str| match english {
            "One invocation" => Some("호출 하나".to_owned()),
            "Caller & callee" => Some("Caller & callee".to_owned()),
            _ => None,
        };
        let korean = translate(DRAWING, catalog).unwrap();
        // ": at 03:00" has no translation yet; the kept "Caller & callee" is not English left.
        assert_eq!(english_left(DRAWING, &korean, catalog), [": at 03:00"]);
        // The English drawing itself, served on a Korean page.
        assert_eq!(
            english_left(DRAWING, DRAWING, catalog),
            ["One invocation", ": at 03:00"]
        );
        let complete = |english: &str| catalog(english).or(Some("03:00에".to_owned()));
        let korean = translate(DRAWING, complete).unwrap();
        assert_eq!(
            english_left(DRAWING, &korean, complete),
            Vec::<String>::new()
        );
    }

    #[test]
    fn attributes_are_found_by_their_whole_name() {
        let tag = r#"<text data-font-size="9" font-size="12" x="1">"#;
        assert_eq!(attribute(tag, "font-size"), Some("12"));
        assert_eq!(attribute(tag, "y"), None);
        assert_eq!(
            unescape("a &lt;b&gt; &#65;&#x42; &unknown; &"),
            "a <b> AB &unknown; &"
        );
    }
}
