//! Search in every language: a translation's search index, rebuilt so that its words are found.
//!
//! mdBook indexes every book as English. Its index (elasticlunr's) cuts each word down to its
//! Latin letters and digits before storing it, so a Korean word such as 동시성 is stored as
//! nothing, and searching for it finds nothing; only the English words in a Korean page are
//! found. The query goes through the same English steps in the browser, so Hangul typed into the
//! search box is thrown away too.
//!
//! mdBook does keep the text of every section it indexed (the index's document store, from which
//! it shows the teaser under each result). So after a translation is rendered, [`reindex`] reads
//! that text back and indexes it again, in the same format, with rules that hold for any
//! script: a word is what lies between spaces (or hyphens), without the punctuation around it,
//! in lower case. The index then asks the browser to change nothing in the query: no trimming,
//! no English stemming (its list of steps, its "pipeline", is empty), so a Korean query reaches
//! the index as typed. mdBook's search box already matches each query word as the start of a
//! word, which suits Korean, whose particles are written onto the word before them: 동시성
//! finds 동시성은 and 동시성을.
//!
//! English keeps mdBook's own index, whose stemming finds "invoked" for "invoking".

use std::fs;
use std::path::{Path, PathBuf};

use elasticlunr::{IndexBuilder, Language, Pipeline};
use serde_json::Value;

/// The fields mdBook indexes, in the order its documents list them.
const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// Words longer than this (in bytes) are not indexed: they are addresses or hashes, not words.
/// mdBook drops them too.
const LONGEST_WORD: usize = 80;

/// How mdBook wraps the index's JSON in `searchindex-<hash>.js`: as a JavaScript string in
/// single quotes, with `\` and `'` escaped by a backslash.
const SCRIPT_START: &str = "window.search = Object.assign(window.search, JSON.parse('";
const SCRIPT_END: &str = "'));";

/// Rebuilds the search index of the site in `site` (one language's folder) with words in any
/// script; see the module's documentation.
pub fn reindex(site: &Path) -> Result<(), String> {
    let script = index_script(site)?;
    let text = fs::read_to_string(&script)
        .map_err(|e| format!("cannot read {}: {e}", script.display()))?;
    let json = text
        .strip_prefix(SCRIPT_START)
        .and_then(|rest| rest.trim_end().strip_suffix(SCRIPT_END))
        .ok_or_else(|| {
            format!(
                "{} is not written as mdBook 0.5 writes its search index",
                script.display()
            )
        })?;
    let mut search: Value = serde_json::from_str(&unescape(json))
        .map_err(|e| format!("cannot read the index in {}: {e}", script.display()))?;
    let index = index_of_stored_documents(&search["index"]["documentStore"]["docs"])
        .ok_or_else(|| format!("{} has no stored documents to index", script.display()))?;
    search["index"] = index;
    let json = search
        .to_string()
        .replace('\\', "\\\\")
        .replace('\'', "\\'");
    fs::write(&script, format!("{SCRIPT_START}{json}{SCRIPT_END}"))
        .map_err(|e| format!("cannot write {}: {e}", script.display()))
}

/// The one `searchindex-<hash>.js` in `site`.
fn index_script(site: &Path) -> Result<PathBuf, String> {
    let entries = fs::read_dir(site).map_err(|e| format!("cannot list {}: {e}", site.display()))?;
    let mut scripts = entries.filter_map(Result::ok).map(|entry| entry.path());
    scripts
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("searchindex") && name.ends_with(".js"))
        })
        .ok_or_else(|| format!("{} has no searchindex*.js", site.display()))
}

/// Undoes the escaping of [`SCRIPT_START`]: each backslash stands before the character it escapes.
fn unescape(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        match character {
            '\\' => plain.extend(characters.next()),
            other => plain.push(other),
        }
    }
    plain
}

/// A new index (as JSON) of the documents mdBook stored: `{ "<ref>": { "title": …, "body": …,
/// "breadcrumbs": … } }`, added in the order of their numbers, as mdBook added them.
fn index_of_stored_documents(documents: &Value) -> Option<Value> {
    let mut documents: Vec<(u64, &Value)> = documents
        .as_object()?
        .iter()
        .map(|(reference, document)| Some((reference.parse().ok()?, document)))
        .collect::<Option<_>>()?;
    documents.sort_by_key(|(number, _)| *number);
    let mut index = IndexBuilder::with_language(Box::new(AnyScript))
        .add_fields(FIELDS)
        .build();
    for (number, document) in documents {
        let fields = FIELDS.map(|field| document[field].as_str().unwrap_or_default());
        index.add_doc(&number.to_string(), fields);
    }
    serde_json::to_value(index).ok()
}

/// Words in any script, as the module's documentation describes. elasticlunr calls a set of
/// indexing rules a language.
struct AnyScript;

impl Language for AnyScript {
    fn name(&self) -> String {
        "Any script".to_owned()
    }

    fn code(&self) -> String {
        // No language of ISO 639-1: the browser's elasticlunr does not read it.
        "any".to_owned()
    }

    fn tokenize(&self, text: &str) -> Vec<String> {
        words(text)
    }

    /// No steps: the browser runs the same steps on each query, by name, and an empty list
    /// leaves the query as typed (split into words and lower-cased).
    fn make_pipeline(&self) -> Pipeline {
        Pipeline { queue: Vec::new() }
    }
}

/// The words of `text`: split at spaces and hyphens as the browser splits a query, and at
/// brackets (a translation writes the English term right after its own: 동시성(concurrency)),
/// without the punctuation around them, in lower case.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || "-()[]".contains(c))
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty() && word.len() <= LONGEST_WORD)
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_hangul_and_lose_their_punctuation() {
        assert_eq!(
            words("동시성(concurrency)은, \"콜드 스타트\" Lambda-함수의 init_duration"),
            [
                "동시성",
                "concurrency",
                "은",
                "콜드",
                "스타트",
                "lambda",
                "함수의",
                "init_duration"
            ]
        );
        assert_eq!(words(&"a".repeat(LONGEST_WORD + 1)), Vec::<String>::new());
    }

    #[test]
    fn a_rebuilt_index_holds_the_korean_words_and_keeps_the_rest() {
        let site =
            std::env::temp_dir().join(format!("workbook-book-search-{}", std::process::id()));
        fs::create_dir_all(&site).unwrap();
        let documents = r#"{"doc_urls":["concurrency.html#a"],"index":{"documentStore":{"docs":
            {"0":{"id":"0","title":"예약된 동시성","body":"별칭은 버전을 가리킵니다.","breadcrumbs":"동시성 » 예약된 동시성"}}}}}"#;
        let json = serde_json::to_string(&serde_json::from_str::<Value>(documents).unwrap())
            .unwrap()
            .replace('\'', "\\'");
        let script = site.join("searchindex-0123.js");
        fs::write(&script, format!("{SCRIPT_START}{json}{SCRIPT_END}")).unwrap();

        reindex(&site).unwrap();

        let text = fs::read_to_string(&script).unwrap();
        let json = text.strip_prefix(SCRIPT_START).unwrap();
        let search: Value =
            serde_json::from_str(&unescape(json.strip_suffix(SCRIPT_END).unwrap())).unwrap();
        assert_eq!(search["doc_urls"][0], "concurrency.html#a");
        assert_eq!(search["index"]["pipeline"], serde_json::json!([]));
        // The inverted index is a tree of characters: 별 → 칭 → 은 holds the document.
        let body = &search["index"]["index"]["body"]["root"];
        assert_eq!(body["별"]["칭"]["은"]["docs"]["0"]["tf"], 1.0);
        let title = &search["index"]["index"]["title"]["root"];
        assert!(title["동"]["시"]["성"]["docs"]["0"].is_object());
        fs::remove_dir_all(&site).unwrap();
    }

    #[test]
    fn unescapes_what_mdbook_escaped() {
        assert_eq!(unescape(r#"{"a":"it\'s \\d"}"#), r#"{"a":"it's \d"}"#);
    }
}
