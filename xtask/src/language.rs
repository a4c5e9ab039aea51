//! The learner's language: English, or Korean where a translation exists.
//!
//! The workbook is written in English and translated into Korean (the book in `book/po/ko.po`,
//! the hints in the manifest's `hints_ko`). The learner-facing messages of xtask follow the
//! learner's language: `verify`'s table and summary lines (and so `watch`'s and `solution`'s),
//! the hints, and the links to the book. Messages for teachers and maintainers, and errors, stay
//! English, as does anything not translated yet.
//!
//! The language is `--lang <code>` when given, or else the one the environment's locale names,
//! found the way programs that use gettext find it: the first of `LC_ALL`, `LC_MESSAGES` and
//! `LANG` that is set and not empty (`ko_KR.UTF-8` is Korean). Anything else is English.

use std::env;

/// A language xtask speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Korean,
}

/// The environment variables that name the locale for messages, the first set one winning.
const LOCALE_VARIABLES: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

impl Language {
    /// Every language, by its code (BCP 47, as in the book's `<html lang>`).
    const ALL: [(&'static str, Language); 2] =
        [("en", Language::English), ("ko", Language::Korean)];

    /// The language of `--lang <code>`.
    pub fn parse(code: &str) -> Result<Language, String> {
        Language::ALL
            .iter()
            .find(|(known, _)| *known == code)
            .map(|&(_, language)| language)
            .ok_or_else(|| {
                let codes: Vec<&str> = Language::ALL.iter().map(|(code, _)| *code).collect();
                format!(
                    "`--lang {code}`: the workbook speaks {}; like `--lang ko`",
                    codes.join(", ")
                )
            })
    }

    /// Its code: `en`, `ko`.
    pub fn code(self) -> &'static str {
        Language::ALL
            .iter()
            .find(|(_, language)| *language == self)
            .map_or("en", |(code, _)| code)
    }

    /// The language to speak: `chosen` (from `--lang`), or else the environment's.
    pub fn or_from_environment(chosen: Option<Language>) -> Language {
        chosen.unwrap_or_else(|| Language::from_locale_variables(|name| env::var(name).ok()))
    }

    /// The language of the first locale variable that is set; `variable` reads one.
    fn from_locale_variables(variable: impl Fn(&str) -> Option<String>) -> Language {
        LOCALE_VARIABLES
            .iter()
            .filter_map(|name| variable(name))
            .find(|value| !value.is_empty())
            .map_or(Language::English, |locale| Language::of_locale(&locale))
    }

    /// The language of a locale name like `ko_KR.UTF-8`: its language part, before any `_`,
    /// `-`, `.` or `@`.
    fn of_locale(locale: &str) -> Language {
        let language = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default();
        Language::parse(language).unwrap_or(Language::English)
    }
}

/// How many columns a terminal gives `text`: two for each wide character (Hangul, the CJK
/// ideographs and their punctuation, full-width forms), one for any other. Tables of Korean text
/// line up only when padded by this, not by the number of characters.
pub fn display_width(text: &str) -> usize {
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// `text` followed by spaces up to `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    let padding = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(padding))
}

/// The ranges Unicode's East Asian Width property marks Wide or Fullwidth that the workbook's
/// languages use (the full list has emoji and rarer scripts too).
fn is_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'     // Hangul Jamo, initial consonants
        | '\u{2E80}'..='\u{303E}'   // CJK radicals, punctuation
        | '\u{3041}'..='\u{33FF}'   // kana, Hangul compatibility jamo, CJK symbols
        | '\u{3400}'..='\u{4DBF}'   // CJK ideographs, extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK ideographs
        | '\u{A960}'..='\u{A97F}'   // Hangul Jamo extended A
        | '\u{AC00}'..='\u{D7A3}'   // Hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
        | '\u{FF00}'..='\u{FF60}'   // full-width forms
        | '\u{FFE0}'..='\u{FFE6}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(variables: &[(&str, &str)]) -> Language {
        Language::from_locale_variables(|name| {
            variables
                .iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn the_locale_names_the_language_as_for_gettext() {
        assert_eq!(from(&[("LANG", "ko_KR.UTF-8")]), Language::Korean);
        assert_eq!(from(&[("LANG", "ko")]), Language::Korean);
        assert_eq!(from(&[("LANG", "en_US.UTF-8")]), Language::English);
        assert_eq!(from(&[("LANG", "C.UTF-8")]), Language::English);
        assert_eq!(from(&[("LANG", "de_DE.UTF-8")]), Language::English);
        assert_eq!(from(&[]), Language::English);
        // LC_ALL wins over LC_MESSAGES, which wins over LANG; an empty one does not count.
        let both = [("LC_ALL", "en_GB.UTF-8"), ("LANG", "ko_KR.UTF-8")];
        assert_eq!(from(&both), Language::English);
        let messages = [("LC_MESSAGES", "ko_KR.UTF-8"), ("LANG", "en_US.UTF-8")];
        assert_eq!(from(&messages), Language::Korean);
        let empty = [("LC_ALL", ""), ("LANG", "ko_KR.UTF-8")];
        assert_eq!(from(&empty), Language::Korean);
    }

    #[test]
    fn lang_takes_a_code() {
        assert_eq!(Language::parse("ko"), Ok(Language::Korean));
        assert_eq!(Language::parse("en"), Ok(Language::English));
        assert_eq!(Language::Korean.code(), "ko");
        let error = Language::parse("fr").unwrap_err();
        assert_eq!(
            error,
            "`--lang fr`: the workbook speaks en, ko; like `--lang ko`"
        );
        assert_eq!(
            Language::or_from_environment(Some(Language::Korean)),
            Language::Korean
        );
    }

    #[test]
    fn hangul_is_two_columns_wide() {
        assert_eq!(display_width("points"), 6);
        assert_eq!(display_width("점수"), 4);
        assert_eq!(display_width("통과 (passed)"), 13);
        assert_eq!(pad("점수", 6), "점수  ");
        assert_eq!(pad("status", 4), "status");
    }
}
